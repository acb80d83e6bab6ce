import type { Clock } from "../core/clock.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import type { Sequencer } from "../log/sequencer.js";
import type { Store } from "../store/store.js";

/**
 * Which process of a shared database sequences the log. Every process runs this loop: a process
 * without the lease tries to take it every quarter TTL (it succeeds once the leader's lease expires,
 * or at once if the leader's PID on this host is gone), and then starts its sequencer and the tasks that
 * run only where the log is sequenced (the escalator); a leader whose sequencer stopped (lease lost,
 * store error) stops those tasks and competes again.
 *
 * The lease's fencing epoch, checked inside every append transaction, is what makes this safe: the
 * loop only decides who tries to write, the store decides who can.
 */
export class Leadership {
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #leading = false;
  #stopped = false;
  #tasks: readonly LeaderTask[] = [];

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly sequencer: Sequencer;
      readonly clock: Clock;
      readonly leaseTtlMs: number;
    },
  ) {}

  /** One attempt now, then one every quarter TTL; `tasks` run while this process holds the lease. */
  async start(tasks: readonly LeaderTask[] = []): Promise<void> {
    this.#tasks = tasks;
    await this.#tick();
    this.#timer = setInterval(() => void this.#tick(), Math.max(100, Math.floor(this.d.leaseTtlMs / 4)));
    this.#timer.unref();
  }

  isLeader(): boolean {
    return this.d.sequencer.running;
  }

  /**
   * The URL the current, unexpired leader advertised in its lease; undefined between leaders. Looked
   * up at most every 200 ms (not once per hand-over); a stale answer costs at most a refused
   * connection, which the hand-over retries.
   */
  async leaderUrl(): Promise<string | undefined> {
    const now = this.d.clock.now();
    if (this.#known && this.#known.until > now) return this.#known.url;
    const lease = await this.d.store.currentLease();
    if (!lease || lease.expiresAt <= now) {
      this.#known = undefined;
      return undefined;
    }
    const url = lease.holder.split(" ")[1];
    this.#known = url === undefined ? undefined : { url, until: Math.min(lease.expiresAt, now + 200) };
    return url;
  }

  #known: { url: string; until: number } | undefined;

  /** Stops competing (the caller then stops the sequencer, which releases the lease). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const t of this.#tasks) t.stop();
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      if (!this.d.sequencer.running) {
        if (this.#leading) for (const t of this.#tasks) t.stop();
        this.#leading = false;
        try {
          await this.d.sequencer.start();
        } catch (e) {
          if (isTocsinError(e) && e.code === "SEQUENCER_NOT_LEADER") return;
          process.stderr.write(`tocsin: could not start sequencing: ${(e as Error).message}\n`);
          return;
        }
      }
      if (!this.#leading && !this.#stopped) {
        this.#leading = true;
        for (const t of this.#tasks) await t.start();
      }
    } catch (e) {
      process.stderr.write(`tocsin: leadership: ${(e as Error).message}\n`);
    } finally {
      this.#busy = false;
    }
  }
}

/** Background work that runs only in the process holding the lease (started when it is won, stopped when lost). */
export interface LeaderTask {
  start(): Promise<void>;
  stop(): void;
}
