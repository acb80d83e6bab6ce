import type { Store } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";

/** One open stream's wake-up call: `next` resolves when something may have been added (or on close). */
export interface StreamTicket {
  next(timeoutMs: number): Promise<void>;
  close(): void;
}

/**
 * One watcher of the database per process: every `pollMs` it reads the log size and the latest notice
 * number (two indexed reads, whatever the number of streams) and, when either moved, wakes every open
 * stream, which then reads its own events from its own position. Records admitted by any process reach
 * every process's streams this way. It also counts streams per party, refusing past the limit.
 */
export class EventHub {
  #timer: NodeJS.Timeout | undefined;
  #seen = "";
  readonly #waiters = new Set<() => void>();
  readonly #perParty = new Map<string, number>();

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly pollMs: number;
      /** Most concurrent streams of one party (each costs a connection and reads). */
      readonly maxPerParty: number;
    },
  ) {}

  /** Open streams, all parties together (tests check that a closed stream freed its place). */
  get open(): number {
    let n = 0;
    for (const v of this.#perParty.values()) n += v;
    return n;
  }

  /** Opens a stream for `party`; NOTIFY_TOO_MANY_STREAMS past the limit. */
  openStream(party: string): StreamTicket {
    const n = this.#perParty.get(party) ?? 0;
    if (n >= this.d.maxPerParty) {
      throw new ExchangeError("NOTIFY_TOO_MANY_STREAMS", `a party may hold at most ${this.d.maxPerParty} event streams at once`, { details: { limit: this.d.maxPerParty } });
    }
    this.#perParty.set(party, n + 1);
    this.#start();
    let closed = false;
    let wake: (() => void) | undefined;
    return {
      next: (timeoutMs) =>
        closed
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const timer = setTimeout(done, timeoutMs);
              const self = this;
              function done(): void {
                clearTimeout(timer);
                self.#waiters.delete(done);
                wake = undefined;
                resolve();
              }
              wake = done;
              this.#waiters.add(done);
            }),
      close: () => {
        if (closed) return;
        closed = true;
        wake?.();
        const left = (this.#perParty.get(party) ?? 1) - 1;
        if (left > 0) this.#perParty.set(party, left);
        else this.#perParty.delete(party);
        if (this.#perParty.size === 0) this.#stop();
      },
    };
  }

  /** Wakes every stream now (this process admitted something, or a test says so). */
  poke(): void {
    for (const w of [...this.#waiters]) w();
  }

  close(): void {
    this.#stop();
    this.poke();
  }

  /** Polls only while a stream is open: an idle node reads nothing. */
  #start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#tick(), this.d.pollMs);
    this.#timer.unref();
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #busy = false;
  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const seen = `${await this.d.store.logSize()}/${await this.d.store.maxNoticeSeq()}`;
      if (seen !== this.#seen) {
        this.#seen = seen;
        this.poke();
      }
    } catch {
      // The database is away for a moment: the streams keep their positions, the next tick retries.
    } finally {
      this.#busy = false;
    }
  }
}
