import { test } from "node:test";
import assert from "node:assert/strict";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { parseProbability, parseWhen } from "./time-arguments.js";

const NOW = Date.parse("2026-03-22T12:00:00Z");

test("times on the command line: durations from now (and back with -), RFC 3339 with Z or an offset, now", () => {
  assert.equal(parseWhen("2h", "--x", NOW), NOW + 2 * 3_600_000);
  assert.equal(parseWhen("1d12h", "--x", NOW), NOW + 36 * 3_600_000);
  assert.equal(parseWhen("90m", "--x", NOW), NOW + 90 * 60_000);
  assert.equal(parseWhen("1w", "--x", NOW), NOW + 7 * 86_400_000);
  assert.equal(parseWhen("-30m", "--x", NOW), NOW - 30 * 60_000);
  assert.equal(parseWhen("now", "--x", NOW), NOW);
  assert.equal(parseWhen("2026-03-23T18:00:00Z", "--x", NOW), Date.parse("2026-03-23T18:00:00Z"));
  assert.equal(parseWhen("2026-03-23T20:00:00+02:00", "--x", NOW), Date.parse("2026-03-23T18:00:00Z"));
});

test("anything else is CLIENT_INPUT_INVALID naming the option", () => {
  for (const bad of ["", "tomorrow", "2", "2x", "h2", "2026-03-23", "2026-02-30T10:00:00", "1d 2h", "--2h"]) {
    assert.throws(() => parseWhen(bad, "--receipt-by", NOW), (e: unknown) => isTocsinError(e) && e.code === "CLIENT_INPUT_INVALID" && e.message.startsWith("--receipt-by"), bad);
  }
});

test("probabilities: 0.7 or 70%, within [0, 1]", () => {
  assert.equal(parseProbability("0.7"), 0.7);
  assert.equal(parseProbability("70%"), 0.7);
  assert.equal(parseProbability("0"), 0);
  assert.equal(parseProbability("100%"), 1);
  for (const bad of ["", " ", "1.01", "-0.1", "150%", "seventy", "NaN", "0x1"]) {
    assert.throws(() => parseProbability(bad), (e: unknown) => isTocsinError(e) && e.code === "CLIENT_INPUT_INVALID", bad);
  }
});
