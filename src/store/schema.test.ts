/**
 * The one schema source (src/store/sql/schema.ts) creates exactly the databases the engines' own DDL
 * created before it existed (captured in src/testing/legacy-store-schema.ts), on each engine: a
 * database made by the old code, one made by the new, and an old version-1 database migrated by the
 * new code all have the same tables, columns, types, constraints and indexes — so databases in the
 * field open and migrate unchanged.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { LEGACY_PG_MIGRATIONS, LEGACY_SQLITE_MIGRATIONS } from "../testing/legacy-store-schema.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { PgStore } from "./postgres/pg-store.js";
import { LATEST_SCHEMA_VERSION } from "./sql/schema.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "tocsin-schema-"));
const databases: TestDatabase[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const d of databases) await d.drop();
});

/**
 * DDL text as SQLite keeps it, without layout: one space between tokens, none inside parentheses or
 * before a comma (ALTER TABLE … ADD COLUMN keeps the space the old DDL had before its closing parenthesis).
 */
const normalise = (sql: string | null) => (sql ?? "").replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").replace(/ ,/g, ",").trim();

function sqliteSchema(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    const objects = (db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all() as { sql: string | null }[]).map((o) => ({
      ...o,
      sql: normalise(o.sql),
    }));
    return { version: db.pragma("user_version", { simple: true }), objects, head: db.prepare("SELECT * FROM log_head").all() };
  } finally {
    db.close();
  }
}

function legacySqlite(name: string, upTo: number): string {
  const path = join(dir, name);
  const db = new Database(path);
  for (const m of LEGACY_SQLITE_MIGRATIONS.filter((m) => m.version <= upTo)) {
    db.exec(m.sql);
    db.pragma(`user_version = ${m.version}`);
  }
  db.close();
  return path;
}

test("sqlite: the schema source creates the database the old DDL created; an old one opens and migrates unchanged", async () => {
  // The old code's last version (3), migrated by the schema source to the latest: versions 1–3 of the
  // source must render what the old DDL created, so a fresh database ends up identical.
  const old = legacySqlite("old.db", 3);
  await SqliteStore.open(old).close();
  const expected = sqliteSchema(old);
  assert.equal((expected as { version: number }).version, LATEST_SCHEMA_VERSION);

  const fresh = join(dir, "new.db");
  await SqliteStore.open(fresh).close();
  assert.deepEqual(sqliteSchema(fresh), expected);

  const v1 = legacySqlite("v1.db", 1);
  await SqliteStore.open(v1).close();
  assert.deepEqual(sqliteSchema(v1), expected, "a version-1 database of the old code migrates to the same schema");
});

async function pgSchema(url: string): Promise<unknown> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => (await c.query(sql)).rows;
    return {
      version: await q("SELECT * FROM schema_version"),
      columns: await q(
        `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
      ),
      constraints: await q(
        `SELECT c.relname AS table_name, k.conname, k.contype, pg_get_constraintdef(k.oid) AS def
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' ORDER BY c.relname, k.conname`,
      ),
      indexes: await q("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname"),
      head: await q("SELECT * FROM log_head"),
    };
  } finally {
    await c.end();
  }
}

/** A database as the old PostgreSQL engine created it: its runner's version table, its DDL. */
async function legacyPg(upTo: number): Promise<string> {
  const d = await createTestDatabase("schema");
  databases.push(d);
  const c = new pg.Client({ connectionString: d.url });
  await c.connect();
  try {
    await c.query("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
    for (const m of LEGACY_PG_MIGRATIONS.filter((m) => m.version <= upTo)) await c.query(m.sql);
    await c.query("INSERT INTO schema_version (id, version) VALUES (1, $1)", [upTo]);
  } finally {
    await c.end();
  }
  return d.url;
}

test("postgres: the schema source creates the database the old DDL created; an old one opens and migrates unchanged", async () => {
  const old = await legacyPg(3);
  await (await PgStore.open(old, { poolSize: 1 })).close();
  const expected = await pgSchema(old);

  const d = await createTestDatabase("schema");
  databases.push(d);
  await (await PgStore.open(d.url, { poolSize: 1 })).close();
  assert.deepEqual(await pgSchema(d.url), expected);

  const v1 = await legacyPg(1);
  await (await PgStore.open(v1, { poolSize: 1 })).close();
  assert.deepEqual(await pgSchema(v1), expected, "a version-1 database of the old code migrates to the same schema");
});
