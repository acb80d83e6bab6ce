import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import type { AppendBatch } from "../store.js";
import { fromColumns, toColumns } from "./append-batch-columns.js";

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** Through a real port with the transfer list, as the append thread receives it. */
function acrossThreads(batch: AppendBatch): AppendBatch {
  const { port1, port2 } = new MessageChannel();
  const { columns, transfer } = toColumns(batch);
  port1.postMessage(columns, transfer);
  const got = receiveMessageOnPort(port2)!.message as Parameters<typeof fromColumns>[0];
  port1.close();
  return fromColumns(got);
}

/** Plain arrays for comparison: a received view and the sent array are equal when their bytes are. */
function plain(batch: AppendBatch): unknown {
  return JSON.parse(JSON.stringify(batch, (_k, v: unknown) => (v instanceof Uint8Array ? { bytes: Buffer.from(v).toString("hex") } : v)));
}

test("a batch of every kind of leaf crosses in columns and comes back equal", () => {
  const record = (id: string, warningRef: string | undefined, custodial: boolean) => ({
    digest: bytes(32),
    id,
    modified: "2026-12-06T03:00:00.000Z",
    type: id.split("--")[0]!,
    kind: "warning",
    author: "identity--9c1d2c0f-0d6f-4c55-9d3f-2f4e7b8a1c11",
    warningRef,
    loggedAt: "2026-12-06T03:00:01.000Z",
    custodial,
    body: `{"id":"${id}","name":"Ünïcödé \u{1F514}"}`,
  });
  const batch: AppendBatch = {
    epoch: 7,
    startIndex: 41,
    leaves: [
      { data: bytes(414), hash: bytes(32), record: record("report--a7e3c1d0-6b3f-4e0a-9c71-1d2f3e4a5b60", "report--a7e3c1d0-6b3f-4e0a-9c71-1d2f3e4a5b60", false), addedUs: 1_765_000_000_000_001 },
      { data: bytes(300), hash: bytes(32), record: record("identity--0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", undefined, true), addedUs: 1_765_000_000_000_002 },
      { data: bytes(200), hash: bytes(32), tombstone: bytes(32) },
      { data: bytes(1), hash: bytes(32) },
    ],
    nodes: [
      { level: 1, index: 20, hash: bytes(32) },
      { level: 2, index: 10, hash: bytes(32) },
    ],
    checkpoint: { size: 45, root: bytes(32), note: "tocsin.example/log\n45\nAAAA\n\n— tocsin.example/log sig\n", createdAt: "2026-12-06T03:00:01.000Z" },
  };
  const before = plain(batch);
  const back = acrossThreads(batch);
  assert.deepEqual(plain(back), before);
  // The keys that were absent stay absent (not present as undefined), as the store reads them.
  assert.equal("tombstone" in back.leaves[0]!, false);
  assert.equal("record" in back.leaves[2]!, false);
  assert.equal("addedUs" in back.leaves[3]!, false);
  assert.equal(back.leaves[1]!.record!.warningRef, undefined);
  // The caller's own arrays were copied, not moved: the sequencer and admission still hold them.
  assert.deepEqual(plain(batch), before);
  assert.equal(batch.leaves[0]!.data.length, 414);
});

test("an empty batch (a checkpoint alone) and one without a checkpoint cross unchanged", () => {
  const alone: AppendBatch = { epoch: 1, startIndex: 0, leaves: [], nodes: [], checkpoint: { size: 0, root: bytes(32), note: "n\n", createdAt: "2026-12-06T00:00:00.000Z" } };
  assert.deepEqual(plain(acrossThreads(alone)), plain(alone));
  const bare: AppendBatch = { epoch: 1, startIndex: 3, leaves: [{ data: bytes(10), hash: bytes(32) }], nodes: [] };
  const back = acrossThreads(bare);
  assert.deepEqual(plain(back), plain(bare));
  assert.equal("checkpoint" in back, false);
});
