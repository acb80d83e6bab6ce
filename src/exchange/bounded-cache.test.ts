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

test("a weighed bounded cache keeps its total weight within the budget, forgetting the oldest first", () => {
  const c = new BoundedCache<string, string>(100, { maxWeight: 10, weigh: (v) => v.length });
  c.set("a", "xxxx");
  c.set("b", "xxxx");
  assert.equal(c.weight, 8);
  c.set("c", "xxx"); // 11 > 10: the oldest goes
  assert.equal(c.get("a"), undefined);
  assert.deepEqual([c.get("b"), c.get("c")], ["xxxx", "xxx"]);
  assert.equal(c.weight, 7);
  // One entry heavier than the budget empties the cache and stays alone.
  c.set("big", "x".repeat(50));
  assert.equal(c.size, 1);
  assert.equal(c.weight, 50);
  c.set("d", "x");
  assert.deepEqual([c.get("big"), c.get("d")], [undefined, "x"]);
  assert.equal(c.weight, 1);
  // Many light entries: the count bound still holds.
  const counted = new BoundedCache<number, string>(3, { maxWeight: 1e9, weigh: () => 1 });
  for (let i = 0; i < 10; i++) counted.set(i, "v");
  assert.equal(counted.size, 3);
  assert.deepEqual([7, 8, 9].map((k) => counted.get(k)), ["v", "v", "v"]);
  assert.equal(counted.weight, 3);
});
