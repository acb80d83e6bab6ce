import type { Dialect } from "./dialect.js";
import type { Row } from "./rows.js";
import type { Column } from "./schema.js";

/** A table as export/import move it: its columns (from the schema) and the key its rows are paged by. */
export interface TableRef {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly key: readonly string[];
}

/** Reads one page of a table's rows, after the key values `after` (keyset paging), flags as booleans. */
export type ReadPage = (t: TableRef, after: readonly unknown[] | undefined, limit: number) => Promise<Row[]>;
/** Inserts rows (flags as booleans, bytes as Uint8Array) into a table. */
export type InsertRows = (t: TableRef, rows: readonly Row[]) => Promise<void>;
/** Sets the log size after an import; the lease starts free under `epoch`. */
export type SetLogSize = (size: number, epoch: number) => Promise<void>;

/**
 * Raw row access for `tocsin export`/`import`, which every store provides: whole tables, in the
 * schema's terms, without knowing the engine.
 */
export interface TableAccess {
  /** Runs `fn` on one consistent snapshot of the database (a live node may keep appending). */
  snapshot<T>(fn: (page: ReadPage) => Promise<T>): Promise<T>;
  /** Runs `fn` in one write transaction: an import is all or nothing. */
  writeTx(fn: (insert: InsertRows, setLogSize: SetLogSize) => Promise<void>): Promise<void>;
}

/** Keyset paging: rows after the key values in key order (row values work on both engines). */
export function pageSql(d: Dialect, t: TableRef, after: boolean, limit: number): string {
  const key = t.key.join(", ");
  const where = after ? ` WHERE (${key}) > (${t.key.map(() => "?").join(", ")})` : "";
  return d.sql(`SELECT ${t.columns.map((c) => c.name).join(", ")} FROM ${t.name}${where} ORDER BY ${key} LIMIT ${limit}`);
}

/** An INSERT of `count` rows of a table, values in column order. */
export function insertSql(d: Dialect, t: TableRef, count: number): string {
  const row = `(${t.columns.map(() => "?").join(", ")})`;
  return d.sql(`INSERT INTO ${t.name} (${t.columns.map((c) => c.name).join(", ")}) VALUES ${Array(count).fill(row).join(", ")}`);
}

/** A row's values in column order, as this dialect binds them. */
export function rowValues(d: Dialect, t: TableRef, r: Row): unknown[] {
  return t.columns.map((c) => (c.type === "bool" ? d.bool(r[c.name] as boolean) : r[c.name]));
}

/** Flag columns read back as booleans (SQLite returns 0/1). */
export function readFlags(t: TableRef, rows: Row[]): Row[] {
  for (const c of t.columns) if (c.type === "bool") for (const r of rows) r[c.name] = r[c.name] === true || r[c.name] === 1;
  return rows;
}
