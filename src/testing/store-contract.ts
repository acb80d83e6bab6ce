import { test } from "node:test";
import assert from "node:assert/strict";
import { toHex } from "../core/crypto/bytes.js";
import { hashLeaf, MemoryTree, MerkleFrontier, nodeKey, type NodeId } from "../core/merkle/index.js";
import type { AppendBatch, BatchLeaf, NewRecord, PartyKeyRow, PartyRow, Store, StoredNode } from "../store/store.js";
import { exportStore, importStore } from "../store/transfer/transfer.js";

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

  withStore("a witness's state moves only by compare-and-swap from its size, root and log key, in group commits", async (s) => {
    const o = "example.com/witnessed";
    const root = (n: number) => new Uint8Array(32).fill(n);
    const move = (from: [number, Uint8Array, string], size: number, r: Uint8Array, at = "2026-12-02T00:00:00.000Z") => ({
      origin: o,
      from: { size: from[0], root: from[1], vkey: from[2] },
      to: { size, root: r, note: `note ${size}` },
      at,
    });
    await s.addWitnessedLog(o, "key-1", "2026-12-02T00:00:00.000Z");
    assert.deepEqual(await s.advanceWitnessedLogs([move([0, new Uint8Array(0), "key-1"], 3, root(3))]), [true]);
    // In one commit: the second move of the same log sees the first's result; a move from a wrong state, nothing.
    assert.deepEqual(
      await s.advanceWitnessedLogs([move([3, root(3), "key-1"], 5, root(5)), move([3, root(3), "key-1"], 5, root(55)), move([5, root(5), "key-1"], 6, root(6)), move([6, root(66), "key-1"], 7, root(7))]),
      [true, false, true, false],
    );
    // A replaced key keeps the state, and a move checked against the old key no longer applies.
    await s.addWitnessedLog(o, "key-2", "2026-12-02T00:00:01.000Z");
    assert.deepEqual(await s.advanceWitnessedLogs([move([6, root(6), "key-1"], 8, root(8))]), [false]);
    assert.deepEqual(await s.advanceWitnessedLogs([move([6, root(6), "key-2"], 8, root(8), "2026-12-02T00:00:02.000Z")]), [true]);
    const row = (await s.witnessedLog(o))!;
    assert.deepEqual([row.vkey, row.size, [...row.root], row.note, row.updatedAt], ["key-2", 8, [...root(8)], "note 8", "2026-12-02T00:00:02.000Z"]);
    assert.deepEqual(await s.advanceWitnessedLogs([]), []);
  });

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
    assert.deepEqual(range.map((n) => n.index), Array.from({ length: 18 - 4 }, (_, i) => 4 + i));
    assert.equal(toHex(range[0]!.hash), toHex(tree.node({ level: 1, index: 4 })));
    assert.equal((await s.getNodeRange(0, 35, 10)).length, 2);

    // Packed reads (the audit's): the same bytes back to back, only for a run stored whole.
    const packed = (await s.getPackedLeaves(4, 30))!;
    const run = b.leaves.slice(4, 34);
    assert.equal(toHex(packed.data), run.map((l) => toHex(l.data)).join(""));
    assert.deepEqual([...packed.ends], run.map((_, i) => run.slice(0, i + 1).reduce((n, l) => n + l.data.length, 0)));
    assert.equal(toHex(packed.hashes), run.map((l) => toHex(l.hash)).join(""));
    assert.equal(toHex((await s.getPackedNodes(1, 4, 14))!), range.map((n) => toHex(n.hash)).join(""));
    assert.equal(await s.getPackedLeaves(30, 8), undefined, "beyond the log");
    assert.equal(await s.getPackedLeaves(0, 0), undefined);
    assert.equal(await s.getPackedNodes(1, 4, 15), undefined, "beyond the stored nodes");
    assert.equal(await s.getPackedNodes(5, 0, 1).then((h) => h && toHex(h)), toHex(tree.node({ level: 5, index: 0 })));

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
    assert.deepEqual(await s.currentLease(), { holder: "c", epoch: c.epoch, expiresAt: 13_100 });
    await s.releaseLease("c", c.epoch);
    assert.equal(await s.currentLease(), undefined, "released: nobody holds it");
    assert.ok(await s.acquireLease("d", 1_000, 12_200), "released means free");
  });

  withStore("meta: first writer wins", async (s) => {
    assert.equal(await s.getMeta("k"), undefined);
    assert.equal(await s.initMeta("k", "v1"), "v1");
    assert.equal(await s.initMeta("k", "v2"), "v1");
    assert.equal(await s.getMeta("k"), "v1");
  });

  const party = (slug: string, extra: Partial<PartyRow> = {}): PartyRow => ({
    id: `identity--00000000-0000-4000-8000-${slug.padStart(12, "0").slice(-12)}`,
    slug,
    name: slug.toUpperCase(),
    custodial: false,
    createdAt: "2026-11-25T00:00:00.000Z",
    ...extra,
  });
  const key = (p: PartyRow, n: number, at = p.createdAt): PartyKeyRow => ({
    partyId: p.id,
    keyId: String(n).padStart(32, "0"),
    publicKey: new Uint8Array(32).fill(n),
    createdAt: at,
  });

  withStore("parties: created with a key and a token hash, found by id, slug and token", async (s) => {
    const a = party("aaa", { custodial: true });
    await s.insertParty(a, key(a, 1), new Uint8Array(32).fill(7));
    assert.deepEqual(await s.getParty(a.slug), { ...a, organisationId: undefined });
    assert.equal((await s.getParty(a.id))?.slug, "aaa");
    assert.equal((await s.partyForToken(new Uint8Array(32).fill(7)))?.id, a.id);
    assert.equal(await s.partyForToken(new Uint8Array(32).fill(8)), undefined);
    await assert.rejects(s.insertParty(party("aaa"), key(a, 2), new Uint8Array(32).fill(9)), { code: "PARTY_EXISTS" });
    await assert.rejects(s.insertParty(party("zzz", { id: a.id }), key(a, 3), new Uint8Array(32).fill(10)), { code: "PARTY_EXISTS" }, "the same id");
    const other = party("other", { slug: "aaa" });
    await assert.rejects(s.insertParty(other, key(other, 4), new Uint8Array(32).fill(11)), { code: "PARTY_EXISTS" }, "the same slug");
    assert.equal(await s.partyForToken(new Uint8Array(32).fill(11)), undefined, "nothing of a refused party is stored");
    assert.equal((await s.partyKeys(a.id)).length, 1);
    assert.equal((await s.listParties()).length, 1);
    await s.addPartyToken(a.id, new Uint8Array(32).fill(9), a.createdAt);
    assert.equal((await s.partyForToken(new Uint8Array(32).fill(9)))?.id, a.id);
    // Revocation takes effect for the very next authentication; the row stays, marked.
    assert.equal(await s.revokePartyToken(a.id, new Uint8Array(32).fill(9), "2026-11-26T00:00:00.000Z"), true);
    assert.equal(await s.partyForToken(new Uint8Array(32).fill(9)), undefined);
    assert.equal(await s.revokePartyToken(a.id, new Uint8Array(32).fill(9), "2026-11-27T00:00:00.000Z"), false, "already revoked");
    assert.equal(await s.revokePartyToken(a.id, new Uint8Array(32).fill(6), "2026-11-27T00:00:00.000Z"), false, "no such token");
    const tokens = await s.partyTokens(a.id);
    assert.deepEqual(tokens.map((t) => [t.tokenHash[0], t.revokedAt]), [[7, undefined], [9, "2026-11-26T00:00:00.000Z"]]);
    assert.equal((await s.partyForToken(new Uint8Array(32).fill(7)))?.id, a.id, "the other token still works");
  });

  withStore("parties: key rotation retires the old key but keeps it", async (s) => {
    const a = party("bbb");
    await s.insertParty(a, key(a, 1), new Uint8Array(32).fill(1));
    await s.rotatePartyKey(key(a, 2, "2026-11-26T00:00:00.000Z"));
    const keys = await s.partyKeys(a.id);
    assert.deepEqual(keys.map((k) => [k.keyId.slice(-1), k.retiredAt]), [["1", "2026-11-26T00:00:00.000Z"], ["2", undefined]]);
  });

  withStore("parties: organisations and relations", async (s) => {
    const org = party("org");
    const unit = party("unit", { organisationId: org.id });
    const client = party("client");
    for (const [i, p] of [org, unit, client].entries()) await s.insertParty(p, key(p, i + 1), new Uint8Array(32).fill(i + 1));
    await s.addPartyRelation({ kind: "client-of", partyId: client.id, target: org.id });
    await s.addPartyRelation({ kind: "community", partyId: unit.id, target: "cert-community" });
    await s.addPartyRelation({ kind: "community", partyId: unit.id, target: "cert-community" });
    assert.equal((await s.getParty("unit"))?.organisationId, org.id);
    assert.deepEqual(await s.listPartyRelations(), [
      { kind: "client-of", partyId: client.id, target: org.id },
      { kind: "community", partyId: unit.id, target: "cert-community" },
    ]);
  });

  withStore("records are stored with their leaf, in the same transaction, and queried", async (s) => {
    const lease = (await s.acquireLease("a", 10_000, 1_000))!;
    const rec = (i: number, extra: Partial<NewRecord> = {}): NewRecord => ({
      digest: new Uint8Array(32).fill(i),
      id: `report--00000000-0000-4000-8000-00000000000${i}`,
      modified: `2026-11-25T00:00:0${i}.000Z`,
      type: "report",
      kind: "warning",
      author: "identity--x",
      warningRef: `report--00000000-0000-4000-8000-00000000000${i}`,
      loggedAt: "2026-11-25T00:00:00.000Z",
      custodial: false,
      body: "{}",
      ...extra,
    });
    const w1 = rec(1);
    const receipt = rec(2, { kind: "receipt", type: "x-tocsin-receipt", id: "x-tocsin-receipt--00000000-0000-4000-8000-000000000002", warningRef: w1.id });
    const w1v2 = rec(3, { id: w1.id, warningRef: w1.id, modified: "2026-11-25T00:00:09.000Z" });
    const leaves = [w1, receipt, w1v2].map((r, i) => ({ data: new Uint8Array([i]), hash: hashLeaf(new Uint8Array([i])), record: r, addedUs: 1000 + i }));
    const f = new MerkleFrontier();
    const nodes: StoredNode[] = [];
    for (const l of leaves) f.push(l.hash, (id, h) => void nodes.push({ ...id, hash: h }));
    await s.appendBatch({ epoch: lease.epoch, startIndex: 0, leaves, nodes });
    assert.equal((await s.recordByDigest(receipt.digest))?.logIndex, 1);
    assert.equal((await s.recordByDigest(receipt.digest))?.addedUs, 1001);
    // The newest added_us of all records, and of some types (one statement; a type with no record counts 0).
    assert.equal(await s.maxAddedUs(), 1002);
    assert.equal(await s.maxAddedUs(["x-tocsin-receipt"]), 1001);
    assert.equal(await s.maxAddedUs(["identity", "x-tocsin-receipt"]), 1001);
    assert.equal(await s.maxAddedUs(["report", "x-tocsin-receipt"]), 1002);
    assert.equal(await s.maxAddedUs(["identity", "x-tocsin-key-event"]), 0);
    assert.equal(await s.maxAddedUs([]), 0);
    assert.deepEqual((await s.recordVersions(w1.id)).map((r) => r.modified), [w1.modified, w1v2.modified]);
    assert.deepEqual((await s.recordsAbout(w1.id)).map((r) => r.logIndex), [0, 1, 2]);
    assert.equal(await s.countRecordsAbout(w1.id), 3);
    assert.equal(await s.countRecordsAbout("report--00000000-0000-4000-8000-000000000000"), 0);
    // The batch forms an admission reads with: one query for many ids or warnings.
    const none = "report--00000000-0000-4000-8000-000000000000";
    assert.deepEqual((await s.recordVersionsOf([receipt.id, none, w1.id])).map((r) => [r.id, r.modified]), [
      [w1.id, w1.modified],
      [w1.id, w1v2.modified],
      [receipt.id, receipt.modified],
    ]);
    assert.deepEqual(await s.recordVersionsOf([]), []);
    assert.deepEqual([...(await s.countRecordsAboutEach([none, w1.id]))], [[w1.id, 3]]);
    assert.equal((await s.countRecordsAboutEach([])).size, 0);
    assert.deepEqual((await s.listRecords({ limit: 10, kind: "warning" })).map((r) => r.logIndex), [0, 2]);
    assert.deepEqual((await s.listRecords({ limit: 1, addedAfterUs: 1000 })).map((r) => r.logIndex), [1]);
    // Followers of the log read by log index: everything, or one kind, after a position.
    assert.deepEqual((await s.recordsAfter(-1, 10)).map((r) => r.logIndex), [0, 1, 2]);
    assert.deepEqual((await s.recordsAfter(0, 1)).map((r) => r.logIndex), [1]);
    assert.deepEqual((await s.recordsAfter(-1, 10, "warning")).map((r) => r.logIndex), [0, 2]);
    assert.deepEqual((await s.recordsAfter(0, 10, "warning")).map((r) => [r.logIndex, r.id, r.modified]), [[2, w1.id, w1v2.modified]]);
    assert.deepEqual(await s.recordsAfter(2, 10), []);
    assert.equal(await s.maxAddedUs(), 1002);
    // Among some types only (the key ledger's "anything new?"): the largest of theirs, 0 for none.
    assert.equal(await s.maxAddedUs(["x-tocsin-receipt"]), 1001);
    assert.equal(await s.maxAddedUs(["report", "x-tocsin-receipt"]), 1002);
    assert.equal(await s.maxAddedUs(["identity"]), 0);
    assert.equal(await s.maxAddedUs([]), 0);
    // The same digest again violates the record key: the whole batch, leaf included, rolls back.
    const again = { data: new Uint8Array([9]), hash: hashLeaf(new Uint8Array([9])), record: w1, addedUs: 2000 };
    const f2 = f.clone();
    const nodes2: StoredNode[] = [];
    f2.push(again.hash, (id, h) => void nodes2.push({ ...id, hash: h }));
    await assert.rejects(s.appendBatch({ epoch: lease.epoch, startIndex: 3, leaves: [again], nodes: nodes2 }));
    assert.equal(await s.logSize(), 3);
  });

  withStore("TAXII queries: ids, types, first/last/timestamp versions, tombstones in the same transaction", async (s) => {
    const lease = (await s.acquireLease("a", 10_000, 1_000))!;
    const rid = (n: number) => `indicator--00000000-0000-4000-8000-00000000000${n}`;
    const rec = (i: number, id: string, modified: string, type = "indicator"): NewRecord => ({
      digest: new Uint8Array(32).fill(i + 1),
      id,
      modified,
      type,
      kind: "other",
      author: "identity--x",
      loggedAt: "2026-11-25T00:00:00.000Z",
      custodial: false,
      body: `{"n":${i}}`,
    });
    const t = (n: number) => `2026-11-25T00:00:0${n}.000Z`;
    // id 1 in three versions (added out of version order), id 2 once, a note once.
    const records = [rec(0, rid(1), t(2)), rec(1, rid(2), t(1)), rec(2, rid(1), t(1)), rec(3, rid(1), t(3)), rec(4, "note--00000000-0000-4000-8000-000000000009", t(1), "note")];
    const f = new MerkleFrontier();
    const nodes: StoredNode[] = [];
    const leaves = records.map((r, i) => ({ data: new Uint8Array([i]), hash: hashLeaf(new Uint8Array([i])), record: r, addedUs: 100 + i }));
    for (const l of leaves) f.push(l.hash, (id, h) => void nodes.push({ ...id, hash: h }));
    await s.appendBatch({ epoch: lease.epoch, startIndex: 0, leaves, nodes });
    const q = async (extra: Partial<Parameters<Store["listRecords"]>[0]>) => (await s.listRecords({ limit: 100, ...extra })).map((r) => r.addedUs);
    assert.deepEqual(await q({ ids: [rid(1)] }), [100, 102, 103]);
    assert.deepEqual(await q({ ids: [rid(1), rid(2)], versions: { last: true } }), [101, 103]);
    assert.deepEqual(await q({ ids: [rid(1)], versions: { first: true } }), [102]);
    assert.deepEqual(await q({ ids: [rid(1)], versions: { first: true, last: true } }), [102, 103]);
    assert.deepEqual(await q({ versions: { modified: [t(1)] } }), [101, 102, 104]);
    assert.deepEqual(await q({ versions: { all: true }, types: ["note"] }), [104]);
    assert.deepEqual(await q({ types: ["indicator"], addedAfterUs: 101, limit: 1 }), [102]);
    assert.deepEqual(await q({ ids: [] }), []);
    assert.deepEqual(await q({ versions: {} }), []);
    // Tombstone the newest version of id 1: its leaf is logged and the version leaves the live set.
    const g = f.clone();
    const nodes2: StoredNode[] = [];
    const stone = { data: new Uint8Array([50]), hash: hashLeaf(new Uint8Array([50])), tombstone: records[3]!.digest };
    g.push(stone.hash, (id, h) => void nodes2.push({ ...id, hash: h }));
    await s.appendBatch({ epoch: lease.epoch, startIndex: 5, leaves: [stone], nodes: nodes2 });
    assert.equal(await s.logSize(), 6);
    assert.deepEqual(await q({ ids: [rid(1)], live: true, versions: { last: true } }), [100]);
    assert.deepEqual(await q({ ids: [rid(1)], live: true }), [100, 102]);
    assert.deepEqual(await q({ ids: [rid(1)] }), [100, 102, 103], "without live, deleted versions are listed");
    // The page reads (TAXII manifest, objects): the same rows as listRecords, with fewer columns.
    for (const query of [{ limit: 100, live: true }, { limit: 2, ids: [rid(1)], versions: { last: true } }, { limit: 100, types: ["note"], versions: { all: true } }]) {
      const full = await s.listRecords(query);
      assert.deepEqual(
        await s.listRecordHeads(query),
        full.map(({ digest: _d, loggedAt: _l, custodial: _c, ...head }) => head),
      );
      assert.deepEqual(
        await s.listRecordBodies(query),
        full.map(({ logIndex, addedUs, kind, author, warningRef, body }) => ({ logIndex, addedUs, kind, author, warningRef, body })),
      );
    }
    // Digests by log index (the page's unknown records), in ranges; an index with no record is absent.
    const digests = await s.recordDigests([4, 0, 3, 5, 99, 0]);
    assert.deepEqual([...digests.keys()].sort(), [0, 3, 4]);
    assert.deepEqual([...digests.get(3)!], [...records[3]!.digest]);
    assert.deepEqual([...digests.get(0)!], [...records[0]!.digest]);
    assert.equal((await s.recordDigests([])).size, 0);
    assert.equal((await s.recordByDigest(records[3]!.digest))?.addedUs, 103, "the record row stays");
    // A second tombstone of the same version is ignored (its leaf is still logged).
    const h = g.clone();
    const nodes3: StoredNode[] = [];
    const again = { data: new Uint8Array([51]), hash: hashLeaf(new Uint8Array([51])), tombstone: records[3]!.digest };
    h.push(again.hash, (id, hh) => void nodes3.push({ ...id, hash: hh }));
    await s.appendBatch({ epoch: lease.epoch, startIndex: 6, leaves: [again], nodes: nodes3 });
    assert.equal(await s.logSize(), 7);
  });

  withStore("the latest live version of each id (marked in its row) follows every append and tombstone, in any order and batching", async (s) => {
    const lease = (await s.acquireLease("a", 10_000, 1_000))!;
    // A seeded generator: versions arrive out of order, several versions and their tombstones share
    // batches, a tombstone may delete an older version, the latest, or one already deleted.
    let seed = 20261203;
    const random = (n: number) => {
      seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5;
      return (seed >>> 0) % n;
    };
    const f = new MerkleFrontier();
    const stored: NewRecord[] = [];
    const used = new Set<string>();
    for (let b = 0; b < 40; b++) {
      const leaves = [];
      const nodes: StoredNode[] = [];
      for (let k = 1 + random(4); k > 0; k--) {
        let leaf: BatchLeaf;
        const data = new Uint8Array([b, k]);
        if (stored.length > 0 && random(3) === 0) {
          leaf = { data, hash: hashLeaf(data), tombstone: stored[random(stored.length)]!.digest };
        } else {
          const id = `indicator--00000000-0000-4000-8000-00000000000${random(5)}`;
          let modified: string;
          do modified = `2026-11-25T00:00:${String(random(60)).padStart(2, "0")}.000Z`;
          while (used.has(id + modified));
          used.add(id + modified);
          const record: NewRecord = {
            digest: Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? stored.length >> 8 : i === 1 ? stored.length & 255 : 7)),
            id,
            modified,
            type: "indicator",
            kind: "other",
            author: "identity--x",
            loggedAt: "2026-11-25T00:00:00.000Z",
            custodial: false,
            body: `{"n":${stored.length}}`,
          };
          stored.push(record);
          leaf = { data, hash: hashLeaf(data), record, addedUs: 1_000 + stored.length };
        }
        f.push(leaf.hash, (id, h) => void nodes.push({ ...id, hash: h }));
        leaves.push(leaf);
      }
      await s.appendBatch({ epoch: lease.epoch, startIndex: f.size - leaves.length, leaves, nodes });
      // The marked rows against the same selection made by probing every row's other versions and
      // tombstones (an empty modified list sends `last` down that path: it selects nothing more).
      const marked = (await s.listRecords({ limit: 1_000, live: true, versions: { last: true } })).map((r) => r.addedUs);
      const probed = (await s.listRecords({ limit: 1_000, live: true, versions: { last: true, modified: [] } })).map((r) => r.addedUs);
      assert.deepEqual(marked, probed, `after batch ${b}`);
      assert.deepEqual((await s.listRecordHeads({ limit: 1_000, live: true, versions: { last: true } })).map((r) => r.addedUs), probed);
      assert.deepEqual((await s.listRecordBodies({ limit: 1_000, live: true, versions: { last: true } })).map((r) => r.addedUs), probed);
    }
    assert.ok(stored.length >= 40, `the sequence appended ${stored.length} versions`);
  });

  withStore("TAXII statuses: saved, read back, replaced, pruned by age", async (s) => {
    await s.saveTaxiiStatus({ id: "s1", owner: "identity--a", createdAtMs: 1_000, body: '{"v":1}' }, 0);
    assert.deepEqual(await s.taxiiStatus("s1"), { id: "s1", owner: "identity--a", createdAtMs: 1_000, body: '{"v":1}' });
    await s.saveTaxiiStatus({ id: "s1", owner: "identity--a", createdAtMs: 1_000, body: '{"v":2}' }, 0);
    assert.equal((await s.taxiiStatus("s1"))?.body, '{"v":2}');
    await s.saveTaxiiStatus({ id: "s2", owner: "identity--b", createdAtMs: 5_000, body: "{}" }, 2_000);
    assert.equal(await s.taxiiStatus("s1"), undefined);
    assert.equal((await s.taxiiStatus("s2"))?.owner, "identity--b");
    assert.equal(await s.taxiiStatus("nope"), undefined);
  });

  test(`${engine} store: every row, exported through tables(), imports into an empty store unchanged`, async () => {
    const from = await open();
    const into = await open();
    try {
      const a = party("exp", { custodial: true });
      await from.insertParty(a, key(a, 1), new Uint8Array(32).fill(3));
      await from.revokePartyToken(a.id, new Uint8Array(32).fill(3), "2026-11-26T00:00:00.000Z");
      await from.initMeta("log.origin", "example.org/log");
      await from.saveTaxiiStatus({ id: "s1", owner: a.id, createdAtMs: 1_000, body: "{}" }, 0);
      const lease = (await from.acquireLease("a", 10_000, 1_000))!;
      const f = new MerkleFrontier();
      const b = batch(f, 3, lease.epoch);
      const record: NewRecord = {
        digest: new Uint8Array(32).fill(5), id: "indicator--x", modified: "2026-11-25T00:00:00.000Z", type: "indicator", kind: "warning",
        author: a.id, loggedAt: "2026-11-25T00:00:00.000Z", custodial: true, body: "{}",
      };
      const leaves = [{ ...b.leaves[0]!, record, addedUs: 7 }, { ...b.leaves[1]!, tombstone: record.digest }, b.leaves[2]!];
      await from.appendBatch({ ...b, leaves, checkpoint: { size: 3, root: f.root(), note: "n\n", createdAt: "2026-11-25T00:00:00.000Z" } });

      const exported: string[] = [];
      await exportStore(from, (line) => void exported.push(line));
      await importStore(into, (async function* () {
        yield* exported;
      })());
      const again: string[] = [];
      await exportStore(into, (line) => void again.push(line));
      assert.deepEqual(again.slice(1), exported.slice(1), "every table, row for row (after the header)");
      assert.equal(exported.length, 1 + 12 + 1, "header, the 12 rows written above (3 leaves, 1 node), footer");
      assert.equal(await into.logSize(), 3);
      assert.equal(await into.currentLease(), undefined, "the lease is not carried");
      assert.equal((await into.recordByDigest(record.digest))?.custodial, true);
      assert.equal((await into.getParty("exp"))?.custodial, true);
      assert.deepEqual(await into.tombstoneOf(record.digest), { digest: (await from.tombstoneOf(record.digest))!.digest, logIndex: 1 });
    } finally {
      await from.close();
      await into.close();
    }
  });
}
