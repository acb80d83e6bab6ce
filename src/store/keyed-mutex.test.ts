import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyedMutex } from "./keyed-mutex.js";

/** A promise and its resolver, to hold a batch inside the mutex until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

test("batches sharing a key run one after the other, in the order they asked", async () => {
  const m = new KeyedMutex();
  const order: string[] = [];
  const first = gate();
  const a = m.run(["x", "y"], async () => {
    order.push("a starts");
    await first.promise;
    order.push("a ends");
  });
  const b = m.run(["y"], async () => void order.push("b"));
  const c = m.run(["z"], async () => void order.push("c"));
  await c;
  assert.deepEqual(order, ["a starts", "c"]); // c shares no key with a: it did not wait
  first.open();
  await Promise.all([a, b]);
  assert.deepEqual(order, ["a starts", "c", "a ends", "b"]);
});

test("two batches holding the same keys in opposite orders both finish (no lock-order deadlock)", async () => {
  const m = new KeyedMutex();
  const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
  const held = gate();
  const results: number[] = [];
  const runs = [
    m.run(keys, async () => {
      await held.promise;
      results.push(1);
    }),
    m.run([...keys].reverse(), async () => void results.push(2)),
    m.run([keys[7]!, keys[3]!, keys[7]!], async () => void results.push(3)),
  ];
  held.open();
  await Promise.all(runs);
  assert.deepEqual(results, [1, 2, 3]);
});

test("a failing batch releases its keys and its error reaches its caller", async () => {
  const m = new KeyedMutex();
  await assert.rejects(m.run(["x"], async () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await m.run(["x"], async () => 42), 42);
});
