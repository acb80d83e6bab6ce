import { existsSync } from "node:fs";
import { join } from "node:path";
import { ExchangeReads } from "../exchange/exchange-reads.js";
import { PartyDirectory } from "../exchange/party-directory.js";
import { PartyKeyFiles } from "../exchange/party-key-files.js";
import { RecordReader } from "../exchange/record-reader.js";
import { LogReader, storedWitnessPolicy } from "../log/log-reader.js";
import { systemClock } from "../log/system-clock.js";
import { isPostgresUrl } from "../node/config.js";
import { readLogKey } from "../node/read-log-key.js";
import { openStore, SQLITE_FILE, type StoreLocation } from "../store/open-store.js";
import { UsageError } from "./cli-errors.js";

/*
 * The options every command that works on a node's database shares, declared once, and the one way
 * those commands find and open that database.
 */

/** `--data DIR`: the node's directory (SQLite file, log key, custodial keys). */
export const DATA_OPTION = {
  type: "string",
  value: "DIR",
  help: "the node's data directory: its SQLite database (without --db), log key and custodial party keys",
  env: "TOCSIN_DATA",
  default: "./data",
} as const;

/** `--db URL`: the node's PostgreSQL database instead of SQLite in `--data`. */
export const DB_OPTION = {
  type: "string",
  value: "URL",
  help: "the node's PostgreSQL database (postgres://USER@HOST:PORT/DB) instead of SQLite in --data; the keys stay in --data",
  env: "TOCSIN_DB",
} as const;

/** Where a command's node lives: `--db` names PostgreSQL; otherwise SQLite in `--data`. */
export function nodeLocation(values: { readonly db: string | undefined; readonly data: string }): StoreLocation {
  if (values.db !== undefined && !isPostgresUrl(values.db)) throw new UsageError("--db must be a postgres:// or postgresql:// URL");
  return { db: values.db, dataDir: values.data };
}

/** Refuses, with the path, to read a SQLite node that is not there (opening it would create an empty one). */
export function requireExistingNode(at: StoreLocation): void {
  if (at.db === undefined && !existsSync(join(at.dataDir, SQLITE_FILE))) throw new UsageError(`no Tocsin database at ${join(at.dataDir, SQLITE_FILE)}`);
}

/**
 * Opens an existing node's database on either engine, runs `fn` on its read side — the same
 * application services the HTTP API reads through —, and closes it.
 */
export async function withNodeReadSide<T>(at: StoreLocation, fn: (reads: ExchangeReads) => Promise<T>): Promise<T> {
  requireExistingNode(at);
  const store = await openStore(at, { poolSize: 2 });
  try {
    const parties = new PartyDirectory(store, new PartyKeyFiles(join(at.dataDir, "keys")));
    const logKey = await readLogKey(at.dataDir, store);
    return await fn(new ExchangeReads({ store, parties, records: new RecordReader(store, parties), log: new LogReader(store, await storedWitnessPolicy(store)), logKey }));
  } finally {
    await store.close();
  }
}

/*
 * The commands that take a whole database (migrate, export, import) name it by `--db` or by `--data`:
 * TOCSIN_DB applies only when neither is given, so `--data DIR` alone always means the SQLite node in DIR.
 */

/** `--db URL` for migrate, export, import. */
export const EITHER_DB_OPTION = {
  type: "string",
  value: "URL",
  help: "a PostgreSQL database (postgres://USER@HOST:PORT/DB); TOCSIN_DB applies when neither --db nor --data is given",
} as const;

/** `--data DIR` for migrate, export, import. */
export const EITHER_DATA_OPTION = {
  type: "string",
  value: "DIR",
  help: "a node's data directory: its SQLite database, or with --db only its log key (default TOCSIN_DATA, else ./data)",
} as const;

/** The database a migrate, export or import works on (see EITHER_DB_OPTION). */
export function wholeDatabaseLocation(values: { readonly db: string | undefined; readonly data: string | undefined }): StoreLocation {
  const db = values.db ?? (values.data === undefined ? process.env.TOCSIN_DB || undefined : undefined);
  return nodeLocation({ db, data: values.data ?? (process.env.TOCSIN_DATA || "./data") });
}
