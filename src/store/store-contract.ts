import { test } from "node:test";
import assert from "node:assert/strict";
import { toHex } from "../core/crypto/bytes.js";
import { hashLeaf, MemoryTree, MerkleFrontier, nodeKey, type NodeId } from "../core/merkle/index.js";
import type { AppendBatch, Store, StoredNode } from "./store.js";

/**
 * The behaviour every Store engine must have, written once and run against each engine
 * (sqlite-store.test.ts, and the PostgreSQL engine's test). `open` returns a fresh, empty store.
 */
export function storeContract(engine: string, open: () => Promise<Store>): void {
  const withStore = (name: string, body: (s: Store) => Promise<void>) =>
    test(`${engine} store: ${name}`, async () => {
      const s = await open();
      try {
        await body(s);
      } finally {
        await s.close();
      }
    });

  /** A valid batch appending `count` leaves after `frontier` (which it advances). */
  function batch(frontier: MerkleFrontier, count: number, epoch: number, tag = 0): AppendBatch {
    const startIndex = frontier.size;
    const leaves = [];
    const nodes: StoredNode[] = [];
    for (let i = 0; i < count; i++) {
      const data = new Uint8Array([tag, ...String(startIndex + i).split("").map(Number)]);
      const hash = hashLeaf(data);
      leaves.push({ data, hash });
      frontier.push(hash, (id, h) => void nodes.push({ ...id, hash: h }));
    }
    return { epoch, startIndex, leaves, nodes };
  }

  withStore("starts empty", async (s) => {
    assert.equal(await s.logSize(), 0);
    assert.deepEqual(await s.getLeaves(0, 10), []);
    assert.equal(await s.latestCheckpoint(), undefined);
    assert.equal((await s.getNodes([{ level: 0, index: 0 }])).size, 0);
  });

  withStore("stores leaves, nodes and checkpoints of a batch and serves them back", async (s) => {
    const lease = (await s.acquireLease("a", 10_000, 1_000))!;
    const f = new MerkleFrontier();
    const b = batch(f, 37, lease.epoch);
    const cp = { size: 37, root: f.root(), note: "note\n", createdAt: "2026-11-25T00:00:00.000Z" };
    await s.appendBatch({ ...b, checkpoint: cp });
    assert.equal(await s.logSize(), 37);
    const leaves = await s.getLeaves(30, 100);
    assert.deepEqual(leaves.map((l) => l.index), [30, 31, 32, 33, 34, 35, 36]);
    assert.equal(toHex(leaves[0]!.data), toHex(b.leaves[30]!.data));
    assert.equal(toHex(leaves[0]!.hash), toHex(b.leaves[30]!.hash));

    const tree = new MemoryTree();
    for (const l of b.leaves) tree.appendLeafHash(l.hash);
    const ids: NodeId[] = [{ level: 0, index: 5 }, { level: 1, index: 17 }, { level: 5, index: 0 }, { level: 2, index: 8 }];
    const got = await s.getNodes(ids);
    for (const id of ids) assert.equal(toHex(got.get(nodeKey(id.level, id.index))!), toHex(tree.node(id)));
    assert.equal(got.has(nodeKey(6, 0)), false);
    const range = await s.getNodeRange(1, 4, 100);
    assert.equal(range.length, 18 - 4);
    assert.equal(toHex(range[0]!), toHex(tree.node({ level: 1, index: 4 })));
    assert.equal((await s.getNodeRange(0, 35, 10)).length, 2);

    const latest = (await s.latestCheckpoint())!;
    assert.equal(latest.size, 37);
    assert.equal(latest.note, "note\n");
    assert.equal(toHex(latest.root), toHex(f.root()));
    assert.equal((await s.checkpointAt(37))?.createdAt, cp.createdAt);
    assert.equal(await s.checkpointAt(36), undefined);
  });

  withStore("lists checkpoints in size order, paged", async (s) => {
    const lease = (await s.acquireLease("a", 10_000, 1_000))!;
    const f = new MerkleFrontier();
    for (let i = 0; i < 5; i++) {
      const b = batch(f, 3, lease.epoch);
      await s.appendBatch({ ...b, checkpoint: { size: f.size, root: f.root(), note: `n${f.size}\n`, createdAt: "2026-11-25T00:00:00.000Z" } });
    }
    assert.deepEqual((await s.listCheckpoints(-1, 100)).map((c) => c.size), [3, 6, 9, 12, 15]);
    assert.deepEqual((await s.listCheckpoints(6, 2)).map((c) => c.size), [9, 12]);
  });

  withStore("a batch from a stale epoch or a wrong start index is fenced off and writes nothing", async (s) => {
    const first = (await s.acquireLease("a", 100, 1_000))!;
    const f = new MerkleFrontier();
    await s.appendBatch(batch(f, 4, first.epoch));
    // The lease expires; another holder takes it with a new epoch.
    const second = (await s.acquireLease("b", 100, 2_000))!;
    assert.ok(second.epoch > first.epoch);
    const stale = batch(f.clone(), 4, first.epoch);
    await assert.rejects(s.appendBatch(stale), { code: "STORE_FENCED" });
    const wrongStart = { ...batch(new MerkleFrontier(), 2, second.epoch) };
    await assert.rejects(s.appendBatch(wrongStart), { code: "STORE_FENCED" });
    assert.equal(await s.logSize(), 4);
    assert.equal((await s.getLeaves(4, 10)).length, 0);
    await s.appendBatch(batch(f, 4, second.epoch));
    assert.equal(await s.logSize(), 8);
  });

  withStore("a batch that fails midway leaves nothing behind", async (s) => {
    const lease = (await s.acquireLease("a", 10_000, 1_000))!;
    const f = new MerkleFrontier();
    await s.appendBatch(batch(f, 2, lease.epoch));
    const next = batch(f.clone(), 2, lease.epoch);
    // A node row that already exists violates the key: the whole transaction must roll back.
    const broken = { ...next, nodes: [...next.nodes, { level: 1, index: 0, hash: new Uint8Array(32) }] };
    await assert.rejects(s.appendBatch(broken));
    assert.equal(await s.logSize(), 2);
    assert.equal((await s.getLeaves(2, 10)).length, 0);
  });

  withStore("the lease: exclusive while live, renewable, released, taken over when expired or dead", async (s) => {
    const a = (await s.acquireLease("a", 1_000, 10_000))!;
    assert.equal(await s.acquireLease("b", 1_000, 10_500), undefined);
    const again = (await s.acquireLease("a", 1_000, 10_600))!;
    assert.equal(again.epoch, a.epoch, "re-acquiring one's own lease keeps the epoch");
    assert.ok(await s.renewLease("a", a.epoch, 1_000, 10_900));
    assert.equal(await s.acquireLease("b", 1_000, 11_500), undefined, "renewed until 11 900");
    assert.equal(await s.renewLease("b", a.epoch, 1_000, 11_500), undefined, "only the holder renews");
    const b = (await s.acquireLease("b", 1_000, 12_000))!;
    assert.equal(b.epoch, a.epoch + 1);
    assert.equal(await s.renewLease("a", a.epoch, 1_000, 12_100), undefined, "the old holder lost it");
    const c = (await s.acquireLease("c", 1_000, 12_100, (h) => h === "b"))!;
    assert.equal(c.epoch, b.epoch + 1, "a dead holder's lease is taken at once");
    await s.releaseLease("c", c.epoch);
    assert.ok(await s.acquireLease("d", 1_000, 12_200), "released means free");
  });

  withStore("meta: first writer wins", async (s) => {
    assert.equal(await s.getMeta("k"), undefined);
    assert.equal(await s.initMeta("k", "v1"), "v1");
    assert.equal(await s.initMeta("k", "v2"), "v1");
    assert.equal(await s.getMeta("k"), "v1");
  });
}
