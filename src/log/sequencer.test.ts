import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "../core/crypto/bytes.js";
import { MemoryTree, verifyInclusion } from "../core/merkle/index.js";
import { generateNoteSigner, openCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { AppendBatch, Store } from "../store/store.js";
import { LogReader } from "./log-reader.js";
import { Sequencer } from "./sequencer.js";

const signer = generateNoteSigner("test.example/log");
const verifier = verifierFromSigner(signer);

function tempStore(): { store: SqliteStore; path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-seq-"));
  const path = join(dir, "tocsin.db");
  return { store: SqliteStore.open(path), path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Wraps a store to watch (and optionally hold up) its batches. */
function watched(store: Store, hold?: Promise<void>): Store & { batches: AppendBatch[] } {
  const batches: AppendBatch[] = [];
  return new Proxy(store as Store & { batches: AppendBatch[] }, {
    get(target, prop, receiver) {
      if (prop === "batches") return batches;
      if (prop === "appendBatch") {
        return async (b: AppendBatch) => {
          batches.push(b);
          if (hold) await hold;
          return target.appendBatch(b);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

const clock = { t: Date.parse("2026-11-25T00:00:00Z"), now() { return this.t; } };
const leaf = (i: number) => new TextEncoder().encode(`entry ${i}`);

test("concurrent appends share one durable transaction and get consecutive indices", async () => {
  const { store, cleanup } = tempStore();
  const w = watched(store);
  const seq = new Sequencer({ store: w, signer, clock });
  try {
    await seq.start();
    const before = w.batches.length;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => seq.append(leaf(i))));
    assert.deepEqual(results.map((r) => r.index), Array.from({ length: 50 }, (_, i) => i));
    assert.equal(w.batches.length - before, 1, "50 appends queued in one tick → one group commit");
    assert.equal(await store.logSize(), 50);
  } finally {
    await seq.stop();
    await store.close();
    cleanup();
  }
});

test("an append is acknowledged only after its transaction is durable", async () => {
  const { store, cleanup } = tempStore();
  let gate: Promise<void> | undefined;
  let open!: () => void;
  const w = watched(store);
  const held = new Proxy(w, {
    get(target, prop, receiver) {
      if (prop !== "appendBatch") return Reflect.get(target, prop, receiver);
      return async (b: AppendBatch) => {
        if (gate) await gate;
        return target.appendBatch(b);
      };
    },
  });
  const seq = new Sequencer({ store: held, signer, clock });
  try {
    await seq.start();
    gate = new Promise<void>((r) => (open = r));
    let acked = false;
    const p = seq.append(leaf(1)).then((r) => ((acked = true), r));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(acked, false, "not acknowledged while the commit is held");
    assert.equal(await store.logSize(), 0);
    open();
    assert.equal((await p).index, 0);
    assert.equal(await store.logSize(), 1);
  } finally {
    await seq.stop();
    await store.close();
    cleanup();
  }
});

test("a checkpoint follows every batch by default, and proofs verify against it", async () => {
  const { store, cleanup } = tempStore();
  const seq = new Sequencer({ store, signer, clock });
  try {
    await seq.start();
    const tree = new MemoryTree();
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 7 }, (_, i) => leaf(round * 7 + i));
      const acked = await seq.appendMany(batch);
      batch.forEach((l) => tree.appendLeaf(l));
      const latest = (await store.latestCheckpoint())!;
      const cp = openCheckpoint(latest.note, verifier).checkpoint;
      assert.equal(cp.size, tree.size);
      assert.equal(toHex(cp.rootHash), toHex(tree.rootAt()));
      const reader = new LogReader(store);
      const proof = await reader.inclusionProof(acked[3]!.index, cp.size);
      verifyInclusion(acked[3]!.index, cp.size, acked[3]!.leafHash, proof.hashes, cp.rootHash);
    }
    assert.deepEqual((await store.listCheckpoints(-1, 100)).map((c) => c.size), [0, 7, 14, 21, 28, 35]);
  } finally {
    await seq.stop();
    await store.close();
    cleanup();
  }
});

test("with an interval, checkpoints are spaced out and the last size is signed on stop", async () => {
  const { store, cleanup } = tempStore();
  const seq = new Sequencer({ store, signer, clock, checkpointIntervalMs: 60_000 });
  try {
    await seq.start();
    for (let i = 0; i < 5; i++) await seq.append(leaf(i));
    assert.deepEqual((await store.listCheckpoints(-1, 100)).map((c) => c.size), [0], "interval not yet elapsed");
    clock.t += 60_000;
    await seq.append(leaf(5));
    assert.deepEqual((await store.listCheckpoints(-1, 100)).map((c) => c.size), [0, 6]);
    await seq.append(leaf(6));
    await seq.stop();
    assert.deepEqual((await store.listCheckpoints(-1, 100)).map((c) => c.size), [0, 6, 7]);
  } finally {
    await store.close();
    cleanup();
  }
});

test("one writer at a time: a second sequencer cannot start, and a superseded one cannot append", async () => {
  const { store, path, cleanup } = tempStore();
  const other = SqliteStore.open(path);
  const first = new Sequencer({ store, signer, clock, holder: "host:1:a", leaseTtlMs: 1_000 });
  const second = new Sequencer({ store: other, signer, clock, holder: "host:2:b", leaseTtlMs: 1_000 });
  try {
    await first.start();
    await first.append(leaf(0));
    await assert.rejects(second.start(), { code: "SEQUENCER_NOT_LEADER" });
    // The first holder stalls past its lease; the second takes over and appends.
    clock.t += 5_000;
    await second.start();
    assert.equal((await second.append(leaf(1))).index, 1);
    // The stalled first writer wakes up: its batch is fenced off, nothing is written.
    await assert.rejects(first.append(leaf(99)), (e: Error & { code?: string; cause?: { code?: string } }) => e.code === "STORE_FENCED" || e.cause?.code === "STORE_FENCED");
    await assert.rejects(first.append(leaf(100)), { code: "SEQUENCER_STOPPED" });
    assert.equal(await store.logSize(), 2);
    assert.equal(new TextDecoder().decode((await store.getLeaves(1, 1))[0]!.data), "entry 1");
  } finally {
    await second.stop();
    await first.stop().catch(() => undefined);
    await other.close();
    await store.close();
    cleanup();
  }
});

test("a restarted sequencer continues the same tree", async () => {
  const { store, path, cleanup } = tempStore();
  const tree = new MemoryTree();
  try {
    const a = new Sequencer({ store, signer, clock });
    await a.start();
    for (let i = 0; i < 13; i++) {
      await a.append(leaf(i));
      tree.appendLeaf(leaf(i));
    }
    await a.stop();
    await store.close();
    const reopened = SqliteStore.open(path);
    const b = new Sequencer({ store: reopened, signer, clock });
    await b.start();
    assert.equal(b.size, 13);
    await b.appendMany([leaf(13), leaf(14)]);
    tree.appendLeaf(leaf(13));
    tree.appendLeaf(leaf(14));
    const latest = openCheckpoint((await reopened.latestCheckpoint())!.note, verifier).checkpoint;
    assert.equal(toHex(latest.rootHash), toHex(tree.rootAt()));
    await b.stop();
    await reopened.close();
  } finally {
    cleanup();
  }
});

test("an entry too large for a tlog-tiles bundle is refused before queueing", async () => {
  const { store, cleanup } = tempStore();
  const seq = new Sequencer({ store, signer, clock });
  try {
    await seq.start();
    await assert.rejects(seq.append(new Uint8Array(65_536)), { code: "LOG_ENTRY_TOO_LARGE" });
    assert.equal(await store.logSize(), 0);
  } finally {
    await seq.stop();
    await store.close();
    cleanup();
  }
});
