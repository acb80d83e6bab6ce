import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import type { ErrorCodeOf } from "../core/errors/error-codes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { MerkleFrontier, hashLeaf, rangeNodes, type NodeId } from "../core/merkle/index.js";
import { hashesFromMap } from "../core/merkle/proof-plan.js";
import { signCheckpoint, type NoteSigner } from "../core/note/index.js";
import { MAX_ENTRY_BYTES } from "../core/tiles/index.js";
import type { BatchLeaf, Lease, NewRecord, Store, StoredCheckpoint, StoredNode } from "../store/store.js";

export type SequencerErrorCode = ErrorCodeOf<"sequencer"> | "LOG_ENTRY_TOO_LARGE";

export class SequencerError extends TocsinError<SequencerErrorCode> {}

export interface SequencerOptions {
  readonly store: Store;
  /** The log key; its name is the checkpoint origin. */
  readonly signer: NoteSigner;
  readonly clock: Clock;
  /** 0: sign a checkpoint after every batch; otherwise at most one per interval (and one at the end of a quiet interval). */
  readonly checkpointIntervalMs?: number;
  /** Most leaves in one durable transaction. */
  readonly maxBatchLeaves?: number;
  /** How long a lease lasts without renewal; a crashed leader's successor waits at most this long. */
  readonly leaseTtlMs?: number;
  /** This process's identity in the lease row. */
  readonly holder?: string;
}

export interface Appended {
  readonly index: number;
  readonly leafHash: Uint8Array;
  /** For entries carrying a record: its TAXII date_added, microseconds since the epoch. */
  readonly addedUs?: number;
}

/** A leaf to append, and the record it stands for (stored in the same transaction). */
export interface AppendEntry {
  readonly leaf: Uint8Array;
  readonly record?: NewRecord;
  /** For a tombstone leaf: the digest of the record version it deletes (marked in the same transaction). */
  readonly tombstone?: Uint8Array;
}

interface Pending {
  readonly leaves: readonly AppendEntry[];
  readonly resolve: (r: Appended[]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The log's single writer. Appends from any number of callers queue up; whatever has queued while the
 * previous transaction committed goes into the next one (group commit), so under load many appends
 * share one fsync, and a lone append still commits at once. A caller's promise resolves only after
 * its transaction is durable, with the indices its leaves received.
 *
 * "One writer at a time" is the store's lease with a fencing epoch: the sequencer must hold the lease
 * to start, renews it, and every batch carries the epoch, so a paused old leader that wakes up after
 * losing the lease cannot append (the store refuses with STORE_FENCED).
 */
export class Sequencer {
  readonly #o: Required<SequencerOptions>;
  #lease: Lease | undefined;
  #frontier = new MerkleFrontier();
  #queue: Pending[] = [];
  #flushing = false;
  #scheduled = false;
  #stopped = true;
  #lastCheckpoint: { size: number; at: number } = { size: -1, at: 0 };
  #timers: NodeJS.Timeout[] = [];
  #fatal: unknown;
  #lastAddedUs = 0;
  #holder: string;

  constructor(options: SequencerOptions) {
    this.#o = {
      checkpointIntervalMs: 0,
      maxBatchLeaves: 20_000,
      leaseTtlMs: 5_000,
      holder: defaultHolder(),
      ...options,
    };
    this.#holder = this.#o.holder;
  }

  get size(): number {
    return this.#frontier.size;
  }

  get origin(): string {
    return this.#o.signer.name;
  }

  /** True while this process holds the lease and appends; false before start and after stop or failure. */
  get running(): boolean {
    return !this.#stopped;
  }

  /**
   * Appends a URL to this process's lease holder name (`host:pid:nonce URL`), from the next start on:
   * processes that do not sequence hand their entries to the URL found in the lease.
   */
  advertise(url: string): void {
    this.#holder = `${this.#o.holder} ${url}`;
  }

  /** Takes the lease (or throws SEQUENCER_NOT_LEADER), loads the tree's right edge, signs a first checkpoint if none covers the size. */
  async start(): Promise<void> {
    const { store, clock, leaseTtlMs } = this.#o;
    const holder = this.#holder;
    const lease = await store.acquireLease(holder, leaseTtlMs, clock.now(), isDeadLocalHolder);
    if (!lease) throw new SequencerError("SEQUENCER_NOT_LEADER", "another process is sequencing this log");
    this.#lease = lease;
    await this.#loadFrontier();
    this.#lastAddedUs = await store.maxAddedUs();
    const latest = await store.latestCheckpoint();
    this.#lastCheckpoint = { size: latest?.size ?? -1, at: clock.now() };
    this.#stopped = false;
    this.#fatal = undefined;
    if (!latest || latest.size !== this.#frontier.size) await this.#commit([], true);
    const renew = setInterval(() => void this.#renew(), Math.max(100, Math.floor(leaseTtlMs / 3)));
    renew.unref();
    this.#timers.push(renew);
    if (this.#o.checkpointIntervalMs > 0) {
      const tick = setInterval(() => this.#schedule(), this.#o.checkpointIntervalMs);
      tick.unref();
      this.#timers.push(tick);
    }
  }

  /** Appends one leaf; resolves once it is durable. */
  async append(leaf: Uint8Array): Promise<Appended> {
    return (await this.appendMany([leaf]))[0]!;
  }

  /** Appends leaves at consecutive indices; resolves once all are durable. */
  appendMany(leaves: readonly Uint8Array[]): Promise<Appended[]> {
    return this.appendEntries(leaves.map((leaf) => ({ leaf })));
  }

  /** Appends entries (leaves with their records) at consecutive indices; resolves once all are durable. */
  appendEntries(leaves: readonly AppendEntry[]): Promise<Appended[]> {
    if (this.#stopped) return Promise.reject(new SequencerError("SEQUENCER_STOPPED", "the sequencer is not running", { cause: this.#fatal }));
    for (const { leaf } of leaves) {
      if (leaf.length > MAX_ENTRY_BYTES) {
        return Promise.reject(new SequencerError("LOG_ENTRY_TOO_LARGE", `a log entry is at most ${MAX_ENTRY_BYTES} bytes`));
      }
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ leaves, resolve, reject });
      this.#schedule();
    });
  }

  /** Commits what is queued, releases the lease, and refuses further appends. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    while (this.#flushing || this.#queue.length > 0) await new Promise((r) => setImmediate(r));
    if (this.#o.checkpointIntervalMs > 0 && this.#lastCheckpoint.size !== this.#frontier.size) await this.#commit([], true);
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    if (this.#lease) await this.#o.store.releaseLease(this.#lease.holder, this.#lease.epoch);
    this.#lease = undefined;
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing || this.#stopped) return;
    this.#scheduled = true;
    // setImmediate, not a microtask: lets the event loop read the requests already waiting on
    // sockets, so they join this batch instead of each paying for its own fsync.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#flushing || this.#stopped) return;
    this.#flushing = true;
    try {
      const batch: Pending[] = [];
      let count = 0;
      while (this.#queue.length > 0 && (count === 0 || count + this.#queue[0]!.leaves.length <= this.#o.maxBatchLeaves)) {
        const p = this.#queue.shift()!;
        batch.push(p);
        count += p.leaves.length;
      }
      const dueCheckpoint =
        this.#o.checkpointIntervalMs === 0 ||
        this.#o.clock.now() - this.#lastCheckpoint.at >= this.#o.checkpointIntervalMs;
      if (batch.length === 0 && !(dueCheckpoint && this.#lastCheckpoint.size !== this.#frontier.size)) return;
      try {
        const results = await this.#commit(batch.map((p) => p.leaves), dueCheckpoint);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (e) {
        for (const p of batch) p.reject(e);
        await this.#fail(e);
      }
    } finally {
      this.#flushing = false;
      if (this.#queue.length > 0) this.#schedule();
    }
  }

  /** Hashes, stores and (maybe) signs one batch; the in-memory frontier moves only after the commit. */
  async #commit(groups: readonly (readonly AppendEntry[])[], withCheckpoint: boolean): Promise<Appended[][]> {
    const lease = this.#lease;
    if (!lease) throw new SequencerError("SEQUENCER_STOPPED", "no lease");
    const now = this.#o.clock.now();
    const frontier = this.#frontier.clone();
    const startIndex = frontier.size;
    const leaves: BatchLeaf[] = [];
    const nodes: StoredNode[] = [];
    const emit = (id: NodeId, hash: Uint8Array): void => void nodes.push({ level: id.level, index: id.index, hash });
    // TAXII's date_added must be unique per object version and increase with the log: microseconds
    // from the node clock, bumped by one where two records fall in the same microsecond.
    let addedUs = this.#lastAddedUs;
    const results = groups.map((group) =>
      group.map(({ leaf: data, record, tombstone }) => {
        const hash = hashLeaf(data);
        const index = frontier.size;
        frontier.push(hash, emit);
        if (!record) {
          leaves.push({ data, hash, ...(tombstone ? { tombstone } : {}) });
          return { index, leafHash: hash };
        }
        addedUs = Math.max(addedUs + 1, now * 1000);
        leaves.push({ data, hash, record, addedUs });
        return { index, leafHash: hash, addedUs };
      }),
    );
    let checkpoint: StoredCheckpoint | undefined;
    if (withCheckpoint && frontier.size !== this.#lastCheckpoint.size) {
      const root = frontier.root();
      const note = signCheckpoint({ origin: this.origin, size: frontier.size, rootHash: root, extensions: [] }, this.#o.signer);
      checkpoint = { size: frontier.size, root, note, createdAt: rfc3339(now) };
    }
    await this.#o.store.appendBatch({ epoch: lease.epoch, startIndex, leaves, nodes, ...(checkpoint ? { checkpoint } : {}) });
    this.#frontier = frontier;
    this.#lastAddedUs = addedUs;
    if (checkpoint) this.#lastCheckpoint = { size: checkpoint.size, at: now };
    return results;
  }

  async #loadFrontier(): Promise<void> {
    const size = await this.#o.store.logSize();
    const ids = rangeNodes(0, size);
    const hashOf = hashesFromMap(await this.#o.store.getNodes(ids));
    this.#frontier = new MerkleFrontier(size, ids.map(hashOf));
  }

  async #renew(): Promise<void> {
    const lease = this.#lease;
    if (!lease || this.#stopped) return;
    try {
      const renewed = await this.#o.store.renewLease(lease.holder, lease.epoch, this.#o.leaseTtlMs, this.#o.clock.now());
      if (renewed) this.#lease = renewed;
      else await this.#fail(new SequencerError("SEQUENCER_STOPPED", "lost the sequencing lease"));
    } catch (e) {
      await this.#fail(e);
    }
  }

  /** After a failed commit the store's state is the truth: stop, fail the queue, let a supervisor restart. */
  async #fail(e: unknown): Promise<void> {
    this.#fatal = e;
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    const queued = this.#queue;
    this.#queue = [];
    for (const p of queued) p.reject(new SequencerError("SEQUENCER_STOPPED", "the sequencer stopped", { cause: e }));
  }

  /** Why the sequencer stopped on its own, if it did. */
  get failure(): unknown {
    return this.#fatal;
  }
}

/** hostname:pid:random — unique per process, and lets a successor on the same host see that the holder died. */
function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/**
 * A lease held by a process on this host that no longer exists can be taken at once instead of
 * waiting for it to expire (a restart after kill -9). Holders on other hosts are never judged here.
 */
function isDeadLocalHolder(holder: string): boolean {
  const [host, pid] = holder.split(":");
  if (host !== hostname() || pid === undefined || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}
