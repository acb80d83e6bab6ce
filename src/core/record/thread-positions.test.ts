import { test } from "node:test";
import assert from "node:assert/strict";
import type { RecordLeaf } from "./log-leaf.js";
import { ThreadPositionCheck } from "./thread-positions.js";

const W = "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b";
const V = "report--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d";
const leaf = (warning?: string, seq?: number): RecordLeaf => ({
  kind: "receipt",
  id: "x-tocsin-receipt--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b",
  modified: "2026-11-25T09:00:00.000Z",
  author: "identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f",
  keyId: "65b60673d6ed884bf01c2c222d82ada0",
  custodial: false,
  digest: "ab".repeat(32),
  loggedAt: "2026-11-25T09:00:01.000Z",
  ...(warning === undefined ? {} : { warning, seq }),
});

test("a log's thread positions: per warning 0, 1, 2 … in log order; interleaved threads; legacy v1 records counted", () => {
  const c = new ThreadPositionCheck();
  assert.equal(c.add(0, leaf(W, 0)), undefined);
  assert.equal(c.add(1, leaf(V, 0)), undefined);
  assert.equal(c.add(2, leaf()), undefined); // not about a warning
  assert.equal(c.add(3, leaf(W, 1)), undefined);
  assert.equal(c.add(4, leaf(V, 1)), undefined);
  assert.match(c.add(5, leaf(W, 3))!, /entry 5: thread position 3 of report--7e3f.*2 records about it came before/);
  assert.match(c.add(6, leaf(V, 1))!, /thread position 1 .* 2 records/);
  assert.match(c.add(7, leaf(), W)!, /without a thread position after/);
  assert.match(c.add(8, leaf(W, 5), V)!, /puts the record in the thread of report--7e3f.*but the record is about report--0a0b/);
  // A thread begun with v1 leaves goes on at its length.
  const legacy = new ThreadPositionCheck();
  assert.equal(legacy.add(0, leaf(), W), undefined);
  assert.equal(legacy.add(1, leaf(), W), undefined);
  assert.equal(legacy.add(2, leaf(W, 2)), undefined);
  assert.match(legacy.add(3, leaf(W, 2))!, /thread position 2 .* 3 records/);
});
