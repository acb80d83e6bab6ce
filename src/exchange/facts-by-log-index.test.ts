import assert from "node:assert/strict";
import { test } from "node:test";
import { FactsByLogIndex } from "./facts-by-log-index.js";

const weigh = (v: string) => v.length;

test("facts by log index: each index finds its value; equal keys share one value", () => {
  const c = new FactsByLogIndex<string>({ maxChunks: 4, maxDistinct: 10, maxWeight: 1000 }, weigh);
  for (let i = 0; i < 200_000; i += 7) c.set(i, i % 2 === 0 ? "even" : "odd", i % 2 === 0 ? "e" : "o");
  assert.equal(c.get(0), "even");
  assert.equal(c.get(7), "odd");
  assert.equal(c.get(1), undefined);
  assert.equal(c.get(199_997), "odd");
  assert.equal(c.stats.distinct, 2);
  assert.equal(c.stats.chunks, 4);
});

test("facts by log index: bounded in chunks (oldest made first out), distinct values and weight", () => {
  const c = new FactsByLogIndex<string>({ maxChunks: 2, maxDistinct: 3, maxWeight: 10 }, weigh);
  c.set(0, "a", "a");
  c.set(70_000, "a", "a");
  c.set(140_000, "a", "a");
  assert.equal(c.get(0), undefined, "the oldest chunk is forgotten");
  assert.equal(c.get(140_000), "a");
  c.set(1, "b", "b");
  c.set(2, "c", "c");
  assert.equal(c.stats.distinct, 3);
  c.set(3, "d", "d"); // a fourth distinct value: everything is forgotten, the cache starts afresh
  assert.equal(c.get(140_000), undefined);
  assert.equal(c.get(3), "d");
  assert.equal(c.stats.distinct, 1);
  c.set(4, "x".repeat(11), "big"); // heavier than the whole budget: not held
  assert.equal(c.get(4), undefined);
  c.set(5, "y".repeat(10), "y"); // over the weight left: starts afresh
  assert.equal(c.get(3), undefined);
  assert.equal(c.get(5), "y".repeat(10));
});
