/**
 * What `tocsin export` / `import` carry: every table of the schema (version 3), in foreign-key order,
 * with each column's kind so values cross engines exactly (SQLite stores flags as 0/1 and PostgreSQL
 * as BOOLEAN; bytes travel as base64). `log_head` is not a table here: its size is the number of
 * leaves, and the lease is never carried — the target starts unleased, with a higher epoch.
 *
 * A table added by a later schema version is one more entry here (and a test in transfer.test.ts).
 */
export type ColumnKind = "text" | "int" | "bytes" | "bool";

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly (readonly [name: string, kind: ColumnKind, nullable?: boolean])[];
  /** Primary-key columns, for keyset paging in a stable order. */
  readonly key: readonly string[];
}

export const TRANSFER_SCHEMA_VERSION = 3;

export const TRANSFER_TABLES: readonly TableSpec[] = [
  { name: "meta", columns: [["key", "text"], ["value", "text"]], key: ["key"] },
  {
    name: "party",
    columns: [["id", "text"], ["slug", "text"], ["name", "text"], ["custodial", "bool"], ["organisation_id", "text", true], ["created_at", "text"]],
    key: ["id"],
  },
  {
    name: "party_key",
    columns: [["party_id", "text"], ["key_id", "text"], ["public_key", "bytes"], ["created_at", "text"], ["retired_at", "text", true]],
    key: ["party_id", "key_id"],
  },
  {
    name: "party_token",
    columns: [["token_hash", "bytes"], ["party_id", "text"], ["created_at", "text"], ["revoked_at", "text", true]],
    key: ["token_hash"],
  },
  { name: "party_relation", columns: [["kind", "text"], ["party_id", "text"], ["target", "text"]], key: ["kind", "party_id", "target"] },
  { name: "log_leaf", columns: [["idx", "int"], ["data", "bytes"], ["hash", "bytes"]], key: ["idx"] },
  { name: "log_node", columns: [["level", "int"], ["idx", "int"], ["hash", "bytes"]], key: ["level", "idx"] },
  { name: "log_checkpoint", columns: [["size", "int"], ["root", "bytes"], ["note", "text"], ["created_at", "text"]], key: ["size"] },
  {
    name: "record",
    columns: [
      ["digest", "bytes"], ["id", "text"], ["modified", "text"], ["type", "text"], ["kind", "text"], ["author", "text"],
      ["warning_ref", "text", true], ["log_index", "int"], ["logged_at", "text"], ["added_us", "int"], ["custodial", "bool"], ["body", "text"],
    ],
    key: ["log_index"],
  },
  // Version 3 (TAXII): deletions stay provable after a move; statuses stay pollable.
  { name: "record_tombstone", columns: [["digest", "bytes"], ["log_index", "int"]], key: ["log_index"] },
  { name: "taxii_status", columns: [["id", "text"], ["owner", "text"], ["created_ms", "int"], ["body", "text"]], key: ["id"] },
];
