import type { DeadlineChange, DeadlineRow, Store } from "../store/store.js";
import { DeadlineIndex } from "./deadline-index.js";
import { LogFollower } from "./log-follower.js";

/** Rows of a queue held in memory after a load: the earliest ones, whatever the size of the log. */
const IN_MEMORY = 1000;
/** Changes kept before they are written while following (a page of the log, or the fill of a migrated store). */
const FLUSH_EVERY = 1000;

/**
 * When to look at each warning again, kept in the database (the `deadline` table, schema version 8)
 * with only its earliest rows in memory: the escalator's and the deadline notifier's index. Before, each
 * kept every open warning in a heap (≈ 165 B each, 1 000 000 open warnings ≈ 190 MiB of live heap) and
 * rebuilt it at every start by parsing every warning version of the log (60 s at 1 000 000).
 *
 * What memory holds: every row due before `#beyond` (and perhaps some due at it); rows at or after it
 * are only in the store. A key scheduled before `#beyond` joins memory as well as the store; when what
 * is due reaches `#beyond`, the next earliest rows are loaded. So an idle look costs nothing, however
 * many warnings are open, and memory holds at most ≈ 2 × IN_MEMORY entries.
 *
 * Writes are kept until `flush` and then made in one transaction together with the followers' log
 * positions (`savePosition`): a crash loses both or neither, and the follower reads again from its
 * saved position what it had not written. A write made on a view another process has since changed
 * cannot move a row later than it must be (schedules keep the earlier instant, moves happen only from
 * the instant that was taken), so the worst a stale view costs is one look too many.
 */
export class DeadlineQueue {
  readonly #memory = new DeadlineIndex();
  /** Every row due before this instant is in memory; undefined until the first load; +∞ when the store holds no other. */
  #beyond: number | undefined;
  #pending: DeadlineChange[] = [];
  #positions = new Map<string, number>();

  constructor(
    private readonly store: Pick<Store, "earliestDeadlines" | "saveDeadlines" | "cursor">,
    /** The queue's name in the table. */
    readonly name: string,
    private readonly inMemoryRows: number = IN_MEMORY,
  ) {}

  /** Keys held in memory (bounded, whatever the number of open warnings). */
  get inMemory(): number {
    return this.#memory.size;
  }

  /** Forgets everything not yet written and what memory holds: the next look reloads from the store. */
  reset(): void {
    this.#memory.clear();
    this.#beyond = undefined;
    this.#pending = [];
    this.#positions = new Map();
  }

  /** Look at `key` at `at`, or earlier if it is already due earlier. */
  schedule(key: string, at: number): void {
    this.#pending.push({ key, earliest: at });
    if (this.#beyond !== undefined && at < this.#beyond) this.#memory.schedule(key, at);
  }

  /** After a look at `key` taken at `from`: look again at `to`, or never (undefined). */
  moved(key: string, from: number, to: number | undefined): void {
    this.#pending.push({ key, from, to });
    if (to !== undefined && this.#beyond !== undefined && to < this.#beyond) this.#memory.schedule(key, to);
  }

  /** A look that failed: `key` stays due at `at` (its row was not changed), looked at again next time. */
  retry(key: string, at: number): void {
    if (this.#beyond !== undefined && at < this.#beyond) this.#memory.schedule(key, at);
  }

  /** A follower's log position, written with the changes derived from the records up to it. */
  savePosition(follower: string, position: number): void {
    this.#positions.set(follower, position);
  }

  get unwritten(): number {
    return this.#pending.length;
  }

  /** Writes the changes and positions kept so far, in one transaction; kept for the next try if it fails. */
  async flush(): Promise<void> {
    if (this.#pending.length === 0 && this.#positions.size === 0) return;
    const changes = this.#pending;
    const positions = this.#positions;
    this.#pending = [];
    this.#positions = new Map();
    try {
      await this.store.saveDeadlines(this.name, changes, positions);
    } catch (e) {
      this.#pending = [...changes, ...this.#pending];
      for (const [k, v] of positions) if (!this.#positions.has(k)) this.#positions.set(k, v);
      throw e;
    }
  }

  /**
   * Takes (out of memory) the keys due at `now`, earliest first, loading the next rows from the store
   * when memory holds no more of what is due; empty when nothing more is. Keys in `skip` (looks that
   * failed in this round) are left where they are. A taken key is answered with `moved` or `retry`.
   */
  async takeDue(now: number, skip: ReadonlySet<string>): Promise<DeadlineRow[]> {
    if (this.#beyond === undefined) await this.#load();
    for (let loaded = false; ; loaded = true) {
      const due = this.#memory.takeDue(now);
      const fresh: DeadlineRow[] = [];
      for (const d of due) {
        if (skip.has(d.id)) this.#memory.schedule(d.id, d.at);
        else fresh.push({ key: d.id, dueMs: d.at });
      }
      if (fresh.length > 0) return fresh;
      // Nothing more due in memory: the store holds more only if its next row is due too. After one
      // load that brought only skipped keys, stop (they are retried next round).
      if (this.#beyond! > now || loaded) return [];
      await this.#load();
    }
  }

  /** After a round: memory that grew past its bound (keys scheduled before `#beyond`) is reloaded. */
  async trim(): Promise<void> {
    if (this.#memory.size > 2 * this.inMemoryRows) await this.#load();
  }

  async #load(): Promise<void> {
    await this.flush();
    const rows = await this.store.earliestDeadlines(this.name, this.inMemoryRows + 1);
    this.#memory.clear();
    for (const r of rows.slice(0, this.inMemoryRows)) this.#memory.schedule(r.key, r.dueMs);
    this.#beyond = rows.length > this.inMemoryRows ? rows[this.inMemoryRows]!.dueMs : Number.POSITIVE_INFINITY;
  }
}

/**
 * A follower of one kind of record whose position is saved with the queue's rows it derived: a start
 * reads only what was appended since (a store migrated from schema 7 has no position and is filled
 * from the start of the log, its progress saved as it goes).
 */
export class QueueFollower {
  readonly #follower: LogFollower;
  #opened = false;

  constructor(
    private readonly store: Pick<Store, "cursor" | "recordsAfter">,
    kind: string,
    private readonly queue: DeadlineQueue,
    /** The position's name (in `federation_cursor`). */
    readonly name: string,
  ) {
    this.#follower = new LogFollower(store as Store, kind);
  }

  /** Reads the saved position again at the next poll (a start, or a new lease). */
  reset(): void {
    this.#opened = false;
  }

  /** Hands each record appended since the saved position to `derive`, which schedules on the queue. */
  async poll(derive: (record: Parameters<Parameters<LogFollower["poll"]>[0]>[0]) => void): Promise<void> {
    if (!this.#opened) {
      this.#follower.seek(await this.store.cursor(this.name));
      this.#opened = true;
    }
    await this.#follower.poll(async (r) => {
      derive(r);
      this.queue.savePosition(this.name, r.logIndex);
      if (this.queue.unwritten >= FLUSH_EVERY) await this.queue.flush();
    });
  }
}
