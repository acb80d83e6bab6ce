/**
 * Forward-only migrations on both engines: a database created and filled at schema version 1 (the log
 * alone) is brought to the latest version — by `tocsin migrate` and by simply opening it, as a node
 * does at start — and keeps every leaf, node, checkpoint and meta value, then works at the new version.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { toHex } from "../core/crypto/bytes.js";
import { hashLeaf, MerkleFrontier } from "../core/merkle/index.js";
import { cleanup, runCli, tempDir } from "../reliability/harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { SQLITE_FILE } from "./open-store.js";
import { LEGACY_SQLITE_MIGRATIONS } from "../testing/legacy-store-schema.js";
import { PgStore } from "./postgres/pg-store.js";
import Database from "better-sqlite3";
import { SQLITE } from "./sql/dialect.js";
import { planMigration } from "./sql/migrations.js";
import { LATEST_SCHEMA_VERSION } from "./sql/schema.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store, StoredNode } from "./store.js";

const databases: TestDatabase[] = [];
after(async () => {
  await cleanup();
  for (const d of databases) await d.drop();
});

/** What a version-1 node held: 5 leaves, their nodes, a checkpoint (and the log's meta). */
function version1Batch() {
  const f = new MerkleFrontier();
  const leaves = [];
  const nodes: StoredNode[] = [];
  for (let i = 0; i < 5; i++) {
    const data = new Uint8Array([1, i]);
    const hash = hashLeaf(data);
    leaves.push({ data, hash });
    f.push(hash, (id, h) => void nodes.push({ ...id, hash: h }));
  }
  const checkpoint = { size: 5, root: f.root(), note: "v1 note\n", createdAt: "2026-01-01T00:00:00.000Z" };
  return { leaves, nodes, checkpoint, hashes: leaves.map((l) => toHex(l.hash)) };
}

async function assertMigrated(s: Store, hashes: string[]): Promise<void> {
  assert.equal(await s.logSize(), 5);
  assert.deepEqual((await s.getLeaves(0, 10)).map((l) => toHex(l.hash)), hashes);
  assert.equal((await s.latestCheckpoint())?.note, "v1 note\n");
  assert.equal(await s.getMeta("log.origin"), "v1.example/log");
  // Version 2's tables work.
  const party = { id: "identity--00000000-0000-4000-8000-000000000001", slug: "p", name: "P", custodial: false, createdAt: "2026-01-02T00:00:00.000Z" };
  await s.insertParty(party, { partyId: party.id, keyId: "0".repeat(32), publicKey: new Uint8Array(32), createdAt: party.createdAt }, new Uint8Array(32));
  assert.equal((await s.getParty("p"))?.id, party.id);
  assert.equal(await s.maxAddedUs(), 0);
}

test("sqlite: a version-1 database with data migrates to the latest, by `tocsin migrate` and at open", async () => {
  for (const how of ["cli", "open"] as const) {
    const dir = tempDir("migrate");
    const path = join(dir, SQLITE_FILE);
    // Version 1 exactly as that release wrote it: its DDL, its rows.
    const v1 = new Database(path);
    v1.exec(LEGACY_SQLITE_MIGRATIONS[0]!.sql);
    v1.pragma("user_version = 1");
    const b = version1Batch();
    b.leaves.forEach((l, i) => v1.prepare("INSERT INTO log_leaf (idx, data, hash) VALUES (?, ?, ?)").run(i, l.data, l.hash));
    for (const n of b.nodes) v1.prepare("INSERT INTO log_node (level, idx, hash) VALUES (?, ?, ?)").run(n.level, n.index, n.hash);
    v1.prepare("INSERT INTO log_checkpoint (size, root, note, created_at) VALUES (?, ?, ?, ?)").run(5, b.checkpoint.root, b.checkpoint.note, b.checkpoint.createdAt);
    v1.prepare("UPDATE log_head SET size = 5 WHERE id = 1").run();
    v1.prepare("INSERT INTO meta (key, value) VALUES ('log.origin', 'v1.example/log')").run();
    v1.close();
    const hashes = b.hashes;
    if (how === "cli") {
      const r = await runCli(["migrate", "--data", dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`schema 1 → ${LATEST_SCHEMA_VERSION}`));
      const again = await runCli(["migrate", "--data", dir]);
      assert.match(again.stdout, /already the latest/);
    }
    const s = SqliteStore.open(path);
    try {
      assert.equal(s.database.pragma("user_version", { simple: true }), LATEST_SCHEMA_VERSION);
      await assertMigrated(s, hashes);
    } finally {
      await s.close();
    }
  }
});

test("postgres: a version-1 database with data migrates to the latest, by `tocsin migrate` and at open", async () => {
  for (const how of ["cli", "open"] as const) {
    const db = await createTestDatabase("migrate");
    databases.push(db);
    // Version 1 exactly as that release wrote it: its DDL (the engine stopped at version 1), its rows.
    const v1 = await PgStore.open(db.url, { targetVersion: 1, poolSize: 2 });
    assert.equal((await v1.pool.query("SELECT version FROM schema_version")).rows[0].version, 1);
    assert.equal((await v1.pool.query("SELECT to_regclass('party') AS t")).rows[0].t, null);
    const b = version1Batch();
    for (const [i, l] of b.leaves.entries()) await v1.pool.query("INSERT INTO log_leaf (idx, data, hash) VALUES ($1, $2, $3)", [i, Buffer.from(l.data), Buffer.from(l.hash)]);
    for (const n of b.nodes) await v1.pool.query("INSERT INTO log_node (level, idx, hash) VALUES ($1, $2, $3)", [n.level, n.index, Buffer.from(n.hash)]);
    await v1.pool.query("INSERT INTO log_checkpoint (size, root, note, created_at) VALUES (5, $1, $2, $3)", [Buffer.from(b.checkpoint.root), b.checkpoint.note, b.checkpoint.createdAt]);
    await v1.pool.query("UPDATE log_head SET size = 5 WHERE id = 1");
    await v1.initMeta("log.origin", "v1.example/log");
    await v1.close();
    const hashes = b.hashes;
    if (how === "cli") {
      const r = await runCli(["migrate", "--db", db.url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`schema 1 → ${LATEST_SCHEMA_VERSION}`));
      const again = await runCli(["migrate", "--db", db.url]);
      assert.match(again.stdout, /already the latest/);
    }
    const s = await PgStore.open(db.url, { poolSize: 2 });
    try {
      assert.equal((await s.pool.query("SELECT version FROM schema_version")).rows[0].version, LATEST_SCHEMA_VERSION);
      await assertMigrated(s, hashes);
    } finally {
      await s.close();
    }
    await db.drop();
  }
});

test("migrate: bad usage and a missing database exit 2", async () => {
  assert.equal((await runCli(["migrate", "--db", "mysql://x"])).code, 2);
  assert.equal((await runCli(["migrate", "--data", tempDir("empty")])).code, 2);
  const r = await runCli(["migrate", "--db", "postgres://postgres@127.0.0.1:1/none"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /STORE_UNAVAILABLE/);
});

/**
 * Version 10 marks each id's latest live version in its row: a store of version 9 with versions out of
 * order and tombstones gets the marks from its rows when it migrates, and the marked page equals the
 * one found by probing (an empty `modified` list sends `last` down the probing path).
 */
const V9_ROWS = (() => {
  const t = (n: number) => `2026-11-25T00:00:0${n}.000Z`;
  const id = (c: string) => `indicator--00000000-0000-4000-8000-00000000000${c}`;
  // [id, modified]: a's newest arrives second; b's newest is deleted; c's only version is deleted.
  const versions: [string, string][] = [[id("a"), t(1)], [id("a"), t(3)], [id("a"), t(2)], [id("b"), t(1)], [id("b"), t(2)], [id("c"), t(1)]];
  const records = versions.map(([rid, modified], i) => ({ digest: Buffer.alloc(32, i + 1), id: rid, modified, logIndex: i, addedUs: 100 + i }));
  const tombstones = [{ digest: records[4]!.digest, logIndex: 6 }, { digest: records[5]!.digest, logIndex: 7 }];
  return { records, tombstones, latestLive: [101, 103] };
})();

async function assertLatestMarked(s: Store): Promise<void> {
  const page = async (versions: { last: true; modified?: string[] }) => (await s.listRecords({ limit: 100, live: true, versions })).map((r) => r.addedUs);
  assert.deepEqual(await page({ last: true }), V9_ROWS.latestLive);
  assert.deepEqual(await page({ last: true, modified: [] }), V9_ROWS.latestLive);
}

test("sqlite: a version-9 database marks each id's latest live version when it migrates to 10", async () => {
  const path = join(tempDir("migrate-v10"), SQLITE_FILE);
  const v9 = new Database(path);
  for (const v of planMigration(SQLITE, 0, 9).versions) v9.exec(v.sql);
  v9.pragma("user_version = 9");
  for (const r of V9_ROWS.records) {
    v9.prepare("INSERT INTO record (digest, id, modified, type, kind, author, warning_ref, log_index, logged_at, added_us, custodial, body) VALUES (?, ?, ?, 'indicator', 'other', 'identity--x', NULL, ?, 't', ?, 0, '{}')").run(r.digest, r.id, r.modified, r.logIndex, r.addedUs);
  }
  for (const t of V9_ROWS.tombstones) v9.prepare("INSERT INTO record_tombstone (digest, log_index) VALUES (?, ?)").run(t.digest, t.logIndex);
  v9.close();
  const s = SqliteStore.open(path);
  try {
    await assertLatestMarked(s);
  } finally {
    await s.close();
  }
});

test("postgres: a version-9 database marks each id's latest live version when it migrates to 10", async () => {
  const db = await createTestDatabase("migrate-v10");
  databases.push(db);
  const v9 = await PgStore.open(db.url, { targetVersion: 9, poolSize: 2 });
  for (const r of V9_ROWS.records) {
    await v9.pool.query(
      "INSERT INTO record (digest, id, modified, type, kind, author, warning_ref, log_index, logged_at, added_us, custodial, body) VALUES ($1, $2, $3, 'indicator', 'other', 'identity--x', NULL, $4, 't', $5, FALSE, '{}')",
      [r.digest, r.id, r.modified, r.logIndex, r.addedUs],
    );
  }
  for (const t of V9_ROWS.tombstones) await v9.pool.query("INSERT INTO record_tombstone (digest, log_index) VALUES ($1, $2)", [t.digest, t.logIndex]);
  await v9.close();
  const s = await PgStore.open(db.url, { poolSize: 2 });
  try {
    await assertLatestMarked(s);
  } finally {
    await s.close();
  }
});
