/**
 * The federation tables on both engines (SQLite, PostgreSQL): a pinned peer and its parties in one
 * transaction (a taken slug leaves nothing), the outbox (one row per record and peer however often
 * enqueued, due rows by time, states, receipted by warning), origin proofs kept once, the follower's cursor.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { openStore } from "./open-store.js";
import type { OutboxRow, PartyRow, PeerRow, Store } from "./store.js";

const dbs: TestDatabase[] = [];
const dirs: string[] = [];
after(async () => {
  for (const d of dbs) await d.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function engines(): Promise<[string, () => Promise<Store>][]> {
  return [
    ["sqlite", async () => openStore({ dataDir: dirs[dirs.push(mkdtempSync(`${tmpdir()}/tocsin-fedstore-`)) - 1]!, db: undefined })],
    ["postgres", async () => {
      const d = await createTestDatabase("fedstore");
      dbs.push(d);
      return openStore({ dataDir: tmpdir(), db: d.url }, { poolSize: 2 });
    }],
  ];
}

const party = (slug: string): PartyRow => ({ id: `identity--${slug.padEnd(8, "0").slice(0, 8)}-0000-4000-8000-000000000000`, slug, name: slug, custodial: false, organisationId: undefined, createdAt: "2026-01-01T00:00:00.000Z" });
const peer = (origin: string): PeerRow => ({ origin, url: "http://127.0.0.1:1", vkey: "k", nodeParty: "identity--n", keyHistory: "[]", checkpoint: "c", addedAt: "t0", updatedAt: "t0" });
const row = (digest: number, peerOrigin: string, more: Partial<OutboxRow> = {}): OutboxRow => ({
  digest: new Uint8Array(32).fill(digest),
  peer: peerOrigin,
  recordId: `report--${digest}`,
  warningRef: "report--w",
  kind: "warning",
  inbox: "bob",
  state: "queued",
  attempts: 0,
  nextAttemptMs: 1000,
  lastError: undefined,
  createdAt: `2026-01-01T00:00:0${digest}.000Z`,
  updatedAt: "t",
  ...more,
});

for (const [engine, open] of await engines()) {
  test(`${engine}: peers, outbox and cursor`, async () => {
    const store = await open();
    try {
      await store.savePeer(peer("peer.example/a"), [party("bob"), party("carol")]);
      assert.equal(await store.peerOfParty(party("bob").id), "peer.example/a");
      assert.deepEqual((await store.peerParties("peer.example/a")).sort(), [party("bob").id, party("carol").id].sort());
      assert.equal((await store.getParty("carol"))?.id, party("carol").id);
      // A second peer whose party's slug is taken: refused, and nothing of it stored.
      await assert.rejects(store.savePeer(peer("peer.example/b"), [party("dave"), { ...party("eve"), slug: "bob" }]), (e: { code?: string }) => e.code === "PARTY_EXISTS");
      assert.equal(await store.peer("peer.example/b"), undefined);
      assert.equal(await store.getParty("dave"), undefined);
      // Updating the pin keeps addedAt's row and moves the rest.
      await store.savePeer({ ...peer("peer.example/a"), keyHistory: "[1]", updatedAt: "t1" }, []);
      assert.equal((await store.peer("peer.example/a"))?.keyHistory, "[1]");

      await store.enqueueDeliveries([row(1, "peer.example/a"), row(2, "peer.example/a", { nextAttemptMs: 5000 })]);
      await store.enqueueDeliveries([row(1, "peer.example/a", { state: "failed" })]); // already there: kept as it is
      assert.deepEqual((await store.dueDeliveries(2000, 10)).map((r) => [r.recordId, r.state]), [["report--1", "queued"]]);
      const queued = { state: "queued" as const, attempts: 0 };
      await store.updateDeliveries([
        { digest: row(1, "x").digest, peer: "peer.example/a", from: queued, state: "delivered", attempts: 1, nextAttemptMs: 2000, lastError: undefined, updatedAt: "t2" },
        { digest: row(2, "x").digest, peer: "peer.example/a", from: queued, state: "failed", attempts: 3, nextAttemptMs: 1500, lastError: "503: down", updatedAt: "t2" },
      ]);
      const due = await store.dueDeliveries(2000, 10);
      assert.deepEqual(due.map((r) => [r.recordId, r.state, r.attempts, r.lastError]), [["report--2", "failed", 3, "503: down"]]);
      // A late outcome of an attempt made from a state the row has left (another process's, or before a receipt) changes nothing.
      assert.deepEqual(await store.updateDeliveries([{ digest: row(1, "x").digest, peer: "peer.example/a", from: queued, state: "failed", attempts: 1, nextAttemptMs: 0, lastError: "late", updatedAt: "t2" }]), [false]);
      assert.equal((await store.deliveries({ warningId: "report--w", limit: 10 })).find((r) => r.recordId === "report--1")?.state, "delivered");
      await store.markReceipted("report--w", "peer.example/a", "t3");
      const all = await store.deliveries({ warningId: "report--w", limit: 10 });
      assert.deepEqual(all.map((r) => [r.recordId, r.state]).sort(), [["report--1", "receipted"], ["report--2", "failed"]]);
      // Receipted rows never go back, even by an outcome from their last state.
      await store.updateDeliveries([{ digest: row(1, "x").digest, peer: "peer.example/a", from: { state: "delivered", attempts: 1 }, state: "delivered", attempts: 2, nextAttemptMs: 0, lastError: undefined, updatedAt: "t4" }]);
      assert.equal((await store.deliveries({ warningId: "report--w", limit: 10 })).find((r) => r.recordId === "report--1")?.state, "receipted");
      // A receipt naming a version whose delivery was never acknowledged (failed, queued) receipts it: it is not sent again.
      await store.markReceipted("report--w", "peer.example/a", "t5", row(2, "x").digest);
      assert.equal((await store.deliveries({ warningId: "report--w", limit: 10 })).find((r) => r.recordId === "report--2")?.state, "receipted");
      assert.deepEqual(await store.dueDeliveries(1e15, 10), []);
      assert.equal((await store.deliveries({ limit: 1 })).length, 1);

      assert.equal(await store.cursor("outbox"), -1);
      await store.setCursor("outbox", 41);
      await store.setCursor("outbox", 42);
      assert.equal(await store.cursor("outbox"), 42);
      assert.equal(await store.removePeer("peer.example/a"), true);
      assert.equal(await store.removePeer("peer.example/a"), false);
    } finally {
      await store.close();
    }
  });
}
