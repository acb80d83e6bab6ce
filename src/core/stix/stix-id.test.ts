import { test } from "node:test";
import assert from "node:assert/strict";
import { isRfc4122Uuid, isStixTypeName, parseStixId } from "./stix-id.js";
import { compareStixTimestamps, isStixTimestamp } from "./stix-timestamp.js";

test("parseStixId splits <type>--<uuid> and refuses the rest (§2.9)", () => {
  assert.deepEqual(parseStixId("x-tocsin-receipt--0b6a2d43-6cbb-4c3b-9a5e-3a1c0e2f9d11"), {
    type: "x-tocsin-receipt",
    uuid: "0b6a2d43-6cbb-4c3b-9a5e-3a1c0e2f9d11",
  });
  for (const bad of [
    "indicator-26ffb872-1dd9-446e-b6f5-d58527e5b5d2", // one hyphen
    "Indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2", // uppercase type
    "in--26ffb872-1dd9-446e-b6f5-d58527e5b5d2", // type too short
    "indicator---26ffb872-1dd9-446e-b6f5-d58527e5b5d2", // type ending in a hyphen
    "indicator--26ffb872-1dd9-046e-b6f5-d58527e5b5d2", // version 0
    "indicator--26ffb872-1dd9-446e-c6f5-d58527e5b5d2", // variant 110 (Microsoft), not RFC 4122
    "indicator--00000000-0000-0000-0000-000000000000", // nil UUID
    "indicator--26ffb8721dd9446eb6f5d58527e5b5d2",
    "",
    42,
    null,
  ]) {
    assert.equal(parseStixId(bad), undefined, String(bad));
  }
});

test("UUID versions 1–5 and both cases are RFC 4122", () => {
  for (const v of "12345") assert.ok(isRfc4122Uuid(`26ffb872-1dd9-${v}46e-b6f5-d58527e5b5d2`));
  assert.ok(isRfc4122Uuid("26FFB872-1DD9-446E-B6F5-D58527E5B5D2"));
  assert.ok(!isRfc4122Uuid("26ffb872-1dd9-746e-b6f5-d58527e5b5d2"));
  assert.ok(isStixTypeName("ipv4-addr") && !isStixTypeName("a--b") && !isStixTypeName("x".repeat(251)));
});

test("isStixTimestamp: RFC 3339 with Z, real dates, leap seconds only at 23:59", () => {
  for (const ok of ["2016-05-12T08:17:27Z", "2016-05-12T08:17:27.000Z", "2016-05-12T08:17:27.123456789Z", "2000-02-29T00:00:00Z", "2016-12-31T23:59:60Z"]) {
    assert.ok(isStixTimestamp(ok), ok);
  }
  for (const bad of [
    "2016-05-12T08:17:27+00:00",
    "2016-05-12T08:17:27z",
    "2016-05-12 08:17:27Z",
    "2016-05-12T08:17:27.Z",
    "2016-05-12T24:00:00Z",
    "2016-13-12T08:17:27Z",
    "1900-02-29T00:00:00Z",
    "2016-04-31T00:00:00Z",
    "2016-05-12T08:17:60Z",
    "2016-05-12T08:17Z",
    "２016-05-12T08:17:27Z",
  ]) {
    assert.ok(!isStixTimestamp(bad), bad);
  }
  assert.ok(isStixTimestamp("2016-05-12T08:17:27.000Z", 3));
  assert.ok(!isStixTimestamp("2016-05-12T08:17:27.00Z", 3));
  assert.ok(!isStixTimestamp("2016-05-12T08:17:27Z", 3));
});

test("compareStixTimestamps orders exactly, whatever the fraction length", () => {
  assert.equal(compareStixTimestamps("2016-05-12T08:17:27Z", "2016-05-12T08:17:27.000Z"), 0);
  assert.ok(compareStixTimestamps("2016-05-12T08:17:27.1Z", "2016-05-12T08:17:27.09Z") > 0);
  assert.ok(compareStixTimestamps("2016-05-12T08:17:27.999999Z", "2016-05-12T08:17:28Z") < 0);
  assert.ok(compareStixTimestamps("2015-12-31T23:59:60Z", "2016-01-01T00:00:00Z") < 0);
});
