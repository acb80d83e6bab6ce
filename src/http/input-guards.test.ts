import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { jsonNestsDeeperThan } from "./input-guards.js";

/** The depth of a parsed JSON value, without recursion (V8's JSON.parse does not recurse either). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    deepest = Math.max(deepest, d + 1);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

// Strings full of what the scanner must not count or stop at: brackets, quotes, runs of backslashes.
const trickyString = fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", "é", "\u2028", "\ud83d\ude00"), maxLength: 12 });
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, trickyString, fc.integer(), fc.constant(null), tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(trickyString, tie("value"), { maxKeys: 4 }),
})).value;

test("the depth guard agrees with the parsed depth on any JSON text, strings with quotes, backslashes and brackets included", () => {
  fc.assert(
    fc.property(json, fc.integer({ min: 0, max: 8 }), fc.boolean(), (value, max, pretty) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      assert.equal(jsonNestsDeeperThan(text, max), depthOf(JSON.parse(text)) > max);
    }),
    { numRuns: 3000 },
  );
});

test("the depth guard: escaped quotes end no string, an even run of backslashes before a quote does", () => {
  assert.equal(jsonNestsDeeperThan(String.raw`["\"[[[["]`, 1), false);
  assert.equal(jsonNestsDeeperThan(String.raw`["\\",[[]]]`, 2), true);
  assert.equal(jsonNestsDeeperThan(String.raw`["\\\"[[",[]]`, 2), false);
  assert.equal(jsonNestsDeeperThan("[".repeat(65) + "]".repeat(65), 64), true);
  assert.equal(jsonNestsDeeperThan("[".repeat(64) + "]".repeat(64), 64), false);
});

test("the depth guard on text that is not JSON: an unterminated string ends the scan, and nothing throws", () => {
  assert.equal(jsonNestsDeeperThan('["abc', 0), true);
  assert.equal(jsonNestsDeeperThan('"[[[[', 1), false);
  assert.equal(jsonNestsDeeperThan("\\".repeat(1000) + '"', 1), false);
  assert.equal(jsonNestsDeeperThan("", 0), false);
});
