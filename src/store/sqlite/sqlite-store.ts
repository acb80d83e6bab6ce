import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { nodeKey, type NodeId } from "../../core/merkle/node-id.js";
import { StoreError } from "../store-errors.js";
import type { AppendBatch, Lease, LogLeaf, Store, StoredCheckpoint } from "../store.js";
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

  async close(): Promise<void> {
    this.#db.close();
  }

  async logSize(): Promise<number> {
    return (this.#stmt.headSize.get() as { size: number }).size;
  }

  async getLeaves(start: number, count: number): Promise<LogLeaf[]> {
    return (this.#stmt.leaves.all(start, start + count) as Row[]).map((r) => ({
      index: r.idx as number,
      data: bytes(r.data),
      hash: bytes(r.hash),
    }));
  }

  async getNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const id of ids) {
      const row = (id.level === 0 ? this.#stmt.leafHash.get(id.index) : this.#stmt.node.get(id.level, id.index)) as Row | undefined;
      if (row) out.set(nodeKey(id.level, id.index), bytes(row.hash));
    }
    return out;
  }

  async getNodeRange(level: number, start: number, count: number): Promise<Uint8Array[]> {
    const rows = (level === 0 ? this.#stmt.leafHashRange.all(start, start + count) : this.#stmt.nodeRange.all(level, start, start + count)) as Row[];
    return rows.map((r) => bytes(r.hash));
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
    for (const leaf of batch.leaves) this.#stmt.insertLeaf.run(index++, leaf.data, leaf.hash);
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
    leafHash: db.prepare("SELECT hash FROM log_leaf WHERE idx = ?"),
    leafHashRange: db.prepare("SELECT hash FROM log_leaf WHERE idx >= ? AND idx < ? ORDER BY idx"),
    node: db.prepare("SELECT hash FROM log_node WHERE level = ? AND idx = ?"),
    nodeRange: db.prepare("SELECT hash FROM log_node WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx"),
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
    initMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
  };
}

function toCheckpoint(r: Row | undefined): StoredCheckpoint | undefined {
  if (!r) return undefined;
  return { size: r.size as number, root: bytes(r.root), note: r.note as string, createdAt: r.created_at as string };
}

function migrate(db: Database.Database, readonly: boolean): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;
  if (current > latest) {
    throw new StoreError("STORE_SCHEMA_TOO_NEW", `database schema ${current} is newer than this Tocsin (${latest})`);
  }
  if (current === latest || readonly) return;
  db.transaction(() => {
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}
