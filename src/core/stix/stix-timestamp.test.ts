import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { stixTimestampMs } from "./stix-timestamp.js";

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** A STIX timestamp of any valid date from year 0 to 9999, with 0 to 12 fraction digits. */
const stixTimestamp = fc
  .record({
    at: fc.integer({ min: Date.parse("0000-01-01T00:00:00Z"), max: Date.parse("9999-12-31T23:59:59.999Z") }),
    fraction: fc.stringMatching(/^[0-9]{0,12}$/),
  })
  .map(({ at, fraction }) => {
    const d = new Date(at);
    const whole = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    return fraction === "" ? `${whole}Z` : `${whole}.${fraction}Z`;
  });

test("stixTimestampMs reads every STIX timestamp exactly as Date.parse does", () => {
  fc.assert(
    fc.property(stixTimestamp, (s) => {
      assert.equal(stixTimestampMs(s), Date.parse(s), s);
    }),
    { numRuns: 5000 },
  );
  // The edges: the epoch, before it, years below 100 (which Date.UTC would move to the 1900s), leap days,
  // the fraction truncated (not rounded) to milliseconds.
  for (const s of [
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59.999Z",
    "0000-01-01T00:00:00Z",
    "0099-03-01T12:00:00.5Z",
    "2000-02-29T23:59:59.9999Z",
    "1900-02-28T00:00:00.01Z",
    "9999-12-31T23:59:59.999999999Z",
    "2026-12-06T00:21:54.123Z",
  ]) {
    assert.equal(stixTimestampMs(s), Date.parse(s), s);
  }
});

test("stixTimestampMs: a leap second is NaN, as for Date.parse, and text that is no STIX timestamp is Date.parse's", () => {
  assert.ok(Number.isNaN(stixTimestampMs("2016-12-31T23:59:60Z")));
  assert.ok(Number.isNaN(Date.parse("2016-12-31T23:59:60Z")));
  for (const s of ["", "not a time", "2016-02-30T00:00:00Z", "2016-01-01T00:00:00+01:00", "2016-01-01 00:00:00Z", "2016-01-01T00:00:00.Z", "2016-01-01"]) {
    assert.ok(Object.is(stixTimestampMs(s), Date.parse(s)), s);
  }
});
