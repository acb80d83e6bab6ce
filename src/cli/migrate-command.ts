import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isPostgresUrl } from "../node/config.js";
import { describeStore, SQLITE_FILE } from "../store/open-store.js";
import { PG_LATEST_VERSION, PgStore } from "../store/postgres/pg-store.js";
import { SQLITE_LATEST_VERSION, SqliteStore } from "../store/sqlite/sqlite-store.js";
import { UsageError } from "./cli-errors.js";

/**
 * `tocsin migrate [--db postgres://… | --data DIR]`: brings the database's schema to this build's
 * latest version (forward only; each version in its own transaction on SQLite's file lock or under
 * PostgreSQL's advisory lock, so running it beside live nodes is safe). Nodes also migrate when they
 * start; this command lets an operator do it first, and says what it did. A database from a newer
 * Tocsin is refused (exit 2, STORE_SCHEMA_TOO_NEW).
 */
export async function migrateCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { data: { type: "string" }, db: { type: "string" } }, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const db = values.db ?? (values.data === undefined ? process.env.TOCSIN_DB || undefined : undefined);
  const dataDir = values.data ?? process.env.TOCSIN_DATA ?? "./data";
  let result: { from: number; to: number };
  if (db !== undefined) {
    if (!isPostgresUrl(db)) throw new UsageError("--db must be a postgres:// URL");
    result = await PgStore.migrate(db);
  } else {
    const path = join(dataDir, SQLITE_FILE);
    if (!existsSync(path)) throw new UsageError(`no Tocsin database at ${path}`);
    result = SqliteStore.migrate(path);
  }
  const latest = db !== undefined ? PG_LATEST_VERSION : SQLITE_LATEST_VERSION;
  const where = describeStore({ db, dataDir });
  out(result.from === result.to ? `${where}: schema ${result.to}, already the latest (${latest})\n` : `${where}: schema ${result.from} → ${result.to}\n`);
  return 0;
}
