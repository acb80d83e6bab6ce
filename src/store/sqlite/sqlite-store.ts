import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { nodeKey, type NodeId } from "../../core/merkle/node-id.js";
import { takeLease } from "../lease-rule.js";
import { SQLITE } from "../sql/dialect.js";
import { planMigration } from "../sql/migrations.js";
import { MARK_ALL_LATEST } from "../sql/schema.js";
import { QUERIES, type QueryName } from "../sql/queries.js";
import { toLeaseState, type Row } from "../sql/rows.js";
import { SqlStore, type Write } from "../sql/sql-store.js";
import { insertSql, pageSql, readFlags, rowValues, type TableAccess } from "../sql/table-access.js";
import { StoreError } from "../store-errors.js";
import type { AppendBatch, Lease, WitnessStateMove } from "../store.js";
import { appendInTx } from "./sqlite-append.js";
import { SqliteAppender } from "./sqlite-appender.js";

/** Statements built for a query shape or a set size are cached up to this many; proofs need at most ~130 nodes. */
const MAX_CACHED_STATEMENTS = 1024;

/**
 * The embedded engine: one SQLite file in WAL mode with synchronous=FULL, so a commit is on disk
 * (the WAL fsynced) before `appendBatch` resolves — an acknowledged append survives kill -9 and power
 * loss. better-sqlite3 is synchronous; the async interface is honoured by resolving after the work.
 * The queries are the shared ones (src/store/sql); each is prepared once, on first use.
 */
export class SqliteStore extends SqlStore {
  readonly engine = "sqlite" as const;
  /** One process owns the file (the sequencer holds it); nothing else writes to it. */
  readonly sharedByProcesses = false;
  protected readonly dialect = SQLITE;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #append: Database.Transaction<(batch: AppendBatch) => void>;
  /** Log appends on a thread of their own (a serving node), else on this connection. */
  readonly #appender: SqliteAppender | undefined;

  private constructor(db: Database.Database, appender: SqliteAppender | undefined) {
    super();
    this.#db = db;
    this.#append = db.transaction((batch: AppendBatch) => appendInTx((name) => this.#stmt(name), batch));
    this.#appender = appender;
  }

  /**
   * Opens (creating if needed) the database file and migrates it to the latest schema. `appendThread`:
   * log appends commit on a thread of their own (sqlite-appender.ts), so a serving node's event loop
   * does not wait for the disk; commands that append a few leaves and exit keep them on this connection.
   */
  static open(path: string, options: { readonly?: boolean; appendThread?: boolean } = {}): SqliteStore {
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
    const threaded = options.appendThread === true && !options.readonly && path !== ":memory:";
    return new SqliteStore(db, threaded ? new SqliteAppender(path) : undefined);
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
    await this.#appender?.close();
    this.#db.close();
  }

  #stmt(name: string, text: string = QUERIES[name as QueryName]): Database.Statement {
    let s = this.#statements.get(name);
    if (!s) {
      s = this.#db.prepare(text);
      if (this.#statements.size < MAX_CACHED_STATEMENTS) this.#statements.set(name, s);
    }
    return s;
  }

  protected async all(name: string, params: readonly unknown[], text?: string): Promise<Row[]> {
    return this.#stmt(name, text).all(...params) as Row[];
  }

  protected override async arrays(name: string, params: readonly unknown[], text: string = QUERIES[name as QueryName]): Promise<unknown[][]> {
    // A statement's raw mode sticks to it, so raw reads are cached under a name of their own.
    let s = this.#statements.get(`raw:${name}`);
    if (!s) {
      s = this.#db.prepare(text).raw(true);
      if (this.#statements.size < MAX_CACHED_STATEMENTS) this.#statements.set(`raw:${name}`, s);
    }
    return s.all(...params) as unknown[][];
  }

  protected override async first(name: QueryName, params: readonly unknown[]): Promise<Row | undefined> {
    return this.#stmt(name).get(...params) as Row | undefined;
  }

  protected async run(name: QueryName, params: readonly unknown[]): Promise<number> {
    return this.#stmt(name).run(...params).changes;
  }

  protected async runAll(writes: readonly Write[]): Promise<number[]> {
    return this.#db.transaction(() => writes.map(([name, params]) => this.#stmt(name).run(...params).changes)).immediate();
  }

  protected async runAllChecked(writes: readonly Write[]): Promise<boolean> {
    return this.#db.transaction((): boolean => {
      const [[firstName, firstParams], ...rest] = writes as [Write, ...Write[]];
      if (this.#stmt(firstName).run(...firstParams).changes === 0) return false;
      for (const [name, params] of rest) this.#stmt(name).run(...params);
      return true;
    }).immediate();
  }

  protected isPartyConflict(e: unknown): boolean {
    return /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test((e as { code?: string }).code ?? "") && /party\.(id|slug)$/.test((e as Error).message);
  }

  async acquireLease(holder: string, ttlMs: number, nowMs: number, isDead?: (holder: string) => boolean): Promise<Lease | undefined> {
    return this.#db.transaction((): Lease | undefined => {
      const lease = takeLease(toLeaseState(this.#stmt("head").get() as Row), holder, ttlMs, nowMs, isDead);
      if (lease) this.#stmt("setLease").run(lease.holder, lease.epoch, lease.expiresAt);
      return lease;
    }).immediate();
  }

  async appendBatch(batch: AppendBatch): Promise<void> {
    if (this.#appender) await this.#appender.append(batch);
    else this.#append.immediate(batch);
  }

  /**
   * The sequencer's lease renewal goes where the appends go too: here it would wait, with the event loop
   * stopped, for the append thread's commit to free the write lock.
   */
  protected override runLeaseRenewal(holder: string, epoch: number, expiresAt: number): Promise<number> {
    return this.#appender ? this.#appender.renewLease(holder, epoch, expiresAt) : super.runLeaseRenewal(holder, epoch, expiresAt);
  }

  /** A witness's group commit goes where the appends go: on the append thread when there is one. */
  override async advanceWitnessedLogs(moves: readonly WitnessStateMove[]): Promise<boolean[]> {
    if (moves.length === 0) return [];
    if (this.#appender) return this.#appender.advanceWitnessedLogs(moves);
    return super.advanceWitnessedLogs(moves);
  }

  async getNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    // One statement per table for the whole set: a proof's ~30 point reads cost one query's overhead.
    const out = new Map<string, Uint8Array>();
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const nodes = ids.filter((id) => id.level > 0).flatMap((id) => [id.level, id.index]);
    if (leaves.length > 0) {
      const sql = `SELECT idx, hash FROM log_leaf WHERE idx IN (${Array(leaves.length).fill("?").join(",")})`;
      for (const [idx, hash] of this.#stmt(`leaves-in-${leaves.length}`, sql).raw().all(...leaves) as [number, Uint8Array][]) out.set(nodeKey(0, idx), hash);
    }
    if (nodes.length > 0) {
      const sql = `SELECT level, idx, hash FROM log_node WHERE (level, idx) IN (VALUES ${Array(nodes.length / 2).fill("(?,?)").join(",")})`;
      for (const [level, idx, hash] of this.#stmt(`nodes-in-${nodes.length / 2}`, sql).raw().all(...nodes) as [number, number, Uint8Array][]) {
        out.set(nodeKey(level, idx), hash);
      }
    }
    return out;
  }

  tables(): TableAccess {
    const db = this.#db;
    return {
      async snapshot(fn) {
        // A read transaction in WAL mode sees one snapshot until it ends. It spans awaits (the caller
        // writes to a stream between pages); nothing else uses this connection meanwhile.
        db.exec("BEGIN");
        try {
          return await fn(async (t, after, limit) => readFlags(t, db.prepare(pageSql(SQLITE, t, after !== undefined, limit)).all(...(after ?? [])) as Row[]));
        } finally {
          db.exec("COMMIT");
        }
      },
      writeTx: async (fn) => {
        db.exec("BEGIN IMMEDIATE");
        try {
          await fn(
            async (t, rows) => {
              const insert = db.prepare(insertSql(SQLITE, t, 1));
              for (const r of rows) insert.run(...rowValues(SQLITE, t, r));
            },
            async (size, epoch) => void this.#stmt("resetHead").run(size, epoch),
          );
          // Rows came as the export wrote them, each marked its id's latest by default: mark them all.
          db.exec(MARK_ALL_LATEST);
          db.exec("COMMIT");
        } catch (e) {
          db.exec("ROLLBACK");
          throw e;
        }
      },
    };
  }

  /** For tests that corrupt the file on purpose: the raw database. */
  get database(): Database.Database {
    return this.#db;
  }
}

/** Applies the missing versions up to the latest in one immediate transaction (none when read-only). */
function migrate(db: Database.Database, readonly: boolean): { from: number; to: number } {
  const from = db.pragma("user_version", { simple: true }) as number;
  const plan = planMigration(SQLITE, from);
  if (plan.versions.length === 0 || readonly) return { from, to: from };
  db.transaction(() => {
    for (const v of plan.versions) {
      db.exec(v.sql);
      db.pragma(`user_version = ${v.version}`);
    }
  }).immediate();
  return { from, to: db.pragma("user_version", { simple: true }) as number };
}
