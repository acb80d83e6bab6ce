import { test } from "node:test";
import assert from "node:assert/strict";
import { RunsByKey } from "./runs-by-key.js";

/** A run that ends when told to. */
function pending(): { run: () => Promise<void>; end: () => void } {
  let end = () => {};
  const done = new Promise<void>((r) => (end = r));
  return { run: () => done, end };
}

test("one run per key at a time; another key is not held up; settled waits for what is under way", async () => {
  const runs = new RunsByKey();
  const slow = pending();
  const ended: string[] = [];
  assert.equal(runs.start("silent", slow.run, () => ended.push("silent")), true);
  assert.equal(runs.start("silent", async () => assert.fail("a second run of a key under way")), false);
  let fast = 0;
  assert.equal(runs.start("answering", async () => void fast++, () => ended.push("answering")), true);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ended, ["answering"]);
  assert.equal(runs.start("answering", async () => void fast++), true, "a key whose run has ended starts again");
  let settled = false;
  const all = runs.settled().then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, "settled waits for the silent key's run");
  slow.end();
  await all;
  assert.deepEqual(ended, ["answering", "silent"]);
  assert.equal(fast, 2);
  assert.equal(runs.start("silent", async () => {}), true, "the key is free once its run ended");
});
