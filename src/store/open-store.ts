import { join } from "node:path";
import { PgStore } from "./postgres/pg-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** The SQLite file inside a data directory. */
export const SQLITE_FILE = "tocsin.db";

/** Where a node's store lives: a PostgreSQL URL, else the SQLite file in the data directory. */
export interface StoreLocation {
  readonly db?: string | undefined;
  readonly dataDir: string;
}

/**
 * Opens (and migrates) the store a node, or a CLI command, works on. `appendThread` (SQLite): log
 * appends commit on a thread of their own, for a serving node (see SqliteAppender).
 */
export async function openStore(at: StoreLocation, options: { poolSize?: number; appendThread?: boolean } = {}): Promise<Store> {
  if (at.db !== undefined) return PgStore.open(at.db, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  return SqliteStore.open(join(at.dataDir, SQLITE_FILE), { appendThread: options.appendThread ?? false });
}

/** Brings the store's schema to the latest version without opening it for work (`tocsin migrate`). */
export async function migrateStore(at: StoreLocation): Promise<{ from: number; to: number }> {
  if (at.db !== undefined) return PgStore.migrate(at.db);
  return SqliteStore.migrate(join(at.dataDir, SQLITE_FILE));
}

/** For messages: which database. */
export function describeStore(at: StoreLocation): string {
  if (at.db === undefined) return join(at.dataDir, SQLITE_FILE);
  try {
    const u = new URL(at.db);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(PostgreSQL)";
  }
}
