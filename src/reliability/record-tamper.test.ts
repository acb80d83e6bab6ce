/**
 * A dishonest operator edits the database under a stopped node: one character of a stored record's
 * body, a record row deleted, a row's author or warning moved, a tombstone row dropped (un-deleting a
 * version), a row planted beyond the log, a record leaf rewritten together with its leaf hash, the
 * latest checkpoint deleted, the log key in `meta` replaced. Each must make `tocsin log audit` (the
 * real CLI, in its own process) exit 1 naming the damaged entry — on SQLite (file edits through
 * better-sqlite3) and on PostgreSQL (SQL updates on a copy of the database).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { sha256 } from "../core/crypto/sha256.js";
import { toHex } from "../core/crypto/bytes.js";
import { formatVerifierKey, generateNoteSigner, verifierFromSigner } from "../core/note/index.js";
import { decodeRecordLeaf, encodeRecordLeaf } from "../core/record/index.js";
import { hashLeaf } from "../core/merkle/index.js";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from "../testing/pg-database.js";
import { DB_FILE, KEY_FILE, runCli, type AuditJson } from "./harness.js";

const DAY = 86_400_000;

/** One engine's copy of the tampered-with database, edited with plain SQL (`?` placeholders). */
interface Db {
  run(sql: string, ...params: unknown[]): Promise<number>;
  get<T>(sql: string, ...params: unknown[]): Promise<T>;
  close(): Promise<void>;
}

interface Engine {
  readonly name: "sqlite" | "postgres";
  /** A fresh copy of the pristine database: its audit args and an editor. */
  copy(label: string): Promise<{ args: string[]; db: Db; dispose(): Promise<void> }>;
}

interface Facts {
  warningIndex: number;
  receiptIndex: number;
  deletedIndex: number;
  tombstoneIndex: number;
  size: number;
  receiptId: string;
  warningId: string;
  otherWarningId: string;
  aliceId: string;
}

const dirs: string[] = [];
const tempDir = (label: string): string => {
  const d = mkdtempSync(join(tmpdir(), `tocsin-tamper-${label}-`));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A node with a warning, its receipt and a deleted record, stopped cleanly. */
async function buildPristine(config: { db?: string }): Promise<{ dir: string; facts: Facts }> {
  const clock = new TestClock(Date.now() - 3_600_000);
  const h = await NodeHarness.start({ clock, config });
  const alice = await h.party("alice");
  const bob = await h.party("bob");
  const at = clock.now();
  const warning = buildWarning(alice, { at, name: "Imminent attack on the ferry", recipients: [bob.id], windowStart: at, windowEnd: at + DAY, probability: 0.6, tlp: "AMBER" });
  assert.equal((await h.post(alice, warning)).statusCode, 201);
  clock.advance(1000);
  const receipt = buildReceipt(bob, warning, clock.now(), "AMBER");
  assert.equal((await h.post(bob, receipt)).statusCode, 201);
  clock.advance(1000);
  const other = buildWarning(alice, { at: clock.now(), name: "Second warning", recipients: [bob.id], windowStart: clock.now(), windowEnd: clock.now() + DAY, probability: 0.5, tlp: "CLEAR" });
  assert.equal((await h.post(alice, other)).statusCode, 201);
  clock.advance(1000);
  const del = await h.node.app.inject({
    method: "DELETE",
    url: `/taxii2/exchange/collections/shared/objects/${other.id}/`,
    headers: { authorization: `Bearer ${alice.token}`, accept: "application/taxii+json;version=2.1" },
  });
  assert.equal(del.statusCode, 200, del.body);
  const index = async (id: string) => (await h.node.store.recordVersions(id))[0]!.logIndex;
  const size = await h.logSize();
  const facts: Facts = {
    warningIndex: await index(warning.id),
    receiptIndex: await index(receipt.id),
    deletedIndex: await index(other.id),
    tombstoneIndex: size - 1,
    size,
    receiptId: receipt.id,
    warningId: warning.id,
    otherWarningId: other.id,
    aliceId: alice.id,
  };
  await h.node.close(); // keeps the directory (and its log key)
  dirs.push(h.dir);
  return { dir: h.dir, facts };
}

function sqliteDb(path: string): Db {
  const db = new Database(path);
  return {
    async run(sql, ...params) {
      return db.prepare(sql).run(...params).changes;
    },
    async get<T>(sql: string, ...params: unknown[]) {
      return db.prepare(sql).get(...params) as T;
    },
    async close() {
      db.close();
    },
  };
}

async function pgDb(url: string): Promise<Db> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    async run(sql, ...params) {
      return (await c.query(numbered(sql), params)).rowCount ?? 0;
    },
    async get<T>(sql: string, ...params: unknown[]) {
      return (await c.query(numbered(sql), params)).rows[0] as T;
    },
    async close() {
      await c.end();
    },
  };
}

/** `log audit --json`, and in text mode too when `text` (each run is a process: the machine is shared). */
async function audit(args: string[], withText: boolean): Promise<{ code: number | null; report: AuditJson; text: string }> {
  const r = await runCli(["log", "audit", ...args, "--json"]);
  let report: AuditJson;
  try {
    report = JSON.parse(r.stdout) as AuditJson;
  } catch {
    throw new Error(`no JSON (exit ${r.code}): ${r.stdout} ${r.stderr}`);
  }
  if (!withText) return { code: r.code, report, text: "" };
  const text = await runCli(["log", "audit", ...args]);
  assert.equal(text.code, r.code, "text and JSON modes agree");
  return { code: r.code, report, text: text.stdout };
}

const kinds = (r: AuditJson) => r.problems.map((p) => [p.kind, p.entry]);

function attacks(engine: () => Engine, facts: () => Facts): void {
  const f = () => facts();
  const tampered = async (label: string, edit: (db: Db, f: Facts) => Promise<void>, withText = false) => {
    const c = await engine().copy(label);
    try {
      await edit(c.db, f());
    } finally {
      await c.db.close();
    }
    try {
      return await audit(c.args, withText);
    } finally {
      await c.dispose();
    }
  };

  test("the untouched database audits clean", async () => {
    const r = await tampered("clean", async () => {}, true);
    assert.deepEqual(r.report.problems, []);
    assert.equal(r.code, 0);
    assert.match(r.text, /^clean$/m);
  });

  test("one character of a stored record's body changed: exit 1, record-body at the record's entry", async () => {
    const r = await tampered("body", async (db, f) => {
      assert.equal(await db.run("UPDATE record SET body = replace(body, 'Imminent', 'Imminant') WHERE id = ?", f.warningId), 1);
    }, true);
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["record-body", f().warningIndex]]);
    assert.match(r.text, new RegExp(`first corrupted entry ${f().warningIndex}\\b`));
  });

  test("a body changed together with its digest column: exit 1, the row disagrees with the logged digest", async () => {
    const r = await tampered("body-digest", async (db, f) => {
      const row = await db.get<{ body: string }>("SELECT body FROM record WHERE id = ?", f.warningId);
      const forged = row.body.replace("Imminent", "Harmless");
      assert.notEqual(forged, row.body);
      assert.equal(await db.run("UPDATE record SET body = ?, digest = ? WHERE id = ?", forged, Buffer.from(sha256(Buffer.from(forged))), f.warningId), 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["record-mismatch", f().warningIndex]]);
  });

  test("a record row deleted: exit 1, record-missing at its entry", async () => {
    const r = await tampered("deleted-row", async (db, f) => {
      assert.equal(await db.run("DELETE FROM record WHERE id = ?", f.receiptId), 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["record-missing", f().receiptIndex]]);
  });

  test("a record row's author changed (who may read it, who authored it): exit 1", async () => {
    const r = await tampered("author", async (db, f) => {
      assert.equal(await db.run("UPDATE record SET author = ? WHERE id = ?", f.aliceId, f.receiptId), 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["record-mismatch", f().receiptIndex]]);
  });

  test("a record filed under another warning (another audience): exit 1", async () => {
    const r = await tampered("warning-ref", async (db, f) => {
      assert.equal(await db.run("UPDATE record SET warning_ref = ? WHERE id = ?", f.otherWarningId, f.receiptId), 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["record-mismatch", f().receiptIndex]]);
  });

  test("a tombstone row deleted (the deleted version served again): exit 1, tombstone-missing", async () => {
    const r = await tampered("tombstone", async (db) => {
      assert.equal(await db.run("DELETE FROM record_tombstone"), 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["tombstone-missing", f().tombstoneIndex]]);
  });

  test("a record row planted beyond the log: exit 1, record-orphan", async () => {
    const r = await tampered("planted", async (db, f) => {
      const planted = await db.run(
        "INSERT INTO record (digest, id, modified, type, kind, author, warning_ref, log_index, logged_at, added_us, custodial, body) " +
          "SELECT ?, id, '2099-01-01T00:00:00.000Z', type, kind, author, warning_ref, ?, logged_at, (SELECT MAX(added_us) + 1 FROM record), custodial, body FROM record WHERE id = ?",
        Buffer.alloc(32, 7),
        f.size + 3,
        f.receiptId,
      );
      assert.equal(planted, 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["record-orphan", f().size]]);
  });

  test("a record leaf rewritten together with its leaf hash: exit 1 naming that entry, not entry 0", async () => {
    const r = await tampered("leaf-rewrite", async (db, f) => {
      const leaf = await db.get<{ data: Uint8Array }>("SELECT data FROM log_leaf WHERE idx = ?", f.receiptIndex);
      const decoded = decodeRecordLeaf(new Uint8Array(leaf.data));
      const data = encodeRecordLeaf({ ...decoded, digest: toHex(Buffer.alloc(32, 9)) });
      assert.equal(await db.run("UPDATE log_leaf SET data = ?, hash = ? WHERE idx = ?", Buffer.from(data), Buffer.from(hashLeaf(data)), f.receiptIndex), 1);
    }, true);
    assert.equal(r.code, 1);
    assert.equal(r.report.problems[0]!.entry, f().receiptIndex, JSON.stringify(r.report.problems));
    assert.ok(r.report.problems.some((p) => p.kind === "record-mismatch" && p.entry === f().receiptIndex));
    assert.match(r.text, new RegExp(`first corrupted entry ${f().receiptIndex}\\b`));
  });

  test("the latest checkpoint deleted: exit 1, the entries it covered are covered by none", async () => {
    const r = await tampered("checkpoint", async (db) => {
      assert.equal(await db.run("DELETE FROM log_checkpoint WHERE size = (SELECT MAX(size) FROM log_checkpoint)"), 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.report.problems.map((p) => p.kind),
      ["checkpoint-missing"],
    );
    assert.ok(r.report.problems[0]!.entry < f().size);
  });

  test("a rollback of the last entry (leaf, checkpoint, head) that leaves its rows: exit 1, the row lies outside the log", async () => {
    const r = await tampered("rollback", async (db, f) => {
      const last = f.size - 1;
      assert.equal(await db.run("DELETE FROM log_leaf WHERE idx = ?", last), 1);
      assert.ok((await db.run("DELETE FROM log_checkpoint WHERE size > ?", last)) >= 1);
      await db.run("DELETE FROM log_node WHERE level = 1 AND idx = ?", Math.floor(last / 2));
      assert.equal(await db.run("UPDATE log_head SET size = ?", last), 1);
    });
    assert.equal(r.code, 1);
    assert.deepEqual(kinds(r.report), [["tombstone-orphan", f().size - 1]]);
  });

  test("the log key in meta replaced: exit 1, log-key", async () => {
    const other = formatVerifierKey(verifierFromSigner(generateNoteSigner("localhost/tocsin/impostor")));
    const r = await tampered("meta-key", async (db) => {
      assert.equal(await db.run("UPDATE meta SET value = ? WHERE key = 'log.vkey'", other), 1);
    }, true);
    assert.equal(r.code, 1);
    assert.deepEqual(r.report.problems.map((p) => p.kind), ["log-key"]);
    assert.match(r.text, /CORRUPTED: the database names log key/);
  });
}

describe("log audit against a tampered SQLite file", () => {
  let pristine: { dir: string; facts: Facts };
  before(async () => {
    pristine = await buildPristine({});
  });
  attacks(
    () => ({
      name: "sqlite",
      async copy(label) {
        const dir = tempDir(label);
        for (const suffix of ["", "-wal"]) {
          if (existsSync(join(pristine.dir, DB_FILE + suffix))) copyFileSync(join(pristine.dir, DB_FILE + suffix), join(dir, DB_FILE + suffix));
        }
        copyFileSync(join(pristine.dir, KEY_FILE), join(dir, KEY_FILE));
        return { args: ["--data", dir], db: sqliteDb(join(dir, DB_FILE)), dispose: async () => {} };
      },
    }),
    () => pristine.facts,
  );
});

describe("log audit against a tampered PostgreSQL database", () => {
  let pristine: { dir: string; facts: Facts };
  let source: TestDatabase;
  before(async () => {
    source = await createTestDatabase("tamper");
    pristine = await buildPristine({ db: source.url });
  });
  after(async () => {
    await source.drop();
  });
  attacks(
    () => ({
      name: "postgres",
      async copy(label) {
        // A copy per attack: CREATE DATABASE … TEMPLATE (the stopped node holds no connection).
        const name = `${source.name}_${label.replace(/[^a-z0-9]/g, "")}`.slice(0, 63);
        await admin(`CREATE DATABASE ${name} TEMPLATE ${source.name}`);
        const u = new URL(PG_ADMIN_URL);
        u.pathname = `/${name}`;
        return {
          args: ["--data", pristine.dir, "--db", u.toString()],
          db: await pgDb(u.toString()),
          dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        };
      },
    }),
    () => pristine.facts,
  );
});

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
