import assert from "node:assert/strict";
import { test } from "node:test";
import { BoundedCache } from "./bounded-cache.js";

test("a bounded cache keeps at most its limit and forgets the oldest insertion first", () => {
  const c = new BoundedCache<string, number>(3);
  for (const [i, k] of ["a", "b", "c", "d"].entries()) c.set(k, i);
  assert.equal(c.size, 3);
  assert.equal(c.get("a"), undefined);
  assert.deepEqual(["b", "c", "d"].map((k) => c.get(k)), [1, 2, 3]);
  // Setting a cached key again replaces its value without taking a second slot.
  c.set("c", 20);
  assert.equal(c.size, 3);
  assert.equal(c.get("c"), 20);
  c.set("e", 4);
  assert.equal(c.get("b"), undefined);
  assert.deepEqual(["c", "d", "e"].map((k) => c.get(k)), [20, 3, 4]);
  // Many times round the ring: still bounded, still the newest kept.
  for (let i = 0; i < 1000; i++) c.set(`k${i}`, i);
  assert.equal(c.size, 3);
  assert.deepEqual(["k997", "k998", "k999"].map((k) => c.get(k)), [997, 998, 999]);
  assert.throws(() => new BoundedCache(0), RangeError);
});
