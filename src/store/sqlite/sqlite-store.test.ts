import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { storeContract } from "../../testing/store-contract.js";
import { SqliteStore } from "./sqlite-store.js";

const dirs: string[] = [];
process.on("exit", () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Real files, not :memory:, so WAL and durability settings are what production runs. */
storeContract("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  return SqliteStore.open(join(dir, "tocsin.db"));
});

/** The same contract with log appends on their own thread and connection, as a serving node opens it. */
storeContract("sqlite (append thread)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  return SqliteStore.open(join(dir, "tocsin.db"), { appendThread: true });
});

test("sqlite store: an append on the append thread is committed (fsynced) before it resolves, and a stale writer is fenced", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  const path = join(dir, "tocsin.db");
  const s = SqliteStore.open(path, { appendThread: true });
  const lease = (await s.acquireLease("a", 60_000, Date.now()))!;
  const leaf = (i: number) => ({ data: new Uint8Array([i]), hash: new Uint8Array(32).fill(i) });
  await s.appendBatch({ epoch: lease.epoch, startIndex: 0, leaves: [leaf(1), leaf(2)], nodes: [] });
  // Visible on the store's own connection, and to another connection (a process opening the file) at once.
  assert.equal(await s.logSize(), 2);
  const other = SqliteStore.open(path, { readonly: true });
  assert.deepEqual((await other.getLeaves(0, 2)).map((l) => [...l.data]), [[1], [2]]);
  await other.close();
  // The fencing rule holds on the thread: a wrong start index or epoch is STORE_FENCED, and nothing is written.
  await assert.rejects(s.appendBatch({ epoch: lease.epoch, startIndex: 1, leaves: [leaf(3)], nodes: [] }), { code: "STORE_FENCED" });
  await assert.rejects(s.appendBatch({ epoch: lease.epoch + 1, startIndex: 2, leaves: [leaf(3)], nodes: [] }), { code: "STORE_FENCED" });
  assert.equal(await s.logSize(), 2);
  await s.close();
  await assert.rejects(s.appendBatch({ epoch: lease.epoch, startIndex: 2, leaves: [leaf(3)], nodes: [] }));
});

test("sqlite store: a witness's group commit on the append thread is committed before it resolves and seen by every connection", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  const path = join(dir, "tocsin.db");
  const s = SqliteStore.open(path, { appendThread: true });
  await s.addWitnessedLog("example.com/w", "key", "2026-12-02T00:00:00.000Z");
  const to = { size: 4, root: new Uint8Array(32).fill(4), note: "note 4" };
  assert.deepEqual(await s.advanceWitnessedLogs([{ origin: "example.com/w", from: { size: 0, root: new Uint8Array(0), vkey: "key" }, to, at: "2026-12-02T00:00:01.000Z" }]), [true]);
  assert.equal((await s.witnessedLog("example.com/w"))!.size, 4);
  const other = SqliteStore.open(path, { readonly: true });
  assert.equal((await other.witnessedLog("example.com/w"))!.note, "note 4");
  await other.close();
  await s.close();
  await assert.rejects(s.advanceWitnessedLogs([{ origin: "example.com/w", from: { size: 4, root: to.root, vkey: "key" }, to: { ...to, size: 5 }, at: "2026-12-02T00:00:02.000Z" }]));
});

test("sqlite store: the sequencer's lease is renewed on the append thread, and the event loop runs while a commit holds the write lock", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  const path = join(dir, "tocsin.db");
  const s = SqliteStore.open(path, { appendThread: true });
  const now = Date.now();
  const lease = (await s.acquireLease("a", 5_000, now))!;
  // Another connection holds the write lock, as the append thread does for the length of a commit. On
  // the node's own connection the renewal would wait for it with the event loop stopped (busy_timeout),
  // so the timer that frees the lock could not run: the renewal would fail with SQLITE_BUSY after 10 s.
  const writer = new Database(path);
  writer.exec("BEGIN IMMEDIATE");
  let timerRan = false;
  setTimeout(() => {
    timerRan = true;
    writer.exec("COMMIT");
  }, 200);
  const renewed = await s.renewLease("a", lease.epoch, 5_000, now + 1_000);
  assert.ok(timerRan, "the event loop ran while the renewal waited for the lock");
  assert.deepEqual(renewed, { holder: "a", epoch: lease.epoch, expiresAt: now + 6_000 });
  // A holder or epoch that is not the lease's renews nothing.
  assert.equal(await s.renewLease("b", lease.epoch, 5_000, now + 2_000), undefined);
  assert.equal(await s.renewLease("a", lease.epoch + 1, 5_000, now + 2_000), undefined);
  writer.close();
  await s.close();
});

test("sqlite store: WAL journal and full synchronous commits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  const s = SqliteStore.open(join(dir, "tocsin.db"));
  assert.equal(s.database.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(s.database.pragma("synchronous", { simple: true }), 2);
  await s.close();
});

test("sqlite store: a database from a newer Tocsin is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-sqlite-"));
  dirs.push(dir);
  const s = SqliteStore.open(join(dir, "tocsin.db"));
  s.database.pragma("user_version = 999");
  await s.close();
  assert.throws(() => SqliteStore.open(join(dir, "tocsin.db")), { code: "STORE_SCHEMA_TOO_NEW" });
});
