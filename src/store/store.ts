import type { NodeId } from "../core/merkle/node-id.js";

/**
 * The storage interface every engine implements (SQLite embedded, PostgreSQL for servers).
 *
 * It is async throughout, stores bytes and numbers, and knows no Merkle maths: the log layer computes
 * hashes and hands complete rows to `appendBatch`. Nothing engine-specific (rowids, pragmas, advisory
 * locks) appears here; each engine passes the same contract suite in store-contract.ts.
 */
export interface Store extends LogStore {
  /** Which engine, for logs and benchmarks. */
  readonly engine: "sqlite" | "postgres";
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

/** One durable group commit: consecutive leaves, the interior nodes they complete, maybe a checkpoint. */
export interface AppendBatch {
  /** The lease epoch of the writer; a batch from a superseded writer is refused (STORE_FENCED). */
  readonly epoch: number;
  /** Must equal the stored log size, so two writers can never both extend the same tree. */
  readonly startIndex: number;
  readonly leaves: readonly { readonly data: Uint8Array; readonly hash: Uint8Array }[];
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
  /** Hashes of nodes [start, start + count) at one level, for tiles; fewer if not all exist. */
  getNodeRange(level: number, start: number, count: number): Promise<Uint8Array[]>;
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
  /** Appends atomically and durably; see AppendBatch for the fencing rules. */
  appendBatch(batch: AppendBatch): Promise<void>;

  /** Small key/value facts about the node (log origin, public key), written once. */
  getMeta(key: string): Promise<string | undefined>;
  /** Sets a value if absent and returns the stored one (first writer wins). */
  initMeta(key: string, value: string): Promise<string>;
}
