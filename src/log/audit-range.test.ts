import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { hashLeaf } from "../core/merkle/index.js";
import { generateNoteSigner, signCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { SQLITE_FILE, type StoreLocation } from "../store/open-store.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { createTestDatabase } from "../testing/pg-database.js";
import { auditLog, type AuditReport } from "./audit.js";
import { Sequencer } from "./sequencer.js";
import { systemClock } from "./system-clock.js";

/*
 * The log audited in aligned ranges on worker threads must say exactly what it says audited as one
 * range on the caller's thread: the same problems, at the same entries, in the same order, for a clean
 * log and for each kind of damage — including damage to nodes above the ranges, which only the
 * stitching of the ranges' results sees, and checkpoints that end inside a range.
 */

const signer = generateNoteSigner("test.example/audit-ranges");
const verifier = verifierFromSigner(signer);
/** 1 000 entries in batches of uneven sizes: a checkpoint after each, most ending inside a range. */
const BATCHES = [1, 2, 5, 13, 64, 100, 7, 300, 16, 250, 242];
const ENTRIES = BATCHES.reduce((a, b) => a + b, 0);

async function buildLog(store: Store): Promise<void> {
  const sequencer = new Sequencer({ store, signer, clock: systemClock });
  await sequencer.start();
  let n = 0;
  for (const size of BATCHES) {
    await sequencer.appendEntries(Array.from({ length: size }, () => ({ leaf: new TextEncoder().encode(`entry ${n++}`) })));
  }
  await sequencer.stop();
}

/**
 * The store as it reads without packed reads: every chunk audited leaf by leaf, as before chunks were
 * checked whole (audit-range.ts `intactBlock`), which must change nothing in any report.
 */
function leafByLeaf(store: Store): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === "getPackedLeaves") return async () => undefined;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The same log audited four ways: one range here, leaf by leaf, ranges of 16 here, ranges of 16 on 3 threads. */
async function auditBothWays(store: Store, at: StoreLocation): Promise<AuditReport> {
  const whole = await auditLog(store, { verifier });
  const rowByRow = await auditLog(leafByLeaf(store), { verifier });
  const ranged = await auditLog(store, { verifier, rangeLevel: 4 });
  const threaded = await auditLog(store, { verifier, rangeLevel: 4, parallel: { at, threads: 3 } });
  const strip = (r: AuditReport) => ({ ok: r.ok, leaves: r.leaves, checkpoints: r.checkpoints, problems: r.problems });
  assert.deepEqual(strip(rowByRow), strip(whole), "leaf by leaf");
  assert.deepEqual(strip(ranged), strip(whole), "ranges on one thread");
  assert.deepEqual(strip(threaded), strip(whole), "ranges on worker threads");
  return whole;
}

type Damage = { readonly name: string; readonly sql: (db: Database.Database) => void; readonly first: { kind: string; entry: number } };

const DAMAGE: readonly Damage[] = [
  { name: "a leaf's data", sql: (db) => db.prepare("UPDATE log_leaf SET data = ? WHERE idx = 437").run(Buffer.from("forged")), first: { kind: "leaf-hash", entry: 437 } },
  {
    name: "a leaf rewritten with its leaf hash",
    sql: (db) => db.prepare("UPDATE log_leaf SET data = ?, hash = ? WHERE idx = 600").run(Buffer.from("forged"), Buffer.from(hashLeaf(Buffer.from("forged")))),
    first: { kind: "node-hash", entry: 600 },
  },
  { name: "a leaf's data stored as text, same bytes", sql: (db) => db.prepare("UPDATE log_leaf SET data = CAST(data AS TEXT) WHERE idx = 300").run(), first: { kind: "leaf-hash", entry: 300 } },
  { name: "a leaf hash cut short", sql: (db) => db.prepare("UPDATE log_leaf SET hash = substr(hash, 1, 31) WHERE idx = 12").run(), first: { kind: "leaf-hash", entry: 12 } },
  { name: "a node inside a range", sql: (db) => db.prepare("UPDATE log_node SET hash = zeroblob(32) WHERE level = 2 AND idx = 40").run(), first: { kind: "node-hash", entry: 160 } },
  { name: "a node above the ranges", sql: (db) => db.prepare("UPDATE log_node SET hash = zeroblob(32) WHERE level = 7 AND idx = 3").run(), first: { kind: "node-hash", entry: 384 } },
  { name: "a node above the ranges, deleted", sql: (db) => db.prepare("DELETE FROM log_node WHERE level = 5 AND idx = 9").run(), first: { kind: "node-missing", entry: 288 } },
  { name: "a missing entry", sql: (db) => db.prepare("DELETE FROM log_leaf WHERE idx = 515").run(), first: { kind: "leaf-missing", entry: 515 } },
  {
    name: "a checkpoint signing another root",
    sql: (db) => {
      const note = signCheckpoint({ origin: signer.name, size: 492, rootHash: new Uint8Array(32).fill(7), extensions: [] }, signer);
      db.prepare("UPDATE log_checkpoint SET note = ?, root = ? WHERE size = 492").run(note, Buffer.alloc(32, 7));
    },
    first: { kind: "checkpoint-root", entry: 491 },
  },
  { name: "a checkpoint's signature", sql: (db) => db.prepare("UPDATE log_checkpoint SET root = zeroblob(32) WHERE size = 85").run(), first: { kind: "checkpoint-signature", entry: 84 } },
];

test("log audit in ranges on worker threads: a clean log, and each kind of damage, reported exactly as one sequential pass reports it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-audit-ranges-"));
  try {
    const path = join(dir, SQLITE_FILE);
    const built = SqliteStore.open(path);
    await buildLog(built);
    await built.close();
    const clean = SqliteStore.open(path);
    try {
      const report = await auditBothWays(clean, { dataDir: dir });
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.equal(report.leaves, ENTRIES);
    } finally {
      await clean.close();
    }
    for (const damage of DAMAGE) {
      const copy = mkdtempSync(join(tmpdir(), "tocsin-audit-ranges-"));
      try {
        const db = new Database(path, { readonly: true });
        await db.backup(join(copy, SQLITE_FILE));
        db.close();
        const raw = new Database(join(copy, SQLITE_FILE));
        damage.sql(raw);
        raw.close();
        const store = SqliteStore.open(join(copy, SQLITE_FILE));
        try {
          const report = await auditBothWays(store, { dataDir: copy });
          assert.equal(report.ok, false, damage.name);
          assert.deepEqual({ kind: report.problems[0]!.kind, entry: report.problems[0]!.entry }, damage.first, damage.name);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("log audit in ranges on worker threads, PostgreSQL: each thread opens its own connection; a node above the ranges changed is found", async () => {
  const db = await createTestDatabase("auditranges");
  try {
    const store = await PgStore.open(db.url);
    try {
      await buildLog(store);
      const clean = await auditBothWays(store, { db: db.url, dataDir: "" });
      assert.equal(clean.ok, true, JSON.stringify(clean.problems));
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query("UPDATE log_node SET hash = $1 WHERE level = 6 AND idx = 2", [Buffer.alloc(32)]);
      await c.end();
      const damaged = await auditBothWays(store, { db: db.url, dataDir: "" });
      assert.deepEqual({ kind: damaged.problems[0]!.kind, entry: damaged.problems[0]!.entry }, { kind: "node-hash", entry: 128 });
    } finally {
      await store.close();
    }
  } finally {
    await db.drop();
  }
});
