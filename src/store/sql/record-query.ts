import type { RecordQuery, VersionSelector } from "../store.js";
import type { Dialect } from "./dialect.js";
import { RECORD_BODY_COLUMNS, RECORD_COLUMNS, RECORD_HEAD_COLUMNS } from "./rows.js";
import { tombstoned } from "./schema.js";

/** A filtered record query: its SQL (one text per query shape, so engines prepare it once) and values. */
export interface RecordQuerySql {
  /** Names the shape (which filters are present): equal shapes have equal SQL. */
  readonly shape: string;
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * The SQL of a filtered record query (TAXII objects, manifest, versions), for both engines. Lists
 * travel as one parameter each (the dialect's `inList`), so one prepared statement serves every list
 * length. first/last are decided with the (id, modified) index, among live versions when tombstoned
 * ones are left out. Undefined when the query matches nothing (an empty id or type list).
 */
export function recordQuerySql(d: Dialect, q: RecordQuery, columns: typeof RECORD_COLUMNS | typeof RECORD_HEAD_COLUMNS | typeof RECORD_BODY_COLUMNS = RECORD_COLUMNS): RecordQuerySql | undefined {
  if (q.ids?.length === 0 || q.types?.length === 0) return undefined;
  const params: unknown[] = [q.addedAfterUs ?? -1, q.kind ?? null, q.kind ?? null];
  const where = ["r.added_us > ?", "(CAST(? AS TEXT) IS NULL OR r.kind = ?)"];
  let shape = columns === RECORD_HEAD_COLUMNS ? "h" : columns === RECORD_BODY_COLUMNS ? "b" : "";
  // One type: a shape of its own, so that the (type, added_us) index is used. Written as "NULL or
  // equal", the planner walks added_us and filters: the key ledger's first read of the few identity
  // and key-event records at start read every record of the store (28 s of disk at 1 000 000).
  if (q.type !== undefined) {
    where.push("r.type = ?");
    params.push(q.type);
    shape += "T";
  }
  const list = (column: string, values: readonly string[], tag: string) => {
    params.push(d.listValue(values));
    shape += tag;
    return d.inList(column);
  };
  if (q.ids) where.push(list("r.id", q.ids, "i"));
  if (q.types) where.push(list("r.type", q.types, "t"));
  const notDeleted = (alias: string) => `NOT ${tombstoned(alias)}`;
  const v = q.versions;
  if (q.live && v !== undefined && v.all !== true && v.last === true && v.first !== true && v.modified === undefined) {
    // The latest live version of each id, the page TAXII serves by default: marked in the row (schema
    // version 10), so no probe of other versions or of the tombstones per row.
    where.push("r.latest");
    shape += "L";
  } else {
    if (q.live) {
      where.push(notDeleted("r"));
      shape += "l";
    }
    if (v !== undefined && v.all !== true) where.push(versionsSql(v));
  }
  params.push(q.limit);
  return { shape, sql: d.sql(`SELECT ${columns.map((c) => `r.${c}`).join(", ")} FROM record r WHERE ${where.join(" AND ")} ORDER BY r.added_us LIMIT ?`), params };

  function versionsSql(v: VersionSelector): string {
    const edge = (op: string) => `NOT EXISTS (SELECT 1 FROM record o WHERE o.id = r.id AND o.modified ${op} r.modified${q.live ? ` AND ${notDeleted("o")}` : ""})`;
    const any: string[] = [];
    shape += "v";
    if (v.first) {
      any.push(edge("<"));
      shape += "f";
    }
    if (v.last) {
      any.push(edge(">"));
      shape += "z";
    }
    if (v.modified) any.push(list("r.modified", v.modified, "m"));
    return any.length === 0 ? "1 = 0" : `(${any.join(" OR ")})`;
  }
}
