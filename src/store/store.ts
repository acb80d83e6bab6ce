import type { NodeId } from "../core/merkle/node-id.js";
import type { TableAccess } from "./sql/table-access.js";

/**
 * The storage interface every engine implements (SQLite embedded, PostgreSQL for servers).
 *
 * It is async throughout, stores bytes and numbers, and knows no Merkle maths: the log layer computes
 * hashes and hands complete rows to `appendBatch`. Nothing engine-specific (rowids, pragmas, advisory
 * locks) appears here; each engine passes the same contract suite in src/testing/store-contract.ts.
 */
export interface Store extends LogStore, PartyStore, RecordStore, RecordAuditStore, TaxiiStatusStore, WitnessStore, CosignatureStore, FederationStore, NoticeStore, WebhookStore, WitnessAlarmStore, DeadlineStore {
  /** Which engine, for logs and benchmarks. Code outside src/store asks `sharedByProcesses`, never the engine. */
  readonly engine: "sqlite" | "postgres";
  /**
   * Whether other processes may write to the same database (PostgreSQL): then one process sequences at
   * a time under a lease, and nothing read from the store may be cached as if this process were alone.
   */
  readonly sharedByProcesses: boolean;
  /** Whole tables as rows of the one schema (src/store/sql/schema.ts), for `tocsin export`/`import`. */
  tables(): TableAccess;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

export interface LogLeaf {
  readonly index: number;
  /** The leaf's bytes as appended (RFC 9162 `leaf`, before the 0x00 prefix). */
  readonly data: Uint8Array;
  /** SHA-256(0x00 || data), stored so proofs and tiles never rehash leaves. */
  readonly hash: Uint8Array;
}

/**
 * A run of consecutive leaves read in one piece (the audit reads every leaf of the log): their data
 * back to back, where each ends, and their stored hashes back to back, with no object per leaf.
 */
export interface PackedLeaves {
  readonly data: Uint8Array;
  /** Leaf i's data is data[ends[i - 1] ?? 0, ends[i]). */
  readonly ends: Float64Array;
  /** 32 bytes per leaf. */
  readonly hashes: Uint8Array;
}

export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** The whole signed note, as published. */
  readonly note: string;
  /** RFC 3339 time the node signed it (node clock). */
  readonly createdAt: string;
}

/** Exclusive right to sequence the log; `epoch` is the fencing token every append must carry. */
export interface Lease {
  readonly holder: string;
  readonly epoch: number;
  /** Milliseconds since the Unix epoch. */
  readonly expiresAt: number;
}

/** A leaf of a batch; a record's leaf carries the record, stored in the same transaction. */
export interface BatchLeaf {
  readonly data: Uint8Array;
  readonly hash: Uint8Array;
  readonly record?: NewRecord;
  /** TAXII date_added in microseconds since the epoch: unique and increasing (set with `record`). */
  readonly addedUs?: number;
  /**
   * For a tombstone leaf: the digest of the stored record version it deletes. The version is marked
   * deleted in the same transaction (a second tombstone of one version is ignored, the leaf kept).
   */
  readonly tombstone?: Uint8Array;
}

/** One durable group commit: consecutive leaves, the interior nodes they complete, maybe a checkpoint. */
export interface AppendBatch {
  /** The lease epoch of the writer; a batch from a superseded writer is refused (STORE_FENCED). */
  readonly epoch: number;
  /** Must equal the stored log size, so two writers can never both extend the same tree. */
  readonly startIndex: number;
  readonly leaves: readonly BatchLeaf[];
  /** Every node of level ≥ 1 that these leaves complete. */
  readonly nodes: readonly StoredNode[];
  /** A checkpoint for the size after this batch, signed by the log key. */
  readonly checkpoint?: StoredCheckpoint;
}

export interface LogStore {
  /** Number of leaves durably stored. */
  logSize(): Promise<number>;
  /** Leaves [start, start + count), fewer at the end of the log. */
  getLeaves(start: number, count: number): Promise<LogLeaf[]>;
  /** Hashes of complete nodes (level 0 = leaf hashes), keyed by nodeKey(level, index); absent if unknown. */
  getNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>>;
  /** The stored nodes among [start, start + count) at one level, by index (gaps where rows are missing). */
  getNodeRange(level: number, start: number, count: number): Promise<StoredNode[]>;
  /**
   * Leaves [start, start + count) packed, when exactly those rows are stored, each with a blob of data
   * and a 32-byte blob hash; undefined otherwise (a gap, a row beyond, a damaged row: read them with
   * getLeaves). In index order as the engine scans the primary key (SQLite does not promise the order
   * of an aggregate's rows; the audit's recomputed nodes would differ from the stored ones if it erred).
   */
  getPackedLeaves(start: number, count: number): Promise<PackedLeaves | undefined>;
  /** The hashes of nodes [start, start + count) at `level` ≥ 1 back to back, when all are stored and 32 bytes; else undefined. */
  getPackedNodes(level: number, start: number, count: number): Promise<Uint8Array | undefined>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** Checkpoints by ascending size, `after` exclusive, at most `limit`. */
  listCheckpoints(after: number, limit: number): Promise<StoredCheckpoint[]>;
  /** The stored checkpoint of exactly this size, if any. */
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined>;

  /**
   * Takes the sequencing lease if it is free, expired, held by `holder` already, or held by a
   * holder that `isDead` says is gone; increments the epoch whenever the holder changes.
   */
  acquireLease(holder: string, ttlMs: number, nowMs: number, isDead?: (holder: string) => boolean): Promise<Lease | undefined>;
  /** Extends a lease still held at `epoch`; undefined when it was lost. */
  renewLease(holder: string, epoch: number, ttlMs: number, nowMs: number): Promise<Lease | undefined>;
  releaseLease(holder: string, epoch: number): Promise<void>;
  /** The lease as stored (possibly expired); undefined when nobody holds it. Followers find the leader here. */
  currentLease(): Promise<Lease | undefined>;
  /** Appends atomically and durably; see AppendBatch for the fencing rules. */
  appendBatch(batch: AppendBatch): Promise<void>;

  /** Small key/value facts about the node (log origin, public key), written once. */
  getMeta(key: string): Promise<string | undefined>;
  /** Sets a value if absent and returns the stored one (first writer wins). */
  initMeta(key: string, value: string): Promise<string>;
  /** Sets a value that follows the node's configuration (the witness policy), replacing the stored one. */
  setMeta(key: string, value: string): Promise<void>;
}

/** A party: an organisation (or unit) that sends or receives warnings; `id` is its STIX identity id. */
export interface PartyRow {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  /** The node holds the party's private key and signs for it (marked in every record it signs). */
  readonly custodial: boolean;
  /** The organisation this party is a unit of; undefined when it is its own organisation. */
  readonly organisationId?: string | undefined;
  readonly createdAt: string;
}

export interface PartyKeyRow {
  readonly partyId: string;
  /** 32 hex digits: the first 16 bytes of SHA-256 of the public key. */
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  readonly createdAt: string;
  /** Set when a newer key replaced this one: it no longer signs, but what it signed stays valid. */
  readonly retiredAt?: string | undefined;
}

export interface PartyTokenRow {
  readonly tokenHash: Uint8Array;
  readonly createdAt: string;
  readonly revokedAt?: string | undefined;
}

/** "client-of" (target: an organisation's party id) or "community" (target: a community name). */
export interface PartyRelationRow {
  readonly kind: "client-of" | "community";
  readonly partyId: string;
  readonly target: string;
}

export interface PartyStore {
  /** Creates a party with its first key and API token (hash only), atomically; PARTY_EXISTS on a taken slug or id. */
  insertParty(party: PartyRow, key: PartyKeyRow, tokenHash: Uint8Array): Promise<void>;
  /** By STIX id or slug. */
  getParty(idOrSlug: string): Promise<PartyRow | undefined>;
  listParties(): Promise<PartyRow[]>;
  partyKeys(partyId: string): Promise<PartyKeyRow[]>;
  /** Adds a key and retires every other active key of the party (rotation), atomically. */
  rotatePartyKey(key: PartyKeyRow): Promise<void>;
  /** The party owning an unrevoked API token with this SHA-256 hash. */
  partyForToken(tokenHash: Uint8Array): Promise<PartyRow | undefined>;
  addPartyToken(partyId: string, tokenHash: Uint8Array, createdAt: string): Promise<void>;
  /** Every token (hash) a party was given, revoked ones included, oldest first. */
  partyTokens(partyId: string): Promise<PartyTokenRow[]>;
  /** Marks a party's token revoked (authentication refuses it from then on); false when it has no such unrevoked token. */
  revokePartyToken(partyId: string, tokenHash: Uint8Array, revokedAt: string): Promise<boolean>;
  addPartyRelation(relation: PartyRelationRow): Promise<void>;
  listPartyRelations(): Promise<PartyRelationRow[]>;
}

/** A signed record as admitted, before the log assigns its index. */
export interface NewRecord {
  /** SHA-256 of the canonical JSON of the whole signed object: the record's identity. */
  readonly digest: Uint8Array;
  readonly id: string;
  readonly modified: string;
  readonly type: string;
  readonly kind: string;
  readonly author: string;
  /** The warning the record is about (a warning's own id for a warning). */
  readonly warningRef?: string | undefined;
  readonly loggedAt: string;
  readonly custodial: boolean;
  /** The canonical JSON of the signed object. */
  readonly body: string;
}

export interface StoredRecord extends NewRecord {
  readonly logIndex: number;
  readonly addedUs: number;
}

/**
 * A record row as a page of many reads it (a TAXII manifest): no digest (a BLOB, the costliest column
 * to read; `recordDigests` reads it apart, only for records whose TLP facts are not already known), no
 * logged_at, no custodial flag.
 */
export type RecordHead = Omit<StoredRecord, "digest" | "loggedAt" | "custodial">;

/**
 * Less again, for a page that serves the objects themselves (TAXII objects): what TLP decides on, the
 * body and where it stands in date_added. Each text column read is a string made (id, version and type
 * were ≈ 0.9 µs a row of a 1 000-object page that never used them, issue 16).
 */
export type RecordBody = Pick<StoredRecord, "logIndex" | "addedUs" | "kind" | "author" | "warningRef" | "body">;

export interface RecordQuery {
  readonly kind?: string;
  readonly type?: string;
  /** Only records with added_us greater than this. */
  readonly addedAfterUs?: number;
  readonly limit: number;
  /** Only these STIX ids (TAXII match[id]); an empty list matches nothing. */
  readonly ids?: readonly string[];
  /** Only these STIX types (TAXII match[type]); an empty list matches nothing. */
  readonly types?: readonly string[];
  /** Leave out versions deleted by a tombstone; `versions` then chooses among the live ones. */
  readonly live?: boolean;
  /** Which versions of each id (TAXII match[version]); absent means all. */
  readonly versions?: VersionSelector;
}

/** A union: a version is kept when any member selects it. */
export interface VersionSelector {
  readonly all?: boolean;
  /** The oldest `modified` of its id. */
  readonly first?: boolean;
  /** The newest `modified` of its id. */
  readonly last?: boolean;
  /** Exactly these `modified` strings. */
  readonly modified?: readonly string[];
}

/** A TAXII status resource, kept so clients can poll it (at least 24 h). */
export interface TaxiiStatusRow {
  /** The status id (a UUID). */
  readonly id: string;
  /** The party id that made the request: only it may read the status. */
  readonly owner: string;
  /** Milliseconds since the epoch. */
  readonly createdAtMs: number;
  /** The status resource as JSON. */
  readonly body: string;
}

export interface TaxiiStatusStore {
  /** Stores a status (replacing one with its id) and deletes those created before `pruneBeforeMs`. */
  saveTaxiiStatus(status: TaxiiStatusRow, pruneBeforeMs: number): Promise<void>;
  taxiiStatus(id: string): Promise<TaxiiStatusRow | undefined>;
}

export interface RecordStore {
  recordByDigest(digest: Uint8Array): Promise<StoredRecord | undefined>;
  /** Every stored version of a STIX id, oldest `modified` first. */
  recordVersions(id: string): Promise<StoredRecord[]>;
  /** {@link recordVersions} of several ids in one query (an admission batch): ordered by id, then `modified`. */
  recordVersionsOf(ids: readonly string[]): Promise<StoredRecord[]>;
  /** The warning's versions and every record about it, in log order. */
  recordsAbout(warningId: string): Promise<StoredRecord[]>;
  /** How many records `recordsAbout` would return (an index count: the next thread position). */
  countRecordsAbout(warningId: string): Promise<number>;
  /** {@link countRecordsAbout} of several warnings in one query; a warning with no record is absent. */
  countRecordsAboutEach(warningIds: readonly string[]): Promise<Map<string, number>>;
  /** Records in date_added order, filtered as the query says. */
  listRecords(query: RecordQuery): Promise<StoredRecord[]>;
  /** {@link listRecords} without the columns a page of many does not need ({@link RecordHead}). */
  listRecordHeads(query: RecordQuery): Promise<RecordHead[]>;
  /** {@link listRecords} with only the columns of a {@link RecordBody}. */
  listRecordBodies(query: RecordQuery): Promise<RecordBody[]>;
  /** The digests of the records stored at these log indexes (an index with no record is absent). */
  recordDigests(logIndexes: readonly number[]): Promise<Map<number, Uint8Array>>;
  /**
   * Records with a log index greater than `afterIndex`, in log order, at most `limit`; only records of
   * `kind` when given. How followers of the log (the escalator, the warning list) read what was
   * appended since their last position: one index range scan, whatever the size of the log.
   */
  recordsAfter(afterIndex: number, limit: number, kind?: string): Promise<StoredRecord[]>;
  /**
   * The largest date_added so far (0 when none), so the sequencer keeps it increasing across restarts;
   * with `types`, the largest among records of those STIX types only (one index seek per type: the key
   * ledger asks it before every admission whether a key record was logged since it last looked).
   */
  maxAddedUs(types?: readonly string[]): Promise<number>;
}

/** A tombstone row: the record version with this digest was deleted by the tombstone leaf at `logIndex`. */
export interface StoredTombstone {
  readonly digest: Uint8Array;
  readonly logIndex: number;
}

/** Reads by log position, so `log audit` can walk the records beside the leaves that log them. */
export interface RecordAuditStore {
  /** Record rows with start <= log_index < end, by log_index, at most `limit`. */
  recordsByLogIndex(start: number, end: number, limit: number): Promise<StoredRecord[]>;
  /** Tombstone rows with start <= log_index < end, by log_index, at most `limit`. */
  tombstonesByLogIndex(start: number, end: number, limit: number): Promise<StoredTombstone[]>;
  /** The tombstone row of a record version, if it was deleted. */
  tombstoneOf(digest: Uint8Array): Promise<StoredTombstone | undefined>;
}

/** A log this node witnesses (C2SP tlog-witness), with the latest checkpoint it cosigned. */
export interface WitnessedLogRow {
  readonly origin: string;
  /** The log's verifier key (signed-note vkey) the witness trusts for this origin. */
  readonly vkey: string;
  /** The size of the latest checkpoint cosigned; 0 while none was. */
  readonly size: number;
  /** Its root hash; empty (zero bytes) while none was cosigned. */
  readonly root: Uint8Array;
  /** The checkpoint note as submitted, kept as evidence of what was cosigned; undefined while none was. */
  readonly note?: string | undefined;
  readonly updatedAt: string;
}

/**
 * One compare-and-swap of a witnessed log's state (advanceWitnessedLog's arguments). `from` names the
 * log key too: a witness that checked a checkpoint against a key another process has since replaced
 * (`tocsin witness add-log`) must not cosign with it, however old its view of the state.
 */
export interface WitnessStateMove {
  readonly origin: string;
  readonly from: { readonly size: number; readonly root: Uint8Array; readonly vkey: string };
  readonly to: { readonly size: number; readonly root: Uint8Array; readonly note: string };
  readonly at: string;
}

export interface WitnessStore {
  /**
   * Several compare-and-swaps in one transaction (one commit, one fsync): each moves its log only from
   * its `from` state, as advanceWitnessedLog does; whether each moved, in order. A group commit for
   * witnesses under load; two moves of one log in one call: the second sees the first's result.
   */
  advanceWitnessedLogs(moves: readonly WitnessStateMove[]): Promise<boolean[]>;
  witnessedLog(origin: string): Promise<WitnessedLogRow | undefined>;
  witnessedLogs(): Promise<WitnessedLogRow[]>;
  /** Starts witnessing a log (never cosigned), or replaces the key of one already witnessed, keeping its state. */
  addWitnessedLog(origin: string, vkey: string, at: string): Promise<void>;
  /** Where the operator said a witnessed log answers (its /log/… routes), if they did. */
  witnessedLogUrl(origin: string): Promise<string | undefined>;
  /** Records (or replaces) where a witnessed log answers; the log must be witnessed. */
  setWitnessedLogUrl(origin: string, url: string, at: string): Promise<void>;
  /**
   * The witness's one state change, atomic in both engines (one conditional UPDATE): moves the log from
   * exactly `from` (size, root and log key) to `to`; false — and nothing changed — when another request
   * moved it (or a new log key replaced the one checked against) first.
   */
  advanceWitnessedLog(
    origin: string,
    from: { readonly size: number; readonly root: Uint8Array; readonly vkey: string },
    to: { readonly size: number; readonly root: Uint8Array; readonly note: string },
    at: string,
  ): Promise<boolean>;
}

/** A cosignature a witness returned for one of this node's checkpoints. */
export interface StoredCosignature {
  readonly size: number;
  /** The witness's verifier key (vkey), as configured. */
  readonly witness: string;
  /** The signature line ("— name base64…\n"). */
  readonly line: string;
  readonly createdAt: string;
}

export interface CosignatureStore {
  /** Keeps a witness's cosignature of the checkpoint of this size (a newer one from the same witness replaces it). */
  addCosignature(c: StoredCosignature): Promise<void>;
  /** The cosignatures collected for the checkpoint of this size, by witness. */
  cosignaturesAt(size: number): Promise<StoredCosignature[]>;
  /** The largest checkpoint size this witness cosigned (0 when none). */
  lastCosignedSize(witness: string): Promise<number>;
  /** The smallest cosigned checkpoint size above `index` (the first cosigned checkpoint holding that entry); undefined when none. */
  firstCosignedSizeAfter(index: number): Promise<number | undefined>;
  /** The largest checkpoint size with at least `quorum` cosignatures; undefined when none has. */
  latestCosignedSize(quorum: number): Promise<number | undefined>;
}

/** A split view this node detected (a witness alarm): the fork it is about and the record that proves it. */
export interface WitnessAlarmRow {
  /** The fork's identity (origin, both sizes and roots): one row per fork. */
  readonly forkKey: string;
  readonly origin: string;
  readonly recordId: string;
  /** The alarm record as built, before the node signed it (admitting it again logs the same record). */
  readonly body: string;
  /** Where the signed record is in this node's log; undefined until it is logged. */
  readonly logIndex: number | undefined;
  readonly detectedAt: string;
}

export interface WitnessAlarmStore {
  /** Claims a fork for one alarm; false when it was claimed before (by this process or another). */
  claimWitnessAlarm(row: Omit<WitnessAlarmRow, "logIndex">): Promise<boolean>;
  witnessAlarm(forkKey: string): Promise<WitnessAlarmRow | undefined>;
  setWitnessAlarmIndex(forkKey: string, logIndex: number): Promise<void>;
  witnessAlarms(): Promise<WitnessAlarmRow[]>;
}

/** A peer node, pinned on first use (docs/federation.md). */
export interface PeerRow {
  /** The peer's log origin (its checkpoints' first line). */
  readonly origin: string;
  /** Where the peer answers (its base URL, no trailing slash). */
  readonly url: string;
  /** The peer's log verifier key (signed-note vkey), pinned. */
  readonly vkey: string;
  /** The peer's own node party: the root of its key history. */
  readonly nodeParty: string;
  /** The peer's logged key records, verified: JSON `[{index, leaf, record}]` in its log order. */
  readonly keyHistory: string;
  /** The peer's checkpoint (signed note) the key history was proven in. */
  readonly checkpoint: string;
  readonly addedAt: string;
  readonly updatedAt: string;
}

export type DeliveryState = "queued" | "delivered" | "receipted" | "failed";

/** One record to deliver to one peer node, with where its delivery stands. */
export interface OutboxRow {
  readonly digest: Uint8Array;
  /** The peer's origin. */
  readonly peer: string;
  readonly recordId: string;
  readonly warningRef: string | undefined;
  readonly kind: string;
  /** The slug of the party whose TAXII inbox on the peer receives it. */
  readonly inbox: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  /** When the next attempt is due (ms since the epoch). */
  readonly nextAttemptMs: number;
  readonly lastError: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * A new state of one delivery (record digest and peer), decided by an attempt made from the state
 * `from`. The store moves the row only if it is still in that state: on a shared database, a process
 * that lost the lease mid-attempt, or a receipt that came back first, must not be overwritten by a
 * late outcome (a `receipted` row never goes back to `delivered`, a `delivered` one never to `failed`).
 */
export interface DeliveryChange {
  readonly digest: Uint8Array;
  readonly peer: string;
  readonly from: { readonly state: DeliveryState; readonly attempts: number };
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptMs: number;
  readonly lastError: string | undefined;
  readonly updatedAt: string;
}

/** A record received from a peer: its origin log's proof (the record row is in this node's log too). */
export interface ForeignRecordRow {
  readonly digest: Uint8Array;
  readonly origin: string;
  /** The record's leaf index and bytes in the origin log. */
  readonly originIndex: number;
  readonly originLeaf: Uint8Array;
  /** The inclusion proof (hex hashes) in the origin checkpoint of this size. */
  readonly size: number;
  readonly hashes: readonly string[];
  /** The origin's signed checkpoint (note) of that size. */
  readonly checkpoint: string;
  readonly receivedAt: string;
}

export interface FederationStore {
  peers(): Promise<PeerRow[]>;
  peer(origin: string): Promise<PeerRow | undefined>;
  /**
   * Pins a peer (or updates its URL, key history and checkpoint) and stores the local party rows that
   * stand for the parties it hosts (new ones only), in one transaction; PARTY_EXISTS when a slug or id is taken.
   */
  savePeer(peer: PeerRow, parties: readonly PartyRow[]): Promise<void>;
  /** Forgets a peer (its party rows stay: records name them). */
  removePeer(origin: string): Promise<boolean>;
  /** The peer (origin) hosting a party, if any. */
  peerOfParty(partyId: string): Promise<string | undefined>;
  peerParties(origin: string): Promise<string[]>;
  /** Queues deliveries (a row already there for that record and peer is kept as it is). */
  enqueueDeliveries(rows: readonly OutboxRow[]): Promise<void>;
  /** Deliveries due at `nowMs` (queued or failed and retried), oldest first, at most `limit`. */
  dueDeliveries(nowMs: number, limit: number): Promise<OutboxRow[]>;
  /** Sets deliveries' states, attempts, next attempts and last errors, in one transaction; a row no longer in its change's `from` state is left as it is. Whether each moved, in order. */
  updateDeliveries(changes: readonly DeliveryChange[]): Promise<boolean[]>;
  /**
   * Marks the delivered versions of a warning to a peer receipted (a receipt came back from it), and
   * the version the receipt names (`version`, its record digest) whatever its state: a receipt proves
   * that version arrived even when the sender never saw its delivery acknowledged (it crashed after
   * sending), so it is not sent again.
   */
  markReceipted(warningId: string, peer: string, at: string, version?: Uint8Array): Promise<void>;
  /** Deliveries, newest first: of one warning's thread, or all; at most `limit`. */
  deliveries(query: { warningId?: string | undefined; limit: number }): Promise<OutboxRow[]>;
  /** Keeps origin proofs (one already kept for a digest stays), in one transaction. */
  saveForeignRecords(rows: readonly ForeignRecordRow[]): Promise<void>;
  foreignRecord(digest: Uint8Array): Promise<ForeignRecordRow | undefined>;
  /** A follower's saved position in the log (-1 when none). */
  cursor(name: string): Promise<number>;
  setCursor(name: string, position: number): Promise<void>;
}

/** When to look at one warning (or determination) again: a row of a deadline queue. */
export interface DeadlineRow {
  readonly key: string;
  /** Milliseconds since the epoch. */
  readonly dueMs: number;
}

/**
 * A change to a deadline queue: `earliest` schedules the key at that instant unless it is already due
 * at or before it; `from`/`to` moves it after a look (to the next instant, or out of the queue when
 * `to` is undefined), only if it is still at `from` — a move made on a stale view changes nothing.
 */
export type DeadlineChange = { readonly key: string; readonly earliest: number } | { readonly key: string; readonly from: number; readonly to: number | undefined };

/**
 * The deadline index (schema version 8): per queue, the next instant to look at each key. It is
 * derived from the log by a follower whose log position is saved with the rows it derived.
 */
export interface DeadlineStore {
  /** The `limit` earliest rows of a queue, by instant then key. */
  earliestDeadlines(queue: string, limit: number): Promise<DeadlineRow[]>;
  /** Applies the changes in order and sets the cursors (followers' positions), in one transaction. */
  saveDeadlines(queue: string, changes: readonly DeadlineChange[], cursors: ReadonlyMap<string, number>): Promise<void>;
}

/** A notification that is not a log record (a deadline about to pass, a failed delivery), for one party. */
export interface NewNotice {
  /** Makes the notice exactly once: a second notice with the same key is ignored. */
  readonly key: string;
  readonly partyId: string;
  /** An event type of src/core/notify (e.g. "deadline", "delivery-failed"). */
  readonly type: string;
  /** RFC 3339. */
  readonly at: string;
  readonly warningId?: string | undefined;
  readonly recordId?: string | undefined;
  readonly summary: string;
}

export interface StoredNotice extends NewNotice {
  /** Its position among notices: 1, 2, …, visible in this order on every engine. */
  readonly seq: number;
}

export interface NoticeStore {
  /** Stores a notice under the next number; false (nothing written) when its key was stored already. */
  addNotice(n: NewNotice): Promise<boolean>;
  /** The party's notices numbered after `afterSeq`, in order, at most `limit`. */
  noticesAfter(partyId: string, afterSeq: number, limit: number): Promise<StoredNotice[]>;
  /** The highest notice number (0 when none). */
  maxNoticeSeq(): Promise<number>;
}

/** A party's webhook endpoint. */
export interface WebhookRow {
  readonly id: string;
  readonly partyId: string;
  readonly url: string;
  /** The event types it wants (every type when empty). */
  readonly events: readonly string[];
  /** The signing secret (Standard Webhooks `whsec_…`). */
  readonly secret: string;
  readonly createdAt: string;
  /** The event id up to which its events were queued. */
  readonly cursor: string;
}

export type WebhookDeliveryState = "queued" | "delivered" | "failed";

/** One event for one endpoint: the durable queue entry and its delivery log. */
export interface WebhookDeliveryRow {
  /** The message id (`webhook-id`), the same on every retry. */
  readonly id: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly type: string;
  /** The JSON body sent. */
  readonly payload: string;
  readonly state: WebhookDeliveryState;
  readonly attempts: number;
  /** When the next attempt is due (ms since the epoch). */
  readonly nextMs: number;
  readonly lastStatus?: number | undefined;
  readonly lastError?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookStore {
  insertWebhook(w: WebhookRow): Promise<void>;
  webhook(id: string): Promise<WebhookRow | undefined>;
  /** A party's endpoints, oldest first. */
  webhooksOf(partyId: string): Promise<WebhookRow[]>;
  allWebhooks(): Promise<WebhookRow[]>;
  /** Removes an endpoint and its deliveries; false when the party has no such endpoint. */
  removeWebhook(id: string, partyId: string): Promise<boolean>;
  /**
   * Queues deliveries and moves the endpoint's cursor from `from` to `to`, atomically; false (nothing
   * queued) when the cursor was not `from` any more (the endpoint was removed, or another process queued).
   */
  queueDeliveries(webhookId: string, from: string, to: string, deliveries: readonly WebhookDeliveryRow[]): Promise<boolean>;
  /** Queued deliveries due at `nowMs`, oldest due first, at most `limit`. */
  dueWebhookDeliveries(nowMs: number, limit: number): Promise<WebhookDeliveryRow[]>;
  /** Records an attempt's outcome. */
  updateWebhookDelivery(id: string, d: Pick<WebhookDeliveryRow, "state" | "attempts" | "nextMs" | "lastStatus" | "lastError" | "updatedAt">): Promise<void>;
  /** An endpoint's deliveries, newest first, at most `limit`. */
  webhookDeliveriesOf(webhookId: string, limit: number): Promise<WebhookDeliveryRow[]>;
}
