import pg from "pg";
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
import { PG_MIGRATIONS } from "./migrations.js";

type Row = Record<string, unknown>;
type Queryable = pg.Pool | pg.PoolClient;

export const PG_LATEST_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

/** Any fixed number: every Tocsin process migrating one database takes this advisory lock first. */
const MIGRATION_LOCK = 0x70c5_1e01;

/**
 * BIGINT columns come back as JavaScript numbers (node-postgres returns strings by default, for
 * values past 2^53; indices and microsecond timestamps stay far below that). Per pool, not global.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
};

export interface PgStoreOptions {
  /** Connections in the pool (default 8): the sequencer's appends, readers, the lease renewal. */
  readonly poolSize?: number;
  /** Migrate only up to this version (tests of the migration path); default: the latest. */
  readonly targetVersion?: number;
}

/** node-postgres sends a Buffer as bytea; a plain Uint8Array is wrapped without copying. */
const buf = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * The server engine: the same tables as the SQLite engine on PostgreSQL, through a node-postgres pool.
 *
 * Durability: every session runs with synchronous_commit=on, so a commit returns only after the WAL is
 * flushed — an acknowledged append survives kill -9 of any process and a crash of the server.
 *
 * Fencing: `appendBatch` is one statement (APPEND_SQL) that first updates the single `log_head` row
 * under the writer's epoch and expected size. That UPDATE takes the row lock, so appends (and lease
 * changes) are serialised; under READ COMMITTED a concurrent lease takeover that committed first is
 * re-checked against the WHERE clause, so a paused old leader's batch matches no row, inserts nothing
 * and is refused (STORE_FENCED). Lease changes take the same row lock (SELECT … FOR UPDATE).
 *
 * Structure for porting: one method per interface method, SQL inline, rows mapped by the to*()
 * helpers at the bottom — a new Store method is one query here and one in sqlite-store.ts.
 */
export class PgStore implements Store {
  readonly engine = "postgres" as const;
  /** Any number of processes of one node may share the database. */
  readonly sharedByProcesses = true;
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects and migrates the database to the latest schema (or `targetVersion`). */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const pool = createPool(url, options.poolSize ?? 8);
    try {
      await migratePg(pool, options.targetVersion);
    } catch (e) {
      await pool.end().catch(() => undefined);
      if (e instanceof StoreError) throw e;
      throw new StoreError("STORE_UNAVAILABLE", `cannot open PostgreSQL database ${redactUrl(url)}: ${(e as Error).message}`, { cause: e });
    }
    return new PgStore(pool);
  }

  /** Migrates without keeping a store open; returns the schema versions before and after. */
  static async migrate(url: string, targetVersion?: number): Promise<{ from: number; to: number }> {
    const pool = createPool(url, 1);
    try {
      return await migratePg(pool, targetVersion);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError("STORE_UNAVAILABLE", `cannot migrate PostgreSQL database ${redactUrl(url)}: ${(e as Error).message}`, { cause: e });
    } finally {
      await pool.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** For tests and tools that need raw SQL (the migration test, export). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  async #rows(sql: string, values: unknown[] = [], name?: string, on: Queryable = this.#pool): Promise<Row[]> {
    return (await on.query<Row>(name ? { name, text: sql, values } : { text: sql, values })).rows;
  }

  /** Runs `fn` in one transaction on one connection; rolls back on any error. */
  async #tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.#pool.connect();
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async logSize(): Promise<number> {
    return (await this.#rows("SELECT size FROM log_head WHERE id = 1", [], "head-size"))[0]!.size as number;
  }

  async getLeaves(start: number, count: number): Promise<LogLeaf[]> {
    const rows = await this.#rows("SELECT idx, data, hash FROM log_leaf WHERE idx >= $1 AND idx < $2 ORDER BY idx", [start, start + count], "leaves");
    return rows.map((r) => ({ index: r.idx as number, data: r.data as Uint8Array, hash: r.hash as Uint8Array }));
  }

  async getNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    // One round trip for the whole set (a proof's ~30 point reads), leaves and interior nodes together.
    const out = new Map<string, Uint8Array>();
    if (ids.length === 0) return out;
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const nodes = ids.filter((id) => id.level > 0);
    const sql = `SELECT 0 AS level, idx, hash FROM log_leaf WHERE idx = ANY($1::bigint[])
                 UNION ALL
                 SELECT n.level, n.idx, n.hash FROM log_node n JOIN unnest($2::smallint[], $3::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx`;
    for (const r of await this.#rows(sql, [leaves, nodes.map((n) => n.level), nodes.map((n) => n.index)], "nodes-in")) {
      out.set(nodeKey(r.level as number, r.idx as number), r.hash as Uint8Array);
    }
    return out;
  }

  async getNodeRange(level: number, start: number, count: number): Promise<StoredNode[]> {
    const rows =
      level === 0
        ? await this.#rows("SELECT idx, hash FROM log_leaf WHERE idx >= $1 AND idx < $2 ORDER BY idx", [start, start + count], "leaf-hash-range")
        : await this.#rows("SELECT idx, hash FROM log_node WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx", [level, start, start + count], "node-range");
    return rows.map((r) => ({ level, index: r.idx as number, hash: r.hash as Uint8Array }));
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return toCheckpoint((await this.#rows("SELECT size, root, note, created_at FROM log_checkpoint ORDER BY size DESC LIMIT 1", [], "latest-cp"))[0]);
  }

  async listCheckpoints(after: number, limit: number): Promise<StoredCheckpoint[]> {
    const rows = await this.#rows("SELECT size, root, note, created_at FROM log_checkpoint WHERE size > $1 ORDER BY size LIMIT $2", [after, limit], "cps");
    return rows.map((r) => toCheckpoint(r)!);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return toCheckpoint((await this.#rows("SELECT size, root, note, created_at FROM log_checkpoint WHERE size = $1", [size], "cp-at"))[0]);
  }

  async acquireLease(holder: string, ttlMs: number, nowMs: number, isDead?: (holder: string) => boolean): Promise<Lease | undefined> {
    // Followers ask several times a second: answer "taken" from a plain read when the lease is
    // clearly live and someone else's, without queueing for the head row's lock behind appends.
    const seen = await this.currentLease();
    if (seen && seen.holder !== holder && seen.expiresAt > nowMs && !(isDead?.(seen.holder) ?? false)) return undefined;
    return this.#tx(async (c) => {
      const head = (await this.#rows("SELECT lease_holder, lease_epoch, lease_expires_at FROM log_head WHERE id = 1 FOR UPDATE", [], "head-lock", c))[0]!;
      const current = head.lease_holder as string | null;
      const free = current === null || (head.lease_expires_at as number) <= nowMs || (isDead?.(current) ?? false);
      if (current !== holder && !free) return undefined;
      const epoch = current === holder ? (head.lease_epoch as number) : (head.lease_epoch as number) + 1;
      await c.query("UPDATE log_head SET lease_holder = $1, lease_epoch = $2, lease_expires_at = $3 WHERE id = 1", [holder, epoch, nowMs + ttlMs]);
      return { holder, epoch, expiresAt: nowMs + ttlMs };
    });
  }

  async renewLease(holder: string, epoch: number, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    const r = await this.#pool.query({
      name: "renew-lease",
      text: "UPDATE log_head SET lease_expires_at = $1 WHERE id = 1 AND lease_holder = $2 AND lease_epoch = $3",
      values: [nowMs + ttlMs, holder, epoch],
    });
    return r.rowCount === 1 ? { holder, epoch, expiresAt: nowMs + ttlMs } : undefined;
  }

  async releaseLease(holder: string, epoch: number): Promise<void> {
    await this.#pool.query("UPDATE log_head SET lease_holder = NULL, lease_expires_at = 0 WHERE id = 1 AND lease_holder = $1 AND lease_epoch = $2", [holder, epoch]);
  }

  async currentLease(): Promise<Lease | undefined> {
    const head = (await this.#rows("SELECT lease_holder, lease_epoch, lease_expires_at FROM log_head WHERE id = 1", [], "head-lease"))[0]!;
    if (head.lease_holder === null) return undefined;
    return { holder: head.lease_holder as string, epoch: head.lease_epoch as number, expiresAt: head.lease_expires_at as number };
  }

  async appendBatch(batch: AppendBatch): Promise<void> {
    // One statement, so one round trip and its own transaction: the head update comes first and every
    // insert is conditional on it, so a fenced batch writes nothing; a failing insert (a duplicate key)
    // aborts the whole statement. Whole columns travel as arrays through unnest().
    const newSize = batch.startIndex + batch.leaves.length;
    const recs = batch.leaves.flatMap((l, i) => (l.record ? [{ r: l.record, index: batch.startIndex + i, addedUs: l.addedUs }] : []));
    const tombs = batch.leaves.flatMap((l, i) => (l.tombstone ? [{ digest: l.tombstone, index: batch.startIndex + i }] : []));
    const cp = batch.checkpoint;
    const r = await this.#pool.query<{ moved: number }>({
      name: "append-batch",
      text: APPEND_SQL,
      values: [
        newSize, batch.startIndex, batch.epoch,
        batch.leaves.map((_, i) => batch.startIndex + i), batch.leaves.map((l) => buf(l.data)), batch.leaves.map((l) => buf(l.hash)),
        batch.nodes.map((n) => n.level), batch.nodes.map((n) => n.index), batch.nodes.map((n) => buf(n.hash)),
        recs.map((x) => buf(x.r.digest)), recs.map((x) => x.r.id), recs.map((x) => x.r.modified), recs.map((x) => x.r.type),
        recs.map((x) => x.r.kind), recs.map((x) => x.r.author), recs.map((x) => x.r.warningRef ?? null), recs.map((x) => x.index),
        recs.map((x) => x.r.loggedAt), recs.map((x) => x.addedUs), recs.map((x) => x.r.custodial), recs.map((x) => x.r.body),
        cp ? [cp.size] : [], cp ? [buf(cp.root)] : [], cp ? [cp.note] : [], cp ? [cp.createdAt] : [],
        tombs.map((t) => buf(t.digest)), tombs.map((t) => t.index),
      ],
    });
    if (r.rows[0]!.moved !== 1) throw new StoreError("STORE_FENCED", "the log's writer lease or size changed under this writer");
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.#rows("SELECT value FROM meta WHERE key = $1", [key], "get-meta"))[0]?.value as string | undefined;
  }

  async initMeta(key: string, value: string): Promise<string> {
    await this.#pool.query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [key, value]);
    return (await this.getMeta(key))!;
  }

  async insertParty(party: PartyRow, key: PartyKeyRow, tokenHash: Uint8Array): Promise<void> {
    const exists = () => new StoreError("PARTY_EXISTS", `a party with slug ${party.slug} or id ${party.id} exists`);
    try {
      await this.#tx(async (c) => {
        if ((await this.#rows("SELECT 1 FROM party WHERE id = $1 OR slug = $2", [party.id, party.slug], undefined, c)).length > 0) throw exists();
        await c.query("INSERT INTO party (id, slug, name, custodial, organisation_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [
          party.id, party.slug, party.name, party.custodial, party.organisationId ?? null, party.createdAt,
        ]);
        await c.query("INSERT INTO party_key (party_id, key_id, public_key, created_at, retired_at) VALUES ($1, $2, $3, $4, $5)", [
          key.partyId, key.keyId, buf(key.publicKey), key.createdAt, key.retiredAt ?? null,
        ]);
        await c.query("INSERT INTO party_token (token_hash, party_id, created_at) VALUES ($1, $2, $3)", [buf(tokenHash), party.id, party.createdAt]);
      });
    } catch (e) {
      // Two processes creating the same party at once: the loser meets the unique key, not the SELECT.
      if ((e as { code?: string }).code === "23505" && /party_(pkey|slug_key)/.test((e as { constraint?: string }).constraint ?? "")) throw exists();
      throw e;
    }
  }

  async getParty(idOrSlug: string): Promise<PartyRow | undefined> {
    return toParty((await this.#rows("SELECT * FROM party WHERE id = $1 OR slug = $1", [idOrSlug], "party"))[0]);
  }

  async listParties(): Promise<PartyRow[]> {
    return (await this.#rows("SELECT * FROM party ORDER BY created_at, slug")).map((r) => toParty(r)!);
  }

  async partyKeys(partyId: string): Promise<PartyKeyRow[]> {
    const rows = await this.#rows("SELECT * FROM party_key WHERE party_id = $1 ORDER BY created_at, retired_at IS NULL, key_id", [partyId], "keys-of");
    return rows.map((r) => ({
      partyId: r.party_id as string,
      keyId: r.key_id as string,
      publicKey: r.public_key as Uint8Array,
      createdAt: r.created_at as string,
      retiredAt: (r.retired_at as string | null) ?? undefined,
    }));
  }

  async rotatePartyKey(key: PartyKeyRow): Promise<void> {
    await this.#tx(async (c) => {
      await c.query("UPDATE party_key SET retired_at = $1 WHERE party_id = $2 AND retired_at IS NULL", [key.createdAt, key.partyId]);
      await c.query("INSERT INTO party_key (party_id, key_id, public_key, created_at, retired_at) VALUES ($1, $2, $3, $4, NULL)", [
        key.partyId, key.keyId, buf(key.publicKey), key.createdAt,
      ]);
    });
  }

  async partyForToken(tokenHash: Uint8Array): Promise<PartyRow | undefined> {
    const sql = "SELECT p.* FROM party_token t JOIN party p ON p.id = t.party_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL";
    return toParty((await this.#rows(sql, [buf(tokenHash)], "party-for-token"))[0]);
  }

  async addPartyToken(partyId: string, tokenHash: Uint8Array, createdAt: string): Promise<void> {
    await this.#pool.query("INSERT INTO party_token (token_hash, party_id, created_at) VALUES ($1, $2, $3)", [buf(tokenHash), partyId, createdAt]);
  }

  async partyTokens(partyId: string): Promise<PartyTokenRow[]> {
    const rows = await this.#rows("SELECT * FROM party_token WHERE party_id = $1 ORDER BY created_at, token_hash", [partyId], "tokens-of");
    return rows.map((r) => ({ tokenHash: new Uint8Array(r.token_hash as Buffer), createdAt: r.created_at as string, revokedAt: (r.revoked_at as string | null) ?? undefined }));
  }

  async revokePartyToken(partyId: string, tokenHash: Uint8Array, revokedAt: string): Promise<boolean> {
    const r = await this.#pool.query("UPDATE party_token SET revoked_at = $1 WHERE token_hash = $2 AND party_id = $3 AND revoked_at IS NULL", [revokedAt, buf(tokenHash), partyId]);
    return (r.rowCount ?? 0) > 0;
  }

  async addPartyRelation(rel: PartyRelationRow): Promise<void> {
    await this.#pool.query("INSERT INTO party_relation (kind, party_id, target) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [rel.kind, rel.partyId, rel.target]);
  }

  async listPartyRelations(): Promise<PartyRelationRow[]> {
    return (await this.#rows("SELECT * FROM party_relation ORDER BY kind, party_id, target")).map((r) => ({
      kind: r.kind as PartyRelationRow["kind"],
      partyId: r.party_id as string,
      target: r.target as string,
    }));
  }

  async recordsByLogIndex(start: number, end: number, limit: number): Promise<StoredRecord[]> {
    const sql = "SELECT * FROM record WHERE log_index >= $1 AND log_index < $2 ORDER BY log_index LIMIT $3";
    return (await this.#rows(sql, [start, end, limit], "records-by-log-index")).map((r) => toRecord(r)!);
  }

  async tombstonesByLogIndex(start: number, end: number, limit: number): Promise<StoredTombstone[]> {
    const sql = "SELECT digest, log_index FROM record_tombstone WHERE log_index >= $1 AND log_index < $2 ORDER BY log_index LIMIT $3";
    return (await this.#rows(sql, [start, end, limit], "tombstones-by-log-index")).map((r) => ({ digest: r.digest as Uint8Array, logIndex: Number(r.log_index) }));
  }

  async tombstoneOf(digest: Uint8Array): Promise<StoredTombstone | undefined> {
    const r = (await this.#rows("SELECT digest, log_index FROM record_tombstone WHERE digest = $1", [buf(digest)], "tombstone-of"))[0];
    return r ? { digest: r.digest as Uint8Array, logIndex: Number(r.log_index) } : undefined;
  }

  async recordByDigest(digest: Uint8Array): Promise<StoredRecord | undefined> {
    return toRecord((await this.#rows("SELECT * FROM record WHERE digest = $1", [buf(digest)], "record-by-digest"))[0]);
  }

  async recordVersions(id: string): Promise<StoredRecord[]> {
    return (await this.#rows("SELECT * FROM record WHERE id = $1 ORDER BY modified", [id], "record-versions")).map((r) => toRecord(r)!);
  }

  async recordsAbout(warningId: string): Promise<StoredRecord[]> {
    return (await this.#rows("SELECT * FROM record WHERE warning_ref = $1 ORDER BY log_index", [warningId], "records-about")).map((r) => toRecord(r)!);
  }

  async countRecordsAbout(warningId: string): Promise<number> {
    return (await this.#rows("SELECT COUNT(*)::int AS n FROM record WHERE warning_ref = $1", [warningId], "count-records-about"))[0]!.n as number;
  }

  async listRecords(q: RecordQuery): Promise<StoredRecord[]> {
    if (q.ids?.length === 0 || q.types?.length === 0) return [];
    const v = q.versions;
    const anyVersion = v === undefined || v.all === true;
    const values: unknown[] = [q.addedAfterUs ?? -1, q.kind ?? null, q.type ?? null, q.limit];
    const where = ["r.added_us > $1", "($2::text IS NULL OR r.kind = $2)", "($3::text IS NULL OR r.type = $3)"];
    // Lists travel as one array parameter each, so a statement's text depends only on the query's shape.
    const param = (value: unknown) => `$${values.push(value)}`;
    if (q.ids) where.push(`r.id = ANY(${param(q.ids)}::text[])`);
    if (q.types) where.push(`r.type = ANY(${param(q.types)}::text[])`);
    const notDeleted = (alias: string) => `NOT EXISTS (SELECT 1 FROM record_tombstone t WHERE t.digest = ${alias}.digest)`;
    if (q.live) where.push(notDeleted("r"));
    if (!anyVersion) {
      const edge = (op: string) => `NOT EXISTS (SELECT 1 FROM record o WHERE o.id = r.id AND o.modified ${op} r.modified${q.live ? ` AND ${notDeleted("o")}` : ""})`;
      const any: string[] = [];
      if (v.first) any.push(edge("<"));
      if (v.last) any.push(edge(">"));
      if (v.modified) any.push(`r.modified = ANY(${param(v.modified)}::text[])`);
      where.push(any.length === 0 ? "FALSE" : `(${any.join(" OR ")})`);
    }
    const sql = `SELECT r.* FROM record r WHERE ${where.join(" AND ")} ORDER BY r.added_us LIMIT $4`;
    return (await this.#rows(sql, values)).map((r) => toRecord(r)!);
  }

  async recordsAfter(afterIndex: number, limit: number, kind?: string): Promise<StoredRecord[]> {
    const rows =
      kind === undefined
        ? await this.#rows("SELECT * FROM record WHERE log_index > $1 ORDER BY log_index LIMIT $2", [afterIndex, limit], "records-after")
        : await this.#rows("SELECT * FROM record WHERE kind = $1 AND log_index > $2 ORDER BY log_index LIMIT $3", [kind, afterIndex, limit], "records-of-kind-after");
    return rows.map((r) => toRecord(r)!);
  }

  async saveTaxiiStatus(status: TaxiiStatusRow, pruneBeforeMs: number): Promise<void> {
    await this.#tx(async (c) => {
      await c.query("DELETE FROM taxii_status WHERE created_ms < $1", [pruneBeforeMs]);
      await c.query(
        `INSERT INTO taxii_status (id, owner, created_ms, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, created_ms = EXCLUDED.created_ms, body = EXCLUDED.body`,
        [status.id, status.owner, status.createdAtMs, status.body],
      );
    });
  }

  async taxiiStatus(id: string): Promise<TaxiiStatusRow | undefined> {
    const r = (await this.#rows("SELECT * FROM taxii_status WHERE id = $1", [id], "taxii-status"))[0];
    return r ? { id: r.id as string, owner: r.owner as string, createdAtMs: r.created_ms as number, body: r.body as string } : undefined;
  }

  async maxAddedUs(): Promise<number> {
    return ((await this.#rows("SELECT MAX(added_us) AS m FROM record"))[0]!.m as number | null) ?? 0;
  }
}

/**
 * The whole append as one statement. Fencing: `head` updates the single log_head row only from the
 * size this writer believes in and under its epoch (the row lock serialises writers; under READ
 * COMMITTED a takeover that committed first is re-checked against the WHERE clause), and each insert
 * selects its rows only if `head` moved.
 */
const APPEND_SQL = `
  WITH head AS (
    UPDATE log_head SET size = $1 WHERE id = 1 AND size = $2 AND lease_epoch = $3 RETURNING 1
  ), leaves AS (
    INSERT INTO log_leaf (idx, data, hash)
    SELECT * FROM unnest($4::bigint[], $5::bytea[], $6::bytea[]) WHERE EXISTS (SELECT 1 FROM head)
  ), nodes AS (
    INSERT INTO log_node (level, idx, hash)
    SELECT * FROM unnest($7::smallint[], $8::bigint[], $9::bytea[]) WHERE EXISTS (SELECT 1 FROM head)
  ), records AS (
    INSERT INTO record (digest, id, modified, type, kind, author, warning_ref, log_index, logged_at, added_us, custodial, body)
    SELECT * FROM unnest($10::bytea[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                         $17::bigint[], $18::text[], $19::bigint[], $20::boolean[], $21::text[])
    WHERE EXISTS (SELECT 1 FROM head)
  ), checkpoint AS (
    INSERT INTO log_checkpoint (size, root, note, created_at)
    SELECT * FROM unnest($22::bigint[], $23::bytea[], $24::text[], $25::text[]) WHERE EXISTS (SELECT 1 FROM head)
  ), tombstones AS (
    INSERT INTO record_tombstone (digest, log_index)
    SELECT * FROM unnest($26::bytea[], $27::bigint[]) WHERE EXISTS (SELECT 1 FROM head)
    ON CONFLICT (digest) DO NOTHING
  )
  SELECT (SELECT count(*) FROM head)::int AS moved`;

const IDLE_IN_TRANSACTION_MS = 1_000;

function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: TYPES,
    // Durable commits whatever the server's default says (fsync of the WAL before COMMIT returns).
    // A process frozen mid-transaction (SIGSTOP, a VM pause) would hold the log_head row lock for
    // ever and no successor could take the lease: the server ends such a session after 1 s idle in
    // its transaction, rolling it back. Our transactions never wait on the client that long.
    options: `-c synchronous_commit=on -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * Brings the schema to `target` (default latest) under a transaction-scoped advisory lock, so processes
 * starting together migrate once. Refuses a database newer than this build (STORE_SCHEMA_TOO_NEW).
 */
async function migratePg(pool: pg.Pool, target = PG_LATEST_VERSION): Promise<{ from: number; to: number }> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await c.query("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
    const from = ((await c.query<{ version: number }>("SELECT version FROM schema_version WHERE id = 1")).rows[0]?.version ?? 0) as number;
    if (from > PG_LATEST_VERSION) {
      throw new StoreError("STORE_SCHEMA_TOO_NEW", `database schema ${from} is newer than this Tocsin (${PG_LATEST_VERSION})`);
    }
    for (const m of PG_MIGRATIONS) {
      if (m.version <= from || m.version > target) continue;
      await c.query(m.sql);
    }
    const to = Math.max(from, Math.min(target, PG_LATEST_VERSION));
    await c.query("INSERT INTO schema_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version", [to]);
    await c.query("COMMIT");
    return { from, to };
  } catch (e) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** A connection URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

function toParty(r: Row | undefined): PartyRow | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    slug: r.slug as string,
    name: r.name as string,
    custodial: r.custodial as boolean,
    organisationId: (r.organisation_id as string | null) ?? undefined,
    createdAt: r.created_at as string,
  };
}

function toRecord(r: Row | undefined): StoredRecord | undefined {
  if (!r) return undefined;
  return {
    digest: r.digest as Uint8Array,
    id: r.id as string,
    modified: r.modified as string,
    type: r.type as string,
    kind: r.kind as string,
    author: r.author as string,
    warningRef: (r.warning_ref as string | null) ?? undefined,
    loggedAt: r.logged_at as string,
    custodial: r.custodial as boolean,
    body: r.body as string,
    logIndex: r.log_index as number,
    addedUs: r.added_us as number,
  };
}

function toCheckpoint(r: Row | undefined): StoredCheckpoint | undefined {
  if (!r) return undefined;
  return { size: r.size as number, root: r.root as Uint8Array, note: r.note as string, createdAt: r.created_at as string };
}
