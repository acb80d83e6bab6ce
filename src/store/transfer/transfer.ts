import { StoreError } from "../store-errors.js";
import type { Store } from "../store.js";
import type { Row } from "../sql/rows.js";
import type { ColumnType } from "../sql/schema.js";
import type { TableRef } from "../sql/table-access.js";
import { TRANSFER_SCHEMA_VERSION, TRANSFER_TABLES } from "./tables.js";

/**
 * The export format: JSON lines. A header `{"format":"tocsin-export","schema":3,…}`, then one line per
 * row `{"t":TABLE,"r":[values in column order]}` (bytes in base64), tables in foreign-key order, then
 * a footer with the row count of every table, so a truncated file is refused rather than half-imported.
 * Engine-neutral: a SQLite export imports into PostgreSQL and back, row for row.
 */
export const EXPORT_FORMAT = "tocsin-export";
const PAGE = 500;

export interface ExportSummary {
  readonly counts: Record<string, number>;
}

/** Writes the whole store, one consistent snapshot, through `write` (one call per line). */
export async function exportStore(store: Store, write: (line: string) => Promise<void> | void): Promise<ExportSummary> {
  const origin = (await store.getMeta("log.origin")) ?? null;
  const counts: Record<string, number> = {};
  await store.tables().snapshot(async (page) => {
    await write(JSON.stringify({ format: EXPORT_FORMAT, schema: TRANSFER_SCHEMA_VERSION, engine: store.engine, origin, exportedAt: new Date().toISOString() }));
    for (const t of TRANSFER_TABLES) {
      let n = 0;
      let after: unknown[] | undefined;
      for (;;) {
        const rows = await page(t, after, PAGE);
        for (const r of rows) await write(JSON.stringify({ t: t.name, r: t.columns.map((c) => encode(r[c.name], c.type)) }));
        n += rows.length;
        if (rows.length < PAGE) break;
        after = t.key.map((k) => rows[rows.length - 1]![k]);
      }
      counts[t.name] = n;
    }
    await write(JSON.stringify({ end: true, counts }));
  });
  return { counts };
}

/**
 * Loads an export into an empty store (freshly created or migrated: no leaves, no parties, no meta),
 * all in one transaction. The log size follows from the leaves; no lease is carried over.
 */
export async function importStore(store: Store, lines: AsyncIterable<string>): Promise<ExportSummary> {
  if ((await store.logSize()) > 0 || (await store.listParties()).length > 0 || (await store.getMeta("log.origin")) !== undefined) {
    throw new StoreError("STORE_NOT_EMPTY", "the target database already holds a log or parties; import only into an empty one");
  }
  const byName = new Map(TRANSFER_TABLES.map((t) => [t.name, t]));
  const order = TRANSFER_TABLES.map((t) => t.name);
  const counts: Record<string, number> = Object.fromEntries(order.map((n) => [n, 0]));
  const bad = (line: number, why: string) => new StoreError("STORE_IMPORT_INVALID", `line ${line}: ${why}`);
  await store.tables().writeTx(async (insert, setLogSize) => {
    let lineNo = 0;
    let header = false;
    let footer: Record<string, number> | undefined;
    let current: TableRef | undefined;
    let buffer: Row[] = [];
    const flush = async () => {
      if (current && buffer.length > 0) await insert(current, buffer);
      buffer = [];
    };
    for await (const text of lines) {
      lineNo++;
      if (text.trim() === "") continue;
      if (footer) throw bad(lineNo, "content after the end marker");
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw bad(lineNo, "not JSON");
      }
      if (!header) {
        if (obj.format !== EXPORT_FORMAT) throw bad(lineNo, `not a Tocsin export (format ${String(obj.format)})`);
        if (obj.schema !== TRANSFER_SCHEMA_VERSION) throw bad(lineNo, `schema ${String(obj.schema)} export; this Tocsin imports schema ${TRANSFER_SCHEMA_VERSION}`);
        header = true;
        continue;
      }
      if (obj.end === true) {
        await flush();
        footer = obj.counts as Record<string, number>;
        continue;
      }
      const t = byName.get(obj.t as string);
      if (!t) throw bad(lineNo, `unknown table ${String(obj.t)}`);
      if (current && t !== current && order.indexOf(t.name) < order.indexOf(current.name)) throw bad(lineNo, `table ${t.name} out of order`);
      if (t !== current) {
        await flush();
        current = t;
      }
      const values = obj.r;
      if (!Array.isArray(values) || values.length !== t.columns.length) throw bad(lineNo, `a ${t.name} row needs ${t.columns.length} values`);
      const row: Row = {};
      t.columns.forEach((c, i) => {
        const v = decode(values[i], c.type, c.nullable ?? false);
        if (v === undefined) throw bad(lineNo, `${t.name}.${c.name}: not a valid ${c.type.startsWith("int") ? "int" : c.type}${c.nullable ? " or null" : ""}`);
        row[c.name] = v;
      });
      buffer.push(row);
      counts[t.name]!++;
      if (buffer.length >= PAGE) await flush();
    }
    if (!header) throw bad(lineNo, "empty file");
    if (!footer) throw bad(lineNo, "truncated: no end marker");
    for (const n of order) if ((footer[n] ?? 0) !== counts[n]) throw bad(lineNo, `${n}: ${counts[n]} rows, the end marker says ${footer[n] ?? 0}`);
    await setLogSize(counts.log_leaf!, 0);
  });
  return { counts };
}

function encode(v: unknown, kind: ColumnType): unknown {
  if (v === null || v === undefined) return null;
  if (kind === "bytes") return Buffer.from(v as Uint8Array).toString("base64");
  return v;
}

/** A JSON value as the column's kind; undefined when it is not one. */
function decode(v: unknown, kind: ColumnType, nullable: boolean): unknown {
  if (v === null) return nullable ? null : undefined;
  switch (kind) {
    case "text":
      return typeof v === "string" ? v : undefined;
    case "int":
    case "int16":
    case "int32":
      return Number.isSafeInteger(v) && (v as number) >= 0 ? v : undefined;
    case "bool":
      return typeof v === "boolean" ? v : undefined;
    case "bytes":
      return typeof v === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0 ? Buffer.from(v, "base64") : undefined;
    default:
      return undefined;
  }
}
