import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { nodeKey, type NodeId } from "../../core/merkle/node-id.js";
import { StoreError } from "../store-errors.js";
import type {
  AppendBatch,
  Lease,
  LogLeaf,
  PartyKeyRow,
  PartyRelationRow,
  PartyTokenRow,
  PartyRow,
  RecordQuery,
  Store,
  StoredCheckpoint,
  StoredNode,
  StoredRecord,
  StoredTombstone,
  TaxiiStatusRow,
} from "../store.js";
import { SQLITE_MIGRATIONS } from "./migrations.js";

type Row = Record<string, unknown>;
const bytes = (v: unknown): Uint8Array => v as Uint8Array;

/**
 * The embedded engine: one SQLite file in WAL mode with synchronous=FULL, so a commit is on disk
 * (the WAL fsynced) before `appendBatch` resolves — an acknowledged append survives kill -9 and power
 * loss. better-sqlite3 is synchronous; the async interface is honoured by resolving after the work.
 */
export class SqliteStore implements Store {
  readonly engine = "sqlite" as const;
  /** One process owns the file (the sequencer holds it); nothing else writes to it. */
  readonly sharedByProcesses = false;
  readonly #db: Database.Database;
  readonly #stmt: ReturnType<typeof prepare>;
  readonly #append: Database.Transaction<(batch: AppendBatch) => void>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#stmt = prepare(db);
    this.#append = db.transaction((batch: AppendBatch) => this.#appendInTx(batch));
  }

  /** Opens (creating if needed) the database file and migrates it to the latest schema. */
  static open(path: string, options: { readonly?: boolean } = {}): SqliteStore {
    if (path !== ":memory:" && !options.readonly) mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (cause) {
      throw new StoreError("STORE_UNAVAILABLE", `cannot open SQLite database ${path}`, { cause });
    }
    if (!options.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
    }
    // Another process (a reader, or the sequencer while `log audit` runs) may hold the write lock
    // briefly; wait for it rather than failing.
    db.pragma("busy_timeout = 10000");
    migrate(db, options.readonly ?? false);
    return new SqliteStore(db);
  }

  /** Migrates the file to the latest schema (`tocsin migrate`); returns the versions before and after. */
  static migrate(path: string): { from: number; to: number } {
    const db = new Database(path, { fileMustExist: true });
    try {
      db.pragma("busy_timeout = 10000");
      return migrate(db, false);
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async logSize(): Promise<number> {
    return (this.#stmt.headSize.get() as { size: number }).size;
  }

  async getLeaves(start: number, count: number): Promise<LogLeaf[]> {
    return (this.#stmt.leaves.raw().all(start, start + count) as [number, Uint8Array, Uint8Array][]).map(([index, data, hash]) => ({ index, data, hash }));
  }

  async getNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    // One statement per table for the whole set: a proof's ~30 point reads cost one query's overhead.
    const out = new Map<string, Uint8Array>();
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const nodes = ids.filter((id) => id.level > 0).flatMap((id) => [id.level, id.index]);
    if (leaves.length > 0) {
      for (const [idx, hash] of this.#leafHashesIn(leaves.length).raw().all(...leaves) as [number, Uint8Array][]) out.set(nodeKey(0, idx), hash);
    }
    if (nodes.length > 0) {
      for (const [level, idx, hash] of this.#nodesIn(nodes.length / 2).raw().all(...nodes) as [number, number, Uint8Array][]) {
        out.set(nodeKey(level, idx), hash);
      }
    }
    return out;
  }

  readonly #inCache = new Map<string, Database.Statement>();

  #leafHashesIn(n: number): Database.Statement {
    return this.#cachedIn(`l${n}`, () => `SELECT idx, hash FROM log_leaf WHERE idx IN (${Array(n).fill("?").join(",")})`);
  }

  #nodesIn(n: number): Database.Statement {
    return this.#cachedIn(`n${n}`, () => `SELECT level, idx, hash FROM log_node WHERE (level, idx) IN (VALUES ${Array(n).fill("(?,?)").join(",")})`);
  }

  #cachedIn(key: string, sql: () => string): Database.Statement {
    let s = this.#inCache.get(key);
    if (!s) {
      // Statements for large sets are built on demand and not kept: proofs need at most ~130 nodes.
      s = this.#db.prepare(sql());
      if (this.#inCache.size < 512) this.#inCache.set(key, s);
    }
    return s;
  }

  async getNodeRange(level: number, start: number, count: number): Promise<StoredNode[]> {
    const rows = (level === 0 ? this.#stmt.leafHashRange.raw().all(start, start + count) : this.#stmt.nodeRange.raw().all(level, start, start + count)) as [number, Uint8Array][];
    return rows.map(([index, hash]) => ({ level, index, hash }));
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return toCheckpoint(this.#stmt.latestCheckpoint.get() as Row | undefined);
  }

  async listCheckpoints(after: number, limit: number): Promise<StoredCheckpoint[]> {
    return (this.#stmt.checkpoints.all(after, limit) as Row[]).map((r) => toCheckpoint(r)!);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return toCheckpoint(this.#stmt.checkpointAt.get(size) as Row | undefined);
  }

  async acquireLease(holder: string, ttlMs: number, nowMs: number, isDead?: (holder: string) => boolean): Promise<Lease | undefined> {
    return this.#db.transaction((): Lease | undefined => {
      const head = this.#stmt.head.get() as Row;
      const current = head.lease_holder as string | null;
      const free = current === null || (head.lease_expires_at as number) <= nowMs || (isDead?.(current) ?? false);
      if (current !== holder && !free) return undefined;
      const epoch = current === holder ? (head.lease_epoch as number) : (head.lease_epoch as number) + 1;
      this.#stmt.setLease.run(holder, epoch, nowMs + ttlMs);
      return { holder, epoch, expiresAt: nowMs + ttlMs };
    }).immediate();
  }

  async renewLease(holder: string, epoch: number, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    const r = this.#stmt.renewLease.run(nowMs + ttlMs, holder, epoch);
    return r.changes === 1 ? { holder, epoch, expiresAt: nowMs + ttlMs } : undefined;
  }

  async releaseLease(holder: string, epoch: number): Promise<void> {
    this.#stmt.releaseLease.run(holder, epoch);
  }

  async currentLease(): Promise<Lease | undefined> {
    const head = this.#stmt.head.get() as Row;
    if (head.lease_holder === null) return undefined;
    return { holder: head.lease_holder as string, epoch: head.lease_epoch as number, expiresAt: head.lease_expires_at as number };
  }

  async appendBatch(batch: AppendBatch): Promise<void> {
    this.#append.immediate(batch);
  }

  #appendInTx(batch: AppendBatch): void {
    const newSize = batch.startIndex + batch.leaves.length;
    // Fencing: the head moves only from the size this writer believes in, and only under its epoch.
    const moved = this.#stmt.advanceHead.run(newSize, batch.startIndex, batch.epoch);
    if (moved.changes !== 1) {
      throw new StoreError("STORE_FENCED", "the log's writer lease or size changed under this writer");
    }
    let index = batch.startIndex;
    for (const leaf of batch.leaves) {
      const r = leaf.record;
      if (r) {
        this.#stmt.insertRecord.run(
          r.digest, r.id, r.modified, r.type, r.kind, r.author, r.warningRef ?? null,
          index, r.loggedAt, leaf.addedUs, r.custodial ? 1 : 0, r.body,
        );
      }
      if (leaf.tombstone) this.#stmt.insertTombstone.run(leaf.tombstone, index);
      this.#stmt.insertLeaf.run(index++, leaf.data, leaf.hash);
    }
    for (const n of batch.nodes) this.#stmt.insertNode.run(n.level, n.index, n.hash);
    const c = batch.checkpoint;
    if (c) this.#stmt.insertCheckpoint.run(c.size, c.root, c.note, c.createdAt);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (this.#stmt.getMeta.get(key) as Row | undefined)?.value as string | undefined;
  }

  async initMeta(key: string, value: string): Promise<string> {
    this.#stmt.initMeta.run(key, value);
    return (await this.getMeta(key))!;
  }

  async insertParty(party: PartyRow, key: PartyKeyRow, tokenHash: Uint8Array): Promise<void> {
    this.#db.transaction(() => {
      if (this.#stmt.partyByIdOrSlug.get(party.id, party.slug)) {
        throw new StoreError("PARTY_EXISTS", `a party with slug ${party.slug} or id ${party.id} exists`);
      }
      this.#stmt.insertParty.run(party.id, party.slug, party.name, party.custodial ? 1 : 0, party.organisationId ?? null, party.createdAt);
      this.#stmt.insertKey.run(key.partyId, key.keyId, key.publicKey, key.createdAt, key.retiredAt ?? null);
      this.#stmt.insertToken.run(tokenHash, party.id, party.createdAt);
    }).immediate();
  }

  async getParty(idOrSlug: string): Promise<PartyRow | undefined> {
    return toParty(this.#stmt.partyByIdOrSlug.get(idOrSlug, idOrSlug) as Row | undefined);
  }

  async listParties(): Promise<PartyRow[]> {
    return (this.#stmt.parties.all() as Row[]).map((r) => toParty(r)!);
  }

  async partyKeys(partyId: string): Promise<PartyKeyRow[]> {
    return (this.#stmt.keysOf.all(partyId) as Row[]).map((r) => ({
      partyId: r.party_id as string,
      keyId: r.key_id as string,
      publicKey: bytes(r.public_key),
      createdAt: r.created_at as string,
      retiredAt: (r.retired_at as string | null) ?? undefined,
    }));
  }

  async rotatePartyKey(key: PartyKeyRow): Promise<void> {
    this.#db.transaction(() => {
      this.#stmt.retireKeys.run(key.createdAt, key.partyId);
      this.#stmt.insertKey.run(key.partyId, key.keyId, key.publicKey, key.createdAt, null);
    }).immediate();
  }

  async partyForToken(tokenHash: Uint8Array): Promise<PartyRow | undefined> {
    return toParty(this.#stmt.partyByToken.get(tokenHash) as Row | undefined);
  }

  async addPartyToken(partyId: string, tokenHash: Uint8Array, createdAt: string): Promise<void> {
    this.#stmt.insertToken.run(tokenHash, partyId, createdAt);
  }

  async partyTokens(partyId: string): Promise<PartyTokenRow[]> {
    return (this.#stmt.tokensOf.all(partyId) as Row[]).map((r) => ({
      tokenHash: bytes(r.token_hash),
      createdAt: r.created_at as string,
      revokedAt: (r.revoked_at as string | null) ?? undefined,
    }));
  }

  async revokePartyToken(partyId: string, tokenHash: Uint8Array, revokedAt: string): Promise<boolean> {
    return this.#stmt.revokeToken.run(revokedAt, tokenHash, partyId).changes > 0;
  }

  async addPartyRelation(rel: PartyRelationRow): Promise<void> {
    this.#stmt.insertRelation.run(rel.kind, rel.partyId, rel.target);
  }

  async listPartyRelations(): Promise<PartyRelationRow[]> {
    return (this.#stmt.relations.all() as Row[]).map((r) => ({
      kind: r.kind as PartyRelationRow["kind"],
      partyId: r.party_id as string,
      target: r.target as string,
    }));
  }

  async recordByDigest(digest: Uint8Array): Promise<StoredRecord | undefined> {
    return toRecord(this.#stmt.recordByDigest.get(digest) as Row | undefined);
  }

  async recordVersions(id: string): Promise<StoredRecord[]> {
    return (this.#stmt.recordVersions.all(id) as Row[]).map((r) => toRecord(r)!);
  }

  async recordsAbout(warningId: string): Promise<StoredRecord[]> {
    return (this.#stmt.recordsAbout.all(warningId) as Row[]).map((r) => toRecord(r)!);
  }

  async countRecordsAbout(warningId: string): Promise<number> {
    return (this.#stmt.countRecordsAbout.get(warningId) as Row).n as number;
  }

  async listRecords(q: RecordQuery): Promise<StoredRecord[]> {
    const base = { after: q.addedAfterUs ?? -1, kind: q.kind ?? null, type: q.type ?? null, limit: q.limit };
    if (q.ids === undefined && q.types === undefined && q.live === undefined && q.versions === undefined) {
      return (this.#stmt.listRecords.all(base) as Row[]).map((r) => toRecord(r)!);
    }
    if (q.ids?.length === 0 || q.types?.length === 0) return [];
    const v = q.versions;
    const anyVersion = v === undefined || v.all === true;
    const params: Record<string, unknown> = { ...base };
    if (q.ids) params.ids = JSON.stringify(q.ids);
    if (q.types) params.types = JSON.stringify(q.types);
    if (!anyVersion && v.modified) params.modified = JSON.stringify(v.modified);
    const shape = [q.ids ? "i" : "", q.types ? "t" : "", q.live ? "l" : "", anyVersion ? "a" : `${v.first ? "f" : ""}${v.last ? "z" : ""}${v.modified ? "m" : ""}`].join("");
    const stmt = this.#cachedIn(`q${shape}`, () => taxiiQuerySql(q.ids !== undefined, q.types !== undefined, q.live === true, anyVersion ? undefined : v));
    return (stmt.all(params) as Row[]).map((r) => toRecord(r)!);
  }

  async recordsAfter(afterIndex: number, limit: number, kind?: string): Promise<StoredRecord[]> {
    const rows = kind === undefined ? this.#stmt.recordsAfter.all(afterIndex, limit) : this.#stmt.recordsOfKindAfter.all(kind, afterIndex, limit);
    return (rows as Row[]).map((r) => toRecord(r)!);
  }

  async saveTaxiiStatus(status: TaxiiStatusRow, pruneBeforeMs: number): Promise<void> {
    this.#db.transaction(() => {
      this.#stmt.pruneStatuses.run(pruneBeforeMs);
      this.#stmt.saveStatus.run(status.id, status.owner, status.createdAtMs, status.body);
    }).immediate();
  }

  async taxiiStatus(id: string): Promise<TaxiiStatusRow | undefined> {
    const r = this.#stmt.status.get(id) as Row | undefined;
    return r ? { id: r.id as string, owner: r.owner as string, createdAtMs: r.created_ms as number, body: r.body as string } : undefined;
  }

  async maxAddedUs(): Promise<number> {
    return ((this.#stmt.maxAddedUs.get() as Row).m as number | null) ?? 0;
  }

  async recordsByLogIndex(start: number, end: number, limit: number): Promise<StoredRecord[]> {
    return (this.#stmt.recordsByLogIndex.all(start, end, limit) as Row[]).map((r) => toRecord(r)!);
  }

  async tombstonesByLogIndex(start: number, end: number, limit: number): Promise<StoredTombstone[]> {
    return (this.#stmt.tombstonesByLogIndex.all(start, end, limit) as Row[]).map((r) => ({ digest: bytes(r.digest), logIndex: r.log_index as number }));
  }

  async tombstoneOf(digest: Uint8Array): Promise<StoredTombstone | undefined> {
    const r = this.#stmt.tombstoneOf.get(digest) as Row | undefined;
    return r ? { digest: bytes(r.digest), logIndex: r.log_index as number } : undefined;
  }

  /** For tests that corrupt the file on purpose and for `log audit`: the raw database. */
  get database(): Database.Database {
    return this.#db;
  }
}

function prepare(db: Database.Database) {
  return {
    head: db.prepare("SELECT size, lease_holder, lease_epoch, lease_expires_at FROM log_head WHERE id = 1"),
    headSize: db.prepare("SELECT size FROM log_head WHERE id = 1"),
    leaves: db.prepare("SELECT idx, data, hash FROM log_leaf WHERE idx >= ? AND idx < ? ORDER BY idx"),
    leafHashRange: db.prepare("SELECT idx, hash FROM log_leaf WHERE idx >= ? AND idx < ? ORDER BY idx"),
    nodeRange: db.prepare("SELECT idx, hash FROM log_node WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx"),
    latestCheckpoint: db.prepare("SELECT size, root, note, created_at FROM log_checkpoint ORDER BY size DESC LIMIT 1"),
    checkpoints: db.prepare("SELECT size, root, note, created_at FROM log_checkpoint WHERE size > ? ORDER BY size LIMIT ?"),
    checkpointAt: db.prepare("SELECT size, root, note, created_at FROM log_checkpoint WHERE size = ?"),
    setLease: db.prepare("UPDATE log_head SET lease_holder = ?, lease_epoch = ?, lease_expires_at = ? WHERE id = 1"),
    renewLease: db.prepare("UPDATE log_head SET lease_expires_at = ? WHERE id = 1 AND lease_holder = ? AND lease_epoch = ?"),
    releaseLease: db.prepare("UPDATE log_head SET lease_holder = NULL, lease_expires_at = 0 WHERE id = 1 AND lease_holder = ? AND lease_epoch = ?"),
    advanceHead: db.prepare("UPDATE log_head SET size = ? WHERE id = 1 AND size = ? AND lease_epoch = ?"),
    insertLeaf: db.prepare("INSERT INTO log_leaf (idx, data, hash) VALUES (?, ?, ?)"),
    insertNode: db.prepare("INSERT INTO log_node (level, idx, hash) VALUES (?, ?, ?)"),
    insertCheckpoint: db.prepare("INSERT INTO log_checkpoint (size, root, note, created_at) VALUES (?, ?, ?, ?)"),
    getMeta: db.prepare("SELECT value FROM meta WHERE key = ?"),
    insertParty: db.prepare("INSERT INTO party (id, slug, name, custodial, organisation_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
    partyByIdOrSlug: db.prepare("SELECT * FROM party WHERE id = ? OR slug = ?"),
    parties: db.prepare("SELECT * FROM party ORDER BY created_at, slug"),
    insertKey: db.prepare("INSERT INTO party_key (party_id, key_id, public_key, created_at, retired_at) VALUES (?, ?, ?, ?, ?)"),
    keysOf: db.prepare("SELECT * FROM party_key WHERE party_id = ? ORDER BY created_at, retired_at IS NULL, key_id"),
    retireKeys: db.prepare("UPDATE party_key SET retired_at = ? WHERE party_id = ? AND retired_at IS NULL"),
    insertToken: db.prepare("INSERT INTO party_token (token_hash, party_id, created_at) VALUES (?, ?, ?)"),
    tokensOf: db.prepare("SELECT * FROM party_token WHERE party_id = ? ORDER BY created_at, token_hash"),
    revokeToken: db.prepare("UPDATE party_token SET revoked_at = ? WHERE token_hash = ? AND party_id = ? AND revoked_at IS NULL"),
    partyByToken: db.prepare("SELECT p.* FROM party_token t JOIN party p ON p.id = t.party_id WHERE t.token_hash = ? AND t.revoked_at IS NULL"),
    insertRelation: db.prepare("INSERT INTO party_relation (kind, party_id, target) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
    relations: db.prepare("SELECT * FROM party_relation ORDER BY kind, party_id, target"),
    insertRecord: db.prepare(
      "INSERT INTO record (digest, id, modified, type, kind, author, warning_ref, log_index, logged_at, added_us, custodial, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    recordByDigest: db.prepare("SELECT * FROM record WHERE digest = ?"),
    recordVersions: db.prepare("SELECT * FROM record WHERE id = ? ORDER BY modified"),
    recordsAbout: db.prepare("SELECT * FROM record WHERE warning_ref = ? ORDER BY log_index"),
    countRecordsAbout: db.prepare("SELECT COUNT(*) AS n FROM record WHERE warning_ref = ?"),
    listRecords: db.prepare(
      "SELECT * FROM record WHERE added_us > @after AND (@kind IS NULL OR kind = @kind) AND (@type IS NULL OR type = @type) ORDER BY added_us LIMIT @limit",
    ),
    maxAddedUs: db.prepare("SELECT MAX(added_us) AS m FROM record"),
    recordsByLogIndex: db.prepare("SELECT * FROM record WHERE log_index >= ? AND log_index < ? ORDER BY log_index LIMIT ?"),
    tombstonesByLogIndex: db.prepare("SELECT digest, log_index FROM record_tombstone WHERE log_index >= ? AND log_index < ? ORDER BY log_index LIMIT ?"),
    tombstoneOf: db.prepare("SELECT digest, log_index FROM record_tombstone WHERE digest = ?"),
    recordsAfter: db.prepare("SELECT * FROM record WHERE log_index > ? ORDER BY log_index LIMIT ?"),
    recordsOfKindAfter: db.prepare("SELECT * FROM record WHERE kind = ? AND log_index > ? ORDER BY log_index LIMIT ?"),
    insertTombstone: db.prepare("INSERT INTO record_tombstone (digest, log_index) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING"),
    pruneStatuses: db.prepare("DELETE FROM taxii_status WHERE created_ms < ?"),
    saveStatus: db.prepare("INSERT OR REPLACE INTO taxii_status (id, owner, created_ms, body) VALUES (?, ?, ?, ?)"),
    status: db.prepare("SELECT * FROM taxii_status WHERE id = ?"),
    initMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
  };
}

/**
 * The SQL of a filtered record query (TAXII objects, manifest, versions). Lists travel as one JSON
 * parameter each (json_each), so one prepared statement serves every list length. first/last are
 * decided with the (id, modified) index, among live versions when tombstoned ones are left out.
 */
function taxiiQuerySql(ids: boolean, types: boolean, live: boolean, v: RecordQuery["versions"]): string {
  const notDeleted = (alias: string) => `NOT EXISTS (SELECT 1 FROM record_tombstone t WHERE t.digest = ${alias}.digest)`;
  const where = ["r.added_us > @after", "(@kind IS NULL OR r.kind = @kind)", "(@type IS NULL OR r.type = @type)"];
  if (ids) where.push("r.id IN (SELECT value FROM json_each(@ids))");
  if (types) where.push("r.type IN (SELECT value FROM json_each(@types))");
  if (live) where.push(notDeleted("r"));
  if (v) {
    const edge = (op: string) => `NOT EXISTS (SELECT 1 FROM record o WHERE o.id = r.id AND o.modified ${op} r.modified${live ? ` AND ${notDeleted("o")}` : ""})`;
    const any = [];
    if (v.first) any.push(edge("<"));
    if (v.last) any.push(edge(">"));
    if (v.modified) any.push("r.modified IN (SELECT value FROM json_each(@modified))");
    where.push(any.length === 0 ? "0" : `(${any.join(" OR ")})`);
  }
  return `SELECT r.* FROM record r WHERE ${where.join(" AND ")} ORDER BY r.added_us LIMIT @limit`;
}

function toParty(r: Row | undefined): PartyRow | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    slug: r.slug as string,
    name: r.name as string,
    custodial: r.custodial === 1,
    organisationId: (r.organisation_id as string | null) ?? undefined,
    createdAt: r.created_at as string,
  };
}

function toRecord(r: Row | undefined): StoredRecord | undefined {
  if (!r) return undefined;
  return {
    digest: bytes(r.digest),
    id: r.id as string,
    modified: r.modified as string,
    type: r.type as string,
    kind: r.kind as string,
    author: r.author as string,
    warningRef: (r.warning_ref as string | null) ?? undefined,
    loggedAt: r.logged_at as string,
    custodial: r.custodial === 1,
    body: r.body as string,
    logIndex: r.log_index as number,
    addedUs: r.added_us as number,
  };
}

function toCheckpoint(r: Row | undefined): StoredCheckpoint | undefined {
  if (!r) return undefined;
  return { size: r.size as number, root: bytes(r.root), note: r.note as string, createdAt: r.created_at as string };
}

export const SQLITE_LATEST_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;

/** Applies the missing versions up to `target` (default latest) in one immediate transaction. */
function migrate(db: Database.Database, readonly: boolean, target = SQLITE_LATEST_VERSION): { from: number; to: number } {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = SQLITE_LATEST_VERSION;
  if (current > latest) {
    throw new StoreError("STORE_SCHEMA_TOO_NEW", `database schema ${current} is newer than this Tocsin (${latest})`);
  }
  if (current >= target || readonly) return { from: current, to: current };
  db.transaction(() => {
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return { from: current, to: db.pragma("user_version", { simple: true }) as number };
}
