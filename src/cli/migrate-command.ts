import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeStore, migrateStore, SQLITE_FILE } from "../store/open-store.js";
import { LATEST_SCHEMA_VERSION } from "../store/sql/schema.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { EITHER_DATA_OPTION, EITHER_DB_OPTION, wholeDatabaseLocation } from "./node-options.js";

/**
 * `tocsin migrate [--db postgres://… | --data DIR]`: brings the database's schema to this build's
 * latest version (forward only; each version in its own transaction on SQLite's file lock or under
 * PostgreSQL's advisory lock, so running it beside live nodes is safe). Nodes also migrate when they
 * start; this command lets an operator do it first, and says what it did. A database from a newer
 * Tocsin is refused (exit 2, STORE_SCHEMA_TOO_NEW).
 */
export const migrateCommand = defineCommand(
  {
    name: "migrate",
    summary: "Bring the node database's schema to this build's latest version (forward only) and say what was done.",
    description: "A database from a newer Tocsin is refused (exit 2, STORE_SCHEMA_TOO_NEW).",
    options: { db: EITHER_DB_OPTION, data: EITHER_DATA_OPTION },
  },
  async ({ values }, out) => {
    const { db, dataDir } = wholeDatabaseLocation(values);
    if (db === undefined && !existsSync(join(dataDir, SQLITE_FILE))) throw new UsageError(`no Tocsin database at ${join(dataDir, SQLITE_FILE)}`);
    const result = await migrateStore({ db, dataDir });
    const where = describeStore({ db, dataDir });
    out(result.from === result.to ? `${where}: schema ${result.to}, already the latest (${LATEST_SCHEMA_VERSION})\n` : `${where}: schema ${result.from} → ${result.to}\n`);
    return 0;
  },
);
