import { LATEST_SCHEMA_VERSION, primaryKeyOf, table, TABLES } from "../sql/schema.js";
import type { TableRef } from "../sql/table-access.js";

/**
 * What `tocsin export` / `import` carry: every table of the schema (src/store/sql/schema.ts), columns
 * as the schema declares them, in foreign-key order. `log_head` is not carried: its size is the number
 * of leaves, and the lease is never carried — the target starts unleased, with a higher epoch.
 *
 * The order and paging keys are fixed here because export files depend on them (rows are written in
 * key order; an import refuses tables out of this order). A table added to the schema must be listed
 * here too: loading this module fails otherwise.
 */
export const TRANSFER_SCHEMA_VERSION = LATEST_SCHEMA_VERSION;

const CARRIED: readonly (readonly [name: string, pageKey?: readonly string[]])[] = [
  ["meta"],
  ["party"],
  ["party_key"],
  ["party_token"],
  ["party_relation"],
  ["log_leaf"],
  ["log_node"],
  ["log_checkpoint"],
  // Records and tombstones in log order, not digest order.
  ["record", ["log_index"]],
  ["record_tombstone", ["log_index"]],
  ["taxii_status"],
  ["witness_log"],
  ["witness_log_url"],
  ["log_cosignature"],
  ["witness_alarm"],
  ["peer"],
  ["peer_party"],
  ["outbox"],
  ["foreign_record"],
  ["federation_cursor"],
  ["deadline"],
  ["notice"],
  ["webhook"],
  ["webhook_delivery"],
];

const NOT_CARRIED = new Set(["log_head"]);

export const TRANSFER_TABLES: readonly TableRef[] = CARRIED.map(([name, pageKey]) => {
  const t = table(name);
  return { name, columns: t.columns, key: pageKey ?? primaryKeyOf(t) };
});

const forgotten = TABLES.filter((t) => !NOT_CARRIED.has(t.name) && !CARRIED.some(([n]) => n === t.name));
if (forgotten.length > 0) throw new Error(`export/import does not carry table ${forgotten.map((t) => t.name).join(", ")}`);
