import { test } from "node:test";
import assert from "node:assert/strict";
import { decodePageToken, encodePageToken, formatDateAdded, parseTaxiiFilters, parseTimestampUs, queryFingerprint, timestampSpellings } from "./index.js";

test("date_added: microseconds round-trip through the TAXII text form; parsing rounds down and is strict", () => {
  const us = Date.parse("2026-11-25T10:00:00.123Z") * 1000 + 456;
  assert.equal(formatDateAdded(us), "2026-11-25T10:00:00.123456Z");
  assert.equal(parseTimestampUs("2026-11-25T10:00:00.123456Z", "p"), us);
  assert.equal(parseTimestampUs("2026-11-25T10:00:00.1234569Z", "p"), us, "nanoseconds round down");
  assert.equal(parseTimestampUs("2026-11-25T10:00:00Z", "p"), Date.parse("2026-11-25T10:00:00Z") * 1000);
  for (const bad of ["2026-11-25", "2026-11-25T10:00:00+01:00", "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z", "x"]) {
    assert.throws(() => parseTimestampUs(bad, "added_after"), { code: "TAXII_QUERY_INVALID" });
  }
});

test("page tokens: opaque, bound to their query, refused when tampered", () => {
  const fp = queryFingerprint(["alice", "shared", "objects", "[]"]);
  const t = encodePageToken(1_795_000_000_000_123, fp);
  assert.match(t, /^[A-Za-z0-9_-]+$/);
  assert.equal(decodePageToken(t, fp), 1_795_000_000_000_123);
  assert.throws(() => decodePageToken(t, queryFingerprint(["bob", "shared", "objects", "[]"])), { code: "TAXII_QUERY_INVALID" });
  assert.throws(() => decodePageToken(t.slice(1), fp), { code: "TAXII_QUERY_INVALID" });
  assert.throws(() => decodePageToken("a".repeat(65), fp), { code: "TAXII_QUERY_INVALID" });
});

test("filters: defaults, lists, version keywords, caps, and the canonical form ignores order and limit", () => {
  const d = parseTaxiiFilters({}, []);
  assert.equal(d.limit, 1000);
  assert.deepEqual(d.versions, { last: true });
  const f = parseTaxiiFilters({ limit: "99999", "match[type]": ["report", "note,indicator"], "match[version]": "first,2026-11-25T00:00:00Z" }, ["limit", "match[type]", "match[version]"]);
  assert.equal(f.limit, 10_000);
  assert.deepEqual(f.types, ["report", "note", "indicator"]);
  assert.equal(f.versions.first, true);
  assert.equal(f.versions.last, false);
  assert.ok(f.versions.modified?.includes("2026-11-25T00:00:00Z") && f.versions.modified.includes("2026-11-25T00:00:00.000Z"));
  assert.deepEqual(parseTaxiiFilters({ "match[version]": "last,all" }, ["match[version]"]).versions, { all: true });
  const a = parseTaxiiFilters({ "match[type]": "a-b,c-d", limit: "5" }, ["match[type]", "limit"]);
  const b = parseTaxiiFilters({ "match[type]": "c-d,a-b" }, ["match[type]"]);
  assert.equal(a.canonical, b.canonical);
  assert.throws(() => parseTaxiiFilters({ "match[type]": "a,,b" }, ["match[type]"]), { code: "TAXII_QUERY_INVALID" });
  assert.throws(() => parseTaxiiFilters({ "match[id]": "x" }, []), { code: "TAXII_QUERY_INVALID" });
});

test("a version timestamp matches every spelling of its instant, and only those", () => {
  const s = timestampSpellings("2026-11-25T10:00:49.175000Z");
  assert.ok(s.includes("2026-11-25T10:00:49.175Z"));
  assert.ok(s.includes("2026-11-25T10:00:49.175000Z"));
  assert.ok(s.includes("2026-11-25T10:00:49.175000000Z"));
  assert.ok(!s.includes("2026-11-25T10:00:49.17Z"));
  assert.ok(!s.includes("2026-11-25T10:00:49Z"));
  const whole = timestampSpellings("2026-11-25T10:00:49.000Z");
  assert.ok(whole.includes("2026-11-25T10:00:49Z") && whole.includes("2026-11-25T10:00:49.0Z"));
});
