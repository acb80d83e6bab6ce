import type Database from "better-sqlite3";
import type pg from "pg";
import { PgStore } from "../postgres/pg-store.js";
import { SqliteStore } from "../sqlite/sqlite-store.js";
import type { Store } from "../store.js";
import type { TableSpec } from "./tables.js";

type Row = Record<string, unknown>;

/** Raw row access for export/import, the only code that knows both engines' SQL dialects. */
export interface TableAccess {
  /** Runs `fn` on one consistent snapshot of the database (a live node may keep appending). */
  snapshot<T>(fn: (page: (t: TableSpec, after: unknown[] | undefined, limit: number) => Promise<Row[]>) => Promise<T>): Promise<T>;
  /** Runs `fn` in one write transaction: an import is all or nothing. */
  writeTx(fn: (insert: (t: TableSpec, rows: readonly Row[]) => Promise<void>, setLogSize: (size: number, epoch: number) => Promise<void>) => Promise<void>): Promise<void>;
}

/** Keyset paging: rows after `after` in primary-key order (row values work on both engines). */
function pageSql(t: TableSpec, after: boolean, ph: (i: number) => string, limit: string): string {
  const cols = t.columns.map(([c]) => c).join(", ");
  const key = t.key.join(", ");
  const where = after ? ` WHERE (${key}) > (${t.key.map((_, i) => ph(i)).join(", ")})` : "";
  return `SELECT ${cols} FROM ${t.name}${where} ORDER BY ${key} LIMIT ${limit}`;
}

export function tableAccess(store: Store): TableAccess {
  if (store instanceof SqliteStore) return sqliteAccess(store.database);
  if (store instanceof PgStore) return pgAccess(store.pool);
  throw new Error(`no table access for engine ${store.engine}`);
}

function sqliteAccess(db: Database.Database): TableAccess {
  return {
    async snapshot(fn) {
      // A read transaction in WAL mode sees one snapshot until it ends. It spans awaits (the caller
      // writes to a stream between pages); nothing else uses this connection meanwhile.
      db.exec("BEGIN");
      try {
        return await fn(async (t, after, limit) => {
          const stmt = db.prepare(pageSql(t, after !== undefined, () => "?", String(limit)));
          const rows = (after ? stmt.all(...(after as unknown[])) : stmt.all()) as Row[];
          for (const r of rows) for (const [c, kind] of t.columns) if (kind === "bool") r[c] = r[c] === 1;
          return rows;
        });
      } finally {
        db.exec("COMMIT");
      }
    },
    async writeTx(fn) {
      db.exec("BEGIN IMMEDIATE");
      try {
        await fn(
          async (t, rows) => {
            const stmt = db.prepare(`INSERT INTO ${t.name} (${t.columns.map(([c]) => c).join(", ")}) VALUES (${t.columns.map(() => "?").join(", ")})`);
            for (const r of rows) stmt.run(...t.columns.map(([c, kind]) => (kind === "bool" ? (r[c] ? 1 : 0) : r[c])));
          },
          async (size, epoch) => void db.prepare("UPDATE log_head SET size = ?, lease_holder = NULL, lease_epoch = ?, lease_expires_at = 0 WHERE id = 1").run(size, epoch),
        );
        db.exec("COMMIT");
      } catch (e) {
        db.exec("ROLLBACK");
        throw e;
      }
    },
  };
}

function pgAccess(pool: pg.Pool): TableAccess {
  return {
    async snapshot(fn) {
      const c = await pool.connect();
      try {
        await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const out = await fn(async (t, after, limit) => (await c.query<Row>(pageSql(t, after !== undefined, (i) => `$${i + 1}`, String(limit)), after ?? [])).rows);
        await c.query("COMMIT");
        return out;
      } catch (e) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    async writeTx(fn) {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        await fn(
          async (t, rows) => {
            if (rows.length === 0) return;
            const n = t.columns.length;
            const values = rows.map((_, i) => `(${t.columns.map((_, j) => `$${i * n + j + 1}`).join(", ")})`).join(", ");
            await c.query(`INSERT INTO ${t.name} (${t.columns.map(([col]) => col).join(", ")}) VALUES ${values}`, rows.flatMap((r) => t.columns.map(([col]) => r[col])));
          },
          async (size, epoch) => void (await c.query("UPDATE log_head SET size = $1, lease_holder = NULL, lease_epoch = $2, lease_expires_at = 0 WHERE id = 1", [size, epoch])),
        );
        await c.query("COMMIT");
      } catch (e) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
  };
}
