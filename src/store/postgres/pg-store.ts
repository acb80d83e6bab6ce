import pg from "pg";
import { nodeKey, type NodeId } from "../../core/merkle/node-id.js";
import { takeLease } from "../lease-rule.js";
import { POSTGRES } from "../sql/dialect.js";
import { planMigration } from "../sql/migrations.js";
import { table } from "../sql/schema.js";
import { QUERIES, type QueryName } from "../sql/queries.js";
import { toLeaseState, type Row } from "../sql/rows.js";
import { noticeParams, SqlStore, type Write } from "../sql/sql-store.js";
import { insertSql, pageSql, rowValues, type TableAccess } from "../sql/table-access.js";
import { StoreError } from "../store-errors.js";
import type { AppendBatch, Lease, NewNotice } from "../store.js";
import { inTransaction } from "./transaction.js";

/** Any fixed number: every Tocsin process migrating one database takes this advisory lock first. */
const MIGRATION_LOCK = 0x70c5_1e01;
/** Another: every notice writer takes it (transaction-scoped) before numbering its notice. */
const NOTICE_LOCK = 0x70c5_1e02;

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

/** The shared queries in PostgreSQL's placeholders, each sent as a named prepared statement. */
const PG_QUERIES = Object.fromEntries(Object.entries(QUERIES).map(([name, text]) => [name, POSTGRES.sql(text)])) as Record<QueryName, string>;

/**
 * The server engine: the shared schema and queries (src/store/sql) on PostgreSQL, through a
 * node-postgres pool.
 *
 * Durability: every session runs with synchronous_commit=on, so a commit returns only after the WAL is
 * flushed — an acknowledged append survives kill -9 of any process and a crash of the server.
 *
 * Fencing: `appendBatch` is one statement (APPEND_SQL) that first updates the single `log_head` row
 * under the writer's epoch and expected size. That UPDATE takes the row lock, so appends (and lease
 * changes) are serialised; under READ COMMITTED a concurrent lease takeover that committed first is
 * re-checked against the WHERE clause, so a paused old leader's batch matches no row, inserts nothing
 * and is refused (STORE_FENCED). Lease changes take the same row lock (SELECT … FOR UPDATE).
 */
export class PgStore extends SqlStore {
  readonly engine = "postgres" as const;
  /** Any number of processes of one node may share the database. */
  readonly sharedByProcesses = true;
  protected readonly dialect = POSTGRES;
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    super();
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

  /** For tests that need raw SQL (the migration test). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  protected async all(name: string, params: readonly unknown[], text?: string, planEachTime = false): Promise<Row[]> {
    const sql = text ?? PG_QUERIES[name as QueryName];
    return (await this.#pool.query<Row>(planEachTime ? { text: sql, values: params as unknown[] } : { name, text: sql, values: params as unknown[] })).rows;
  }

  protected async run(name: QueryName, params: readonly unknown[]): Promise<number> {
    return (await this.#pool.query({ name, text: PG_QUERIES[name], values: params as unknown[] })).rowCount ?? 0;
  }

  protected async runAll(writes: readonly Write[]): Promise<number[]> {
    return inTransaction(this.#pool, async (c) => {
      const counts: number[] = [];
      for (const [name, params] of writes) counts.push((await c.query({ name, text: PG_QUERIES[name], values: params as unknown[] })).rowCount ?? 0);
      return counts;
    });
  }

  override async addNotice(n: NewNotice): Promise<boolean> {
    // Several processes number notices in one table. Colliding on the number and retrying starved a
    // writer under load (80 writers over two pools ran out of retries); the lock queues them instead,
    // and READ COMMITTED gives the insert, run after the lock, a snapshot holding the last one's row.
    // An advisory lock rather than a table lock: readers are not blocked either way, but a table lock
    // strong enough would also wait on (auto)vacuum and ANALYZE of the table.
    return inTransaction(this.#pool, async (c) => {
      await c.query({ name: "notice-lock", text: "SELECT pg_advisory_xact_lock($1)", values: [NOTICE_LOCK] });
      return (await c.query({ name: "addNotice", text: PG_QUERIES.addNotice, values: noticeParams(n) })).rowCount === 1;
    });
  }

  protected async runAllChecked(writes: readonly Write[]): Promise<boolean> {
    // The first statement's row lock holds until the commit: a second process moving the same cursor
    // waits, then finds it moved (READ COMMITTED re-checks the WHERE clause) and changes nothing.
    const [[firstName, firstParams], ...rest] = writes as [Write, ...Write[]];
    return inTransaction(this.#pool, async (c) => {
      const moved = (await c.query({ name: firstName, text: PG_QUERIES[firstName], values: firstParams as unknown[] })).rowCount ?? 0;
      if (moved === 0) return false;
      for (const [name, params] of rest) await c.query({ name, text: PG_QUERIES[name], values: params as unknown[] });
      return true;
    });
  }

  protected isPartyConflict(e: unknown): boolean {
    // Two processes creating the same party at once, or a taken slug or id: the unique keys decide.
    return (e as { code?: string }).code === "23505" && /^party_(pkey|slug_key)$/.test((e as { constraint?: string }).constraint ?? "");
  }

  async acquireLease(holder: string, ttlMs: number, nowMs: number, isDead?: (holder: string) => boolean): Promise<Lease | undefined> {
    // Followers ask several times a second: answer "taken" from a plain read when the lease is
    // clearly live and someone else's, without queueing for the head row's lock behind appends.
    const seen = (await this.all("head", []))[0]!;
    if (!takeLease(toLeaseState(seen), holder, ttlMs, nowMs, isDead)) return undefined;
    return inTransaction(this.#pool, async (c) => {
      const head = (await c.query<Row>({ name: "head-lock", text: `${PG_QUERIES.head} FOR UPDATE` })).rows[0]!;
      const lease = takeLease(toLeaseState(head), holder, ttlMs, nowMs, isDead);
      if (lease) await c.query({ name: "setLease", text: PG_QUERIES.setLease, values: [lease.holder, lease.epoch, lease.expiresAt] });
      return lease;
    });
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
    for (const r of await this.all("nodes-in", [leaves, nodes.map((n) => n.level), nodes.map((n) => n.index)], sql)) {
      out.set(nodeKey(r.level as number, r.idx as number), r.hash as Uint8Array);
    }
    return out;
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
        batch.leaves.map((_, i) => batch.startIndex + i), batch.leaves.map((l) => l.data), batch.leaves.map((l) => l.hash),
        batch.nodes.map((n) => n.level), batch.nodes.map((n) => n.index), batch.nodes.map((n) => n.hash),
        recs.map((x) => x.r.digest), recs.map((x) => x.r.id), recs.map((x) => x.r.modified), recs.map((x) => x.r.type),
        recs.map((x) => x.r.kind), recs.map((x) => x.r.author), recs.map((x) => x.r.warningRef ?? null), recs.map((x) => x.index),
        recs.map((x) => x.r.loggedAt), recs.map((x) => x.addedUs), recs.map((x) => x.r.custodial), recs.map((x) => x.r.body),
        cp ? [cp.size] : [], cp ? [cp.root] : [], cp ? [cp.note] : [], cp ? [cp.createdAt] : [],
        tombs.map((t) => t.digest), tombs.map((t) => t.index),
      ],
    });
    if (r.rows[0]!.moved !== 1) throw new StoreError("STORE_FENCED", "the log's writer lease or size changed under this writer");
  }

  tables(): TableAccess {
    const pool = this.#pool;
    return {
      snapshot: (fn) =>
        inTransaction(
          pool,
          (c) => fn(async (t, after, limit) => (await c.query<Row>(pageSql(POSTGRES, t, after !== undefined, limit), (after ?? []) as unknown[])).rows),
          "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        ),
      writeTx: (fn) =>
        inTransaction(pool, (c) =>
          fn(
            async (t, rows) => {
              if (rows.length > 0) await c.query(insertSql(POSTGRES, t, rows.length), rows.flatMap((r) => rowValues(POSTGRES, t, r)));
            },
            async (size, epoch) => void (await c.query({ name: "resetHead", text: PG_QUERIES.resetHead, values: [size, epoch] })),
          ),
        ),
    };
  }
}

/**
 * The whole append as one statement. Fencing: `head` updates the single log_head row only from the
 * size this writer believes in and under its epoch (the row lock serialises writers; under READ
 * COMMITTED a takeover that committed first is re-checked against the WHERE clause), and each insert
 * selects its rows only if `head` moved. Each table's rows travel as one array per column, in the
 * schema's column order ($1–$3 are the head's new size, expected size and epoch).
 */
const APPEND_SQL = (() => {
  let n = 3;
  const insert = (name: string, onConflict = "") => {
    const columns = table(name).columns;
    const arrays = columns.map((c) => `$${++n}::${POSTGRES.types[c.type]}[]`);
    return `INSERT INTO ${name} (${columns.map((c) => c.name).join(", ")}) SELECT * FROM unnest(${arrays.join(", ")}) WHERE EXISTS (SELECT 1 FROM head)${onConflict}`;
  };
  return `WITH head AS (${PG_QUERIES.advanceHead} RETURNING 1),
    leaves AS (${insert("log_leaf")}),
    nodes AS (${insert("log_node")}),
    records AS (${insert("record")}),
    checkpoint AS (${insert("log_checkpoint")}),
    tombstones AS (${insert("record_tombstone", " ON CONFLICT (digest) DO NOTHING")})
    SELECT (SELECT count(*) FROM head)::int AS moved`;
})();

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
async function migratePg(pool: pg.Pool, target?: number): Promise<{ from: number; to: number }> {
  return inTransaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await c.query("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
    const from = (await c.query<{ version: number }>("SELECT version FROM schema_version WHERE id = 1")).rows[0]?.version ?? 0;
    const plan = planMigration(POSTGRES, from, target);
    for (const v of plan.versions) await c.query(v.sql);
    await c.query("INSERT INTO schema_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version", [plan.to]);
    return { from, to: plan.to };
  });
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
