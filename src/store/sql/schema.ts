/**
 * The one description of the database schema, for both engines: every table, column and index, by the
 * forward-only version that added it. Each engine renders it in its dialect (src/store/sql/dialect.ts);
 * `tocsin export`/`import` take their tables and columns from it (src/store/transfer/tables.ts).
 *
 * Why these shapes: leaves keep their hash beside their bytes (tiles of level 0 and proofs read it,
 * audit recomputes it); every complete interior node is one row keyed (level, index), which makes an
 * append O(1) amortised rows and a proof O(log n) point reads — the tlog-tiles model, one hash per
 * row so no partial tile is ever rewritten. On SQLite, WITHOUT ROWID stores the node rows in their key
 * order. Indices and sizes are 64-bit integers (JavaScript numbers, exact to 2^53).
 *
 * A new version is one more entry at the end; an entry once released never changes (databases in the
 * field were created by it). The rendered DDL of versions 1–3 is proven identical to what each engine
 * wrote before this file existed (src/store/schema.test.ts).
 */

/** int = 64-bit (SQLite INTEGER, PostgreSQL BIGINT); int16/int32 are narrower on PostgreSQL only. */
export type ColumnType = "text" | "int" | "int16" | "int32" | "bytes" | "bool";

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** NULL allowed (primary-key columns never are). */
  readonly nullable?: boolean;
  /** A single-column primary key; composite keys are the table's `primaryKey`. */
  readonly primaryKey?: boolean;
  readonly unique?: boolean;
  /** A foreign key, `table (column)`. */
  readonly references?: string;
  /** A CHECK expression, in SQL both engines read alike. */
  readonly check?: string;
}

export interface Table {
  readonly name: string;
  readonly columns: readonly Column[];
  /** A composite primary key (a single-column one is marked on its column). */
  readonly primaryKey?: readonly string[];
  /** SQLite only: store rows in primary-key order, without a rowid. */
  readonly withoutRowid?: boolean;
}

export interface Index {
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[];
  readonly unique?: boolean;
}

/**
 * What one schema version does, in order: tables created, indexes created, rows inserted (portable SQL),
 * or SQL one engine needs in its own words (a column's type) or alone (PostgreSQL's triggers).
 */
export type SchemaStep =
  | { readonly table: Table }
  | { readonly index: Index }
  | { readonly sql: string }
  | { readonly perEngine: { readonly sqlite?: string; readonly postgres?: string } };

export interface SchemaVersion {
  readonly version: number;
  readonly steps: readonly SchemaStep[];
}

const col = (name: string, type: ColumnType, more: Omit<Column, "name" | "type"> = {}): Column => ({ name, type, ...more });

/** A tombstone deletes the version with its digest (SQL of the row `alias`; the record queries use it too). */
export const tombstoned = (alias: string): string => `EXISTS (SELECT 1 FROM record_tombstone t WHERE t.digest = ${alias}.digest)`;

/** The rows of another version of the id `id` than `modified` (SQL expressions; (id, modified) is unique: the index alone answers). */
const otherVersionRows = (id: string, modified: string): string => `SELECT 1 FROM record o WHERE o.id = ${id} AND o.modified <> ${modified}`;

/** Another version of the row `alias`'s id is stored. */
const otherVersion = (alias: string): string => `EXISTS (${otherVersionRows(`${alias}.id`, `${alias}.modified`)})`;

/**
 * Whether an id (a parameter) has a version other than `modified` (a parameter): PostgreSQL's trigger asks
 * it of each inserted row before it recomputes the latest mark, and SQLite's append asks the same.
 */
export const HAS_OTHER_VERSION = `${otherVersionRows("?", "?")} LIMIT 1`;

/** Every version of the ids `ids` selects marked anew from their rows, rewriting only the rows whose mark changes. */
const markLatestOfIds = (ids: string): string =>
  `UPDATE record SET latest = m.latest FROM (SELECT v.digest, v.digest IS NOT DISTINCT FROM ` +
  `(SELECT w.digest FROM record w WHERE w.id = v.id AND NOT ${tombstoned("w")} ORDER BY w.modified DESC LIMIT 1) AS latest ` +
  `FROM record v WHERE v.id IN (${ids})) m WHERE record.digest = m.digest AND record.latest IS DISTINCT FROM m.latest`;

/** Schema version 10's mark recomputed for one id (a parameter), after a version of it was inserted (both engines' SQL). */
export const MARK_LATEST = markLatestOfIds("?");

/** … for the id of the version a tombstone (its digest, a parameter) deletes. */
export const MARK_LATEST_OF_DELETED = markLatestOfIds("SELECT d.id FROM record d WHERE d.digest = ?");

/** Every row's mark from scratch (the migration, and an import into SQLite, which inserts rows as they come). */
export const MARK_ALL_LATEST = `UPDATE record SET latest = FALSE WHERE ${tombstoned("record")} OR EXISTS (SELECT 1 FROM record o WHERE o.id = record.id AND o.modified > record.modified AND NOT ${tombstoned("o")})`;

export const SCHEMA: readonly SchemaVersion[] = [
  {
    // The log: leaves, complete interior nodes, signed checkpoints, and the head row that fences writers.
    version: 1,
    steps: [
      { table: { name: "meta", columns: [col("key", "text", { primaryKey: true }), col("value", "text")], withoutRowid: true } },
      { table: { name: "log_leaf", columns: [col("idx", "int", { primaryKey: true }), col("data", "bytes"), col("hash", "bytes")] } },
      {
        table: {
          name: "log_node",
          columns: [col("level", "int16"), col("idx", "int"), col("hash", "bytes")],
          primaryKey: ["level", "idx"],
          withoutRowid: true,
        },
      },
      {
        table: {
          name: "log_checkpoint",
          columns: [col("size", "int", { primaryKey: true }), col("root", "bytes"), col("note", "text"), col("created_at", "text")],
        },
      },
      {
        table: {
          name: "log_head",
          columns: [
            col("id", "int32", { primaryKey: true, check: "id = 1" }),
            col("size", "int"),
            col("lease_holder", "text", { nullable: true }),
            col("lease_epoch", "int"),
            col("lease_expires_at", "int"),
          ],
        },
      },
      { sql: "INSERT INTO log_head (id, size, lease_holder, lease_epoch, lease_expires_at) VALUES (1, 0, NULL, 0, 0)" },
    ],
  },
  {
    // Parties (keys, API token hashes, relations) and the records the log holds.
    version: 2,
    steps: [
      {
        table: {
          name: "party",
          columns: [
            col("id", "text", { primaryKey: true }),
            col("slug", "text", { unique: true }),
            col("name", "text"),
            col("custodial", "bool"),
            col("organisation_id", "text", { nullable: true }),
            col("created_at", "text"),
          ],
        },
      },
      {
        table: {
          name: "party_key",
          columns: [
            col("party_id", "text", { references: "party (id)" }),
            col("key_id", "text"),
            col("public_key", "bytes"),
            col("created_at", "text"),
            col("retired_at", "text", { nullable: true }),
          ],
          primaryKey: ["party_id", "key_id"],
        },
      },
      {
        table: {
          name: "party_token",
          columns: [
            col("token_hash", "bytes", { primaryKey: true }),
            col("party_id", "text", { references: "party (id)" }),
            col("created_at", "text"),
            col("revoked_at", "text", { nullable: true }),
          ],
        },
      },
      {
        table: {
          name: "party_relation",
          columns: [col("kind", "text"), col("party_id", "text", { references: "party (id)" }), col("target", "text")],
          primaryKey: ["kind", "party_id", "target"],
        },
      },
      {
        table: {
          name: "record",
          columns: [
            col("digest", "bytes", { primaryKey: true }),
            col("id", "text"),
            col("modified", "text"),
            col("type", "text"),
            col("kind", "text"),
            col("author", "text"),
            col("warning_ref", "text", { nullable: true }),
            col("log_index", "int", { unique: true }),
            col("logged_at", "text"),
            col("added_us", "int", { unique: true }),
            col("custodial", "bool"),
            col("body", "text"),
          ],
        },
      },
      { index: { name: "record_version", table: "record", columns: ["id", "modified"], unique: true } },
      { index: { name: "record_warning", table: "record", columns: ["warning_ref", "log_index"] } },
      { index: { name: "record_kind", table: "record", columns: ["kind", "log_index"] } },
    ],
  },
  {
    // TAXII: tombstones mark deleted record versions (the record row and its leaf stay, so history is
    // provable); status resources are kept for polling; type + added_us serves match[type] paging.
    version: 3,
    steps: [
      {
        table: {
          name: "record_tombstone",
          columns: [col("digest", "bytes", { primaryKey: true, references: "record (digest)" }), col("log_index", "int", { unique: true })],
        },
      },
      {
        table: {
          name: "taxii_status",
          columns: [col("id", "text", { primaryKey: true }), col("owner", "text"), col("created_ms", "int"), col("body", "text")],
        },
      },
      { index: { name: "taxii_status_created", table: "taxii_status", columns: ["created_ms"] } },
      { index: { name: "record_type_added", table: "record", columns: ["type", "added_us"] } },
    ],
  },
  {
    // Witnesses (C2SP tlog-witness). witness_log: the logs this node witnesses, each with the log key it
    // trusts and the latest checkpoint it cosigned (size 0 and an empty root until the first), moved
    // only by a compare-and-swap from the state the check was made against. log_cosignature: the
    // cosignature lines other witnesses returned for this node's own checkpoints, by size and witness.
    version: 4,
    steps: [
      {
        table: {
          name: "witness_log",
          columns: [
            col("origin", "text", { primaryKey: true }),
            col("vkey", "text"),
            col("size", "int"),
            col("root", "bytes"),
            col("note", "text", { nullable: true }),
            col("updated_at", "text"),
          ],
        },
      },
      {
        table: {
          name: "log_cosignature",
          columns: [col("size", "int"), col("witness", "text"), col("line", "text"), col("created_at", "text")],
          primaryKey: ["size", "witness"],
        },
      },
      { index: { name: "log_cosignature_witness", table: "log_cosignature", columns: ["witness", "size"] } },
    ],
  },
  {
    // Federation (docs/federation.md). peer: a peer node pinned on first use — its log origin and key,
    // its node party, and the logged key history of the parties it hosts (verified entries, JSON).
    // peer_party: which local party rows stand for parties hosted on a peer. outbox: one row per record
    // and peer node it must reach, with its delivery state. foreign_record: the origin proof of a record
    // received from a peer (the record row itself is logged in this node's log too). federation_cursor:
    // how far the outbox's follower of the log has read.
    version: 5,
    steps: [
      {
        table: {
          name: "peer",
          columns: [
            col("origin", "text", { primaryKey: true }),
            col("url", "text"),
            col("vkey", "text"),
            col("node_party", "text"),
            col("key_history", "text"),
            col("checkpoint", "text"),
            col("added_at", "text"),
            col("updated_at", "text"),
          ],
        },
      },
      { table: { name: "peer_party", columns: [col("party_id", "text", { primaryKey: true, references: "party (id)" }), col("origin", "text")] } },
      {
        table: {
          name: "outbox",
          columns: [
            col("digest", "bytes"),
            col("peer", "text"),
            col("record_id", "text"),
            col("warning_ref", "text", { nullable: true }),
            col("kind", "text"),
            col("inbox", "text"),
            col("state", "text", { check: "state IN ('queued', 'delivered', 'receipted', 'failed')" }),
            col("attempts", "int"),
            col("next_attempt_ms", "int"),
            col("last_error", "text", { nullable: true }),
            col("created_at", "text"),
            col("updated_at", "text"),
          ],
          primaryKey: ["digest", "peer"],
        },
      },
      { index: { name: "outbox_due", table: "outbox", columns: ["state", "next_attempt_ms"] } },
      { index: { name: "outbox_warning", table: "outbox", columns: ["warning_ref", "peer"] } },
      {
        table: {
          name: "foreign_record",
          columns: [
            col("digest", "bytes", { primaryKey: true, references: "record (digest)" }),
            col("origin", "text"),
            col("origin_index", "int"),
            col("origin_leaf", "bytes"),
            col("size", "int"),
            col("hashes", "text"),
            col("checkpoint", "text"),
            col("received_at", "text"),
          ],
        },
      },
      { table: { name: "federation_cursor", columns: [col("name", "text", { primaryKey: true }), col("position", "int")] } },
    ],
  },
  {
    // Notifications (docs/notifications.md). notice: events that are not log records (a deadline about
    // to pass, later a failed federation delivery), each addressed to one party, numbered by `seq` (taken
    // as MAX + 1 inside the insert, so on PostgreSQL a higher number never becomes visible before a lower
    // one: a second writer of the same number fails on the key and takes the next); `key` makes each
    // notice exactly once whichever process writes it. webhook: a party's endpoints, each with the
    // position (`cursor`, an event id) up to which its events were queued. webhook_delivery: the durable
    // queue and delivery log, one row per event and endpoint.
    version: 6,
    steps: [
      {
        table: {
          name: "notice",
          columns: [
            col("seq", "int", { primaryKey: true }),
            col("key", "text", { unique: true }),
            col("party_id", "text"),
            col("type", "text"),
            col("at", "text"),
            col("warning_id", "text", { nullable: true }),
            col("record_id", "text", { nullable: true }),
            col("summary", "text"),
          ],
        },
      },
      { index: { name: "notice_party", table: "notice", columns: ["party_id", "seq"] } },
      {
        table: {
          name: "webhook",
          columns: [
            col("id", "text", { primaryKey: true }),
            col("party_id", "text", { references: "party (id)" }),
            col("url", "text"),
            col("events", "text"),
            col("secret", "text"),
            col("created_at", "text"),
            col("cursor", "text"),
          ],
        },
      },
      { index: { name: "webhook_party", table: "webhook", columns: ["party_id"] } },
      {
        table: {
          name: "webhook_delivery",
          columns: [
            col("id", "text", { primaryKey: true }),
            col("webhook_id", "text"),
            col("event_id", "text"),
            col("type", "text"),
            col("payload", "text"),
            col("state", "text"),
            col("attempts", "int"),
            col("next_ms", "int"),
            col("last_status", "int", { nullable: true }),
            col("last_error", "text", { nullable: true }),
            col("created_at", "text"),
            col("updated_at", "text"),
          ],
        },
      },
      { index: { name: "webhook_delivery_event", table: "webhook_delivery", columns: ["webhook_id", "event_id"], unique: true } },
      { index: { name: "webhook_delivery_due", table: "webhook_delivery", columns: ["state", "next_ms"] } },
    ],
  },
  {
    // Witness alarms (split views). One row per fork, whoever detects it and however often: the fork's
    // key (origin, both sizes and roots) is claimed first, then the alarm record — kept here unsigned
    // as built, so a retry logs the same record — is admitted and its log index set.
    version: 7,
    steps: [
      {
        table: {
          name: "witness_alarm",
          columns: [
            col("fork_key", "text", { primaryKey: true }),
            col("origin", "text"),
            col("record_id", "text"),
            col("body", "text"),
            col("log_index", "int", { nullable: true }),
            col("detected_at", "text"),
          ],
        },
      },
    ],
  },
  {
    // The deadline index (docs/scaling.md §5): the escalator's and the deadline notifier's next instant
    // to look at each warning (or determination), so neither keeps every open warning in memory nor
    // rescans the log at start. Derived from the log, which stays the truth: each queue's followers keep
    // their log positions in federation_cursor, written in the same transaction as the rows they
    // derived, and a store migrated from version 7 (no position yet) is filled from the log by the first
    // follow. `queue` names the reader ("escalation", "deadline-notice"); `due_ms` is when to look.
    version: 8,
    steps: [
      {
        table: {
          name: "deadline",
          columns: [col("queue", "text"), col("key", "text"), col("due_ms", "int")],
          primaryKey: ["queue", "key"],
          withoutRowid: true,
        },
      },
      { index: { name: "deadline_due", table: "deadline", columns: ["queue", "due_ms", "key"] } },
    ],
  },
  {
    // Where a witnessed log answers (`tocsin witness add-log … --url`): gossip fetches the consistency
    // proofs that decide checkpoints of other sizes there, when no peer revealed the log's URL. A table
    // of its own rather than a column of witness_log, whose rows the witness's compare-and-swap moves.
    version: 9,
    steps: [
      {
        table: {
          name: "witness_log_url",
          columns: [col("origin", "text", { primaryKey: true, references: "witness_log (origin)" }), col("url", "text"), col("updated_at", "text")],
        },
      },
    ],
  },
  {
    // Each id's latest live version marked in its row, so a page of latest versions (TAXII's default,
    // match[version]=last) filters rows as it walks added_us instead of probing the (id, modified)
    // index and the tombstones once a row: at 1 000 000 records the probe cost 2.4 µs a row, as much
    // as the rest of the read (docs/scaling.md §9). Derived from the rows: every insert of a record or
    // a tombstone recomputes the mark of the ids it touches from their rows (MARK_LATEST), so the order
    // of one batch's inserts does not matter — SQLite's appends run that statement after each insert (a
    // row trigger would cost each insert 15 µs more), PostgreSQL's triggers for every writer, the
    // one-statement append included: once per statement for records, once per row for tombstones
    // (rare: a statement trigger would run for every append, most of which delete nothing). Not in the
    // record table's declared columns (inserts leave it to its default, true: a first version is its
    // id's latest), so exports do not carry it and an import derives it again.
    version: 10,
    steps: [
      {
        perEngine: {
          sqlite: "ALTER TABLE record ADD COLUMN latest INTEGER NOT NULL DEFAULT 1",
          postgres: "ALTER TABLE record ADD COLUMN latest BOOLEAN NOT NULL DEFAULT TRUE",
        },
      },
      { sql: MARK_ALL_LATEST },
      {
        perEngine: {
          postgres: `CREATE FUNCTION record_latest_after_record() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${markLatestOfIds("SELECT n.id FROM new_rows n WHERE " + otherVersion("n"))}; RETURN NULL; END $$;
            CREATE TRIGGER record_latest_after_record AFTER INSERT ON record REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_latest_after_record();
            CREATE FUNCTION record_latest_after_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${markLatestOfIds("SELECT d.id FROM record d WHERE d.digest = NEW.digest")}; RETURN NULL; END $$;
            CREATE TRIGGER record_latest_after_tombstone AFTER INSERT ON record_tombstone FOR EACH ROW EXECUTE FUNCTION record_latest_after_tombstone()`,
        },
      },
    ],
  },
];

export const LATEST_SCHEMA_VERSION = SCHEMA[SCHEMA.length - 1]!.version;

/** Every table of the latest schema, in the order the versions created them. */
export const TABLES: readonly Table[] = SCHEMA.flatMap((v) => v.steps.flatMap((s) => ("table" in s ? [s.table] : [])));

/** A table of the latest schema by name. */
export function table(name: string): Table {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name} in the schema`);
  return t;
}

/** The primary-key columns of a table, in key order. */
export function primaryKeyOf(t: Table): readonly string[] {
  return t.primaryKey ?? t.columns.filter((c) => c.primaryKey).map((c) => c.name);
}
