import { RECORD_COLUMNS } from "./rows.js";
import { HAS_OTHER_VERSION, MARK_LATEST, MARK_LATEST_OF_DELETED, table } from "./schema.js";

/** The record columns in RECORD_COLUMNS order: record rows are read as arrays (rows.ts toRecordArray). */
const RECORD_SELECT = RECORD_COLUMNS.join(", ");

/** An INSERT of one whole row of a schema table, values in the schema's column order. */
export function insertRowSql(name: string): string {
  const columns = table(name).columns;
  return `INSERT INTO ${name} (${columns.map((c) => c.name).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

/** Deadlines scheduled per statement when many are (a follower's page, the fill of a migrated store). */
export const DEADLINES_PER_STATEMENT = 64;

/**
 * Schedules `rows` deadlines (queue, key, instant per row): a key already due at or before its new
 * instant keeps its row. One key at most once per statement (PostgreSQL refuses to update a row twice
 * in one statement).
 */
function scheduleDeadlinesSql(rows: number): string {
  return (
    `INSERT INTO deadline (queue, key, due_ms) VALUES ${Array(rows).fill("(?, ?, ?)").join(", ")} ` +
    "ON CONFLICT (queue, key) DO UPDATE SET due_ms = excluded.due_ms WHERE excluded.due_ms < deadline.due_ms"
  );
}

/**
 * The queries both engines run, written once with `?` placeholders (each engine's dialect renders them;
 * a value used twice is passed twice). SQLite prepares each once per connection, PostgreSQL sends each
 * as a named prepared statement (the key is its name). What only one engine can do well stays in that
 * engine: PostgreSQL's one-statement `unnest()` append and array lookups, SQLite's `json_each` lists.
 */
export const QUERIES = {
  headSize: "SELECT size FROM log_head WHERE id = 1",
  head: "SELECT lease_holder, lease_epoch, lease_expires_at FROM log_head WHERE id = 1",
  leaves: "SELECT idx, data, hash FROM log_leaf WHERE idx >= ? AND idx < ? ORDER BY idx",
  leafHashRange: "SELECT idx, hash FROM log_leaf WHERE idx >= ? AND idx < ? ORDER BY idx",
  nodeRange: "SELECT idx, hash FROM log_node WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
  latestCheckpoint: "SELECT size, root, note, created_at FROM log_checkpoint ORDER BY size DESC LIMIT 1",
  checkpoints: "SELECT size, root, note, created_at FROM log_checkpoint WHERE size > ? ORDER BY size LIMIT ?",
  checkpointAt: "SELECT size, root, note, created_at FROM log_checkpoint WHERE size = ?",
  setLease: "UPDATE log_head SET lease_holder = ?, lease_epoch = ?, lease_expires_at = ? WHERE id = 1",
  renewLease: "UPDATE log_head SET lease_expires_at = ? WHERE id = 1 AND lease_holder = ? AND lease_epoch = ?",
  releaseLease: "UPDATE log_head SET lease_holder = NULL, lease_expires_at = 0 WHERE id = 1 AND lease_holder = ? AND lease_epoch = ?",
  /** Fencing: the head moves only from the size the writer believes in, and only under its epoch. */
  advanceHead: "UPDATE log_head SET size = ? WHERE id = 1 AND size = ? AND lease_epoch = ?",
  /** An import: the log size follows from the leaves; the lease starts free, under the given epoch. */
  resetHead: "UPDATE log_head SET size = ?, lease_holder = NULL, lease_epoch = ?, lease_expires_at = 0 WHERE id = 1",
  insertLeaf: insertRowSql("log_leaf"),
  insertNode: insertRowSql("log_node"),
  insertCheckpoint: insertRowSql("log_checkpoint"),
  insertRecord: insertRowSql("record"),
  insertTombstone: "INSERT INTO record_tombstone (digest, log_index) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING",
  /** Schema version 10's mark of each id's latest live version, after an insert (SQLite's appends: PostgreSQL's triggers run the same). */
  markLatest: MARK_LATEST,
  /** Whether an id has a version other than the one just inserted (the condition of PostgreSQL's trigger). */
  hasOtherVersion: HAS_OTHER_VERSION,
  markLatestOfDeleted: MARK_LATEST_OF_DELETED,
  getMeta: "SELECT value FROM meta WHERE key = ?",
  initMeta: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
  setMeta: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  insertParty: insertRowSql("party"),
  partyByIdOrSlug: "SELECT * FROM party WHERE id = ? OR slug = ?",
  parties: "SELECT * FROM party ORDER BY created_at, slug",
  insertKey: insertRowSql("party_key"),
  keysOf: "SELECT * FROM party_key WHERE party_id = ? ORDER BY created_at, retired_at IS NULL, key_id",
  retireKeys: "UPDATE party_key SET retired_at = ? WHERE party_id = ? AND retired_at IS NULL",
  insertToken: "INSERT INTO party_token (token_hash, party_id, created_at) VALUES (?, ?, ?)",
  tokensOf: "SELECT * FROM party_token WHERE party_id = ? ORDER BY created_at, token_hash",
  revokeToken: "UPDATE party_token SET revoked_at = ? WHERE token_hash = ? AND party_id = ? AND revoked_at IS NULL",
  partyByToken: "SELECT p.* FROM party_token t JOIN party p ON p.id = t.party_id WHERE t.token_hash = ? AND t.revoked_at IS NULL",
  insertRelation: "INSERT INTO party_relation (kind, party_id, target) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
  relations: "SELECT * FROM party_relation ORDER BY kind, party_id, target",
  recordByDigest: "SELECT * FROM record WHERE digest = ?",
  recordVersions: `SELECT ${RECORD_SELECT} FROM record WHERE id = ? ORDER BY modified`,
  recordsAbout: `SELECT ${RECORD_SELECT} FROM record WHERE warning_ref = ? ORDER BY log_index`,
  countRecordsAbout: "SELECT COUNT(*) AS n FROM record WHERE warning_ref = ?",
  maxAddedUs: "SELECT MAX(added_us) AS m FROM record",
  /** One seek on the (type, added_us) index. */
  maxAddedUsOfType: "SELECT MAX(added_us) AS m FROM record WHERE type = ?",
  recordsByLogIndex: `SELECT ${RECORD_SELECT} FROM record WHERE log_index >= ? AND log_index < ? ORDER BY log_index LIMIT ?`,
  recordsAfter: `SELECT ${RECORD_SELECT} FROM record WHERE log_index > ? ORDER BY log_index LIMIT ?`,
  recordDigestsInRange: "SELECT log_index, digest FROM record WHERE log_index >= ? AND log_index <= ?",
  recordsOfKindAfter: `SELECT ${RECORD_SELECT} FROM record WHERE kind = ? AND log_index > ? ORDER BY log_index LIMIT ?`,
  tombstonesByLogIndex: "SELECT digest, log_index FROM record_tombstone WHERE log_index >= ? AND log_index < ? ORDER BY log_index LIMIT ?",
  tombstoneOf: "SELECT digest, log_index FROM record_tombstone WHERE digest = ?",
  pruneStatuses: "DELETE FROM taxii_status WHERE created_ms < ?",
  saveStatus:
    "INSERT INTO taxii_status (id, owner, created_ms, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, created_ms = excluded.created_ms, body = excluded.body",
  status: "SELECT * FROM taxii_status WHERE id = ?",
  witnessedLog: "SELECT * FROM witness_log WHERE origin = ?",
  witnessedLogs: "SELECT * FROM witness_log ORDER BY origin",
  witnessedLogUrl: "SELECT url FROM witness_log_url WHERE origin = ?",
  setWitnessedLogUrl: "INSERT INTO witness_log_url (origin, url, updated_at) VALUES (?, ?, ?) ON CONFLICT (origin) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at",
  /** A new log starts never cosigned (size 0, empty root); adding it again replaces only its key. */
  addWitnessedLog:
    "INSERT INTO witness_log (origin, vkey, size, root, note, updated_at) VALUES (?, ?, 0, ?, NULL, ?) ON CONFLICT (origin) DO UPDATE SET vkey = excluded.vkey",
  /** The witness's compare-and-swap: the state moves only from the one (and the log key) the request was checked against. */
  advanceWitnessedLog: "UPDATE witness_log SET size = ?, root = ?, note = ?, updated_at = ? WHERE origin = ? AND size = ? AND root = ? AND vkey = ?",
  addCosignature:
    "INSERT INTO log_cosignature (size, witness, line, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line, created_at = excluded.created_at",
  cosignaturesAt: "SELECT * FROM log_cosignature WHERE size = ? ORDER BY witness",
  peers: "SELECT * FROM peer ORDER BY origin",
  peer: "SELECT * FROM peer WHERE origin = ?",
  savePeer:
    "INSERT INTO peer (origin, url, vkey, node_party, key_history, checkpoint, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET url = excluded.url, key_history = excluded.key_history, checkpoint = excluded.checkpoint, updated_at = excluded.updated_at",
  removePeer: "DELETE FROM peer WHERE origin = ?",
  insertPeerParty: "INSERT INTO peer_party (party_id, origin) VALUES (?, ?) ON CONFLICT (party_id) DO NOTHING",
  peerOfParty: "SELECT origin FROM peer_party WHERE party_id = ?",
  peerParties: "SELECT party_id FROM peer_party WHERE origin = ? ORDER BY party_id",
  enqueueDelivery:
    "INSERT INTO outbox (digest, peer, record_id, warning_ref, kind, inbox, state, attempts, next_attempt_ms, last_error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (digest, peer) DO NOTHING",
  dueDeliveries: "SELECT * FROM outbox WHERE state IN ('queued', 'failed') AND next_attempt_ms <= ? ORDER BY next_attempt_ms, created_at LIMIT ?",
  // Moves a delivery only from the state its attempt was decided against (see DeliveryChange.from).
  updateDelivery: "UPDATE outbox SET state = ?, attempts = ?, next_attempt_ms = ?, last_error = ?, updated_at = ? WHERE digest = ? AND peer = ? AND state = ? AND attempts = ?",
  markReceipted: "UPDATE outbox SET state = 'receipted', updated_at = ? WHERE warning_ref = ? AND peer = ? AND kind = 'warning' AND state = 'delivered'",
  markVersionReceipted: "UPDATE outbox SET state = 'receipted', updated_at = ? WHERE digest = ? AND peer = ? AND kind = 'warning' AND state <> 'receipted'",
  deliveriesOf: "SELECT * FROM outbox WHERE warning_ref = ? ORDER BY created_at DESC LIMIT ?",
  deliveries: "SELECT * FROM outbox ORDER BY created_at DESC LIMIT ?",
  saveForeignRecord:
    "INSERT INTO foreign_record (digest, origin, origin_index, origin_leaf, size, hashes, checkpoint, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
  foreignRecord: "SELECT * FROM foreign_record WHERE digest = ?",
  cursor: "SELECT position FROM federation_cursor WHERE name = ?",
  setCursor: "INSERT INTO federation_cursor (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
  earliestDeadlines: "SELECT key, due_ms FROM deadline WHERE queue = ? ORDER BY due_ms, key LIMIT ?",
  scheduleDeadline: scheduleDeadlinesSql(1),
  scheduleDeadlines: scheduleDeadlinesSql(DEADLINES_PER_STATEMENT),
  /** After a look: the next instant, only if the row is still at the one that was taken. */
  moveDeadline: "UPDATE deadline SET due_ms = ? WHERE queue = ? AND key = ? AND due_ms = ?",
  dropDeadline: "DELETE FROM deadline WHERE queue = ? AND key = ? AND due_ms = ?",
  firstCosignedSizeAfter: "SELECT MIN(size) AS m FROM log_cosignature WHERE size > ?",
  lastCosignedSize: "SELECT MAX(size) AS m FROM log_cosignature WHERE witness = ?",
  latestCosignedSize: "SELECT size FROM log_cosignature GROUP BY size HAVING COUNT(*) >= ? ORDER BY size DESC LIMIT 1",
  /** A fork is claimed once, by whichever process or detection comes first. */
  claimWitnessAlarm: "INSERT INTO witness_alarm (fork_key, origin, record_id, body, log_index, detected_at) VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (fork_key) DO NOTHING",
  witnessAlarm: "SELECT * FROM witness_alarm WHERE fork_key = ?",
  setWitnessAlarmIndex: "UPDATE witness_alarm SET log_index = ? WHERE fork_key = ?",
  witnessAlarms: "SELECT * FROM witness_alarm ORDER BY detected_at, fork_key",
  /**
   * The next notice number is taken inside the insert, by one writer at a time (SQLite's one connection;
   * on PostgreSQL, PgStore.addNotice's lock), so numbers become visible in order and a follower reading
   * "after n" never skips one. `WHERE true` lets SQLite parse the upsert.
   */
  addNotice:
    "INSERT INTO notice (seq, key, party_id, type, at, warning_id, record_id, summary) SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM notice WHERE true ON CONFLICT (key) DO NOTHING",
  noticesAfter: "SELECT * FROM notice WHERE party_id = ? AND seq > ? ORDER BY seq LIMIT ?",
  maxNoticeSeq: "SELECT MAX(seq) AS m FROM notice",
  insertWebhook: insertRowSql("webhook"),
  webhook: "SELECT * FROM webhook WHERE id = ?",
  webhooksOf: "SELECT * FROM webhook WHERE party_id = ? ORDER BY created_at, id",
  allWebhooks: "SELECT * FROM webhook ORDER BY created_at, id",
  deleteDeliveriesOf: "DELETE FROM webhook_delivery WHERE webhook_id IN (SELECT id FROM webhook WHERE id = ? AND party_id = ?)",
  deleteWebhook: "DELETE FROM webhook WHERE id = ? AND party_id = ?",
  moveWebhookCursor: "UPDATE webhook SET cursor = ? WHERE id = ? AND cursor = ?",
  insertDelivery: `${insertRowSql("webhook_delivery")} ON CONFLICT (webhook_id, event_id) DO NOTHING`,
  dueWebhookDeliveries: "SELECT * FROM webhook_delivery WHERE state = 'queued' AND next_ms <= ? ORDER BY next_ms, id LIMIT ?",
  updateWebhookDelivery: "UPDATE webhook_delivery SET state = ?, attempts = ?, next_ms = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?",
  webhookDeliveriesOf: "SELECT * FROM webhook_delivery WHERE webhook_id = ? ORDER BY created_at DESC, event_id DESC LIMIT ?",
};

export type QueryName = keyof typeof QUERIES;
