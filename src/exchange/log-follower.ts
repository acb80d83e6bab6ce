import type { Store, StoredRecord } from "../store/store.js";

/** Records read per store call. */
const PAGE = 1000;

/**
 * A reader of the log that remembers where it stopped: each `poll` hands over the records appended
 * since its last position, in log order, read from the store — so a process learns of records every
 * other process admitted, whatever transport they came by. Background services (the escalator, and
 * later witnesses, outboxes, notifications) are built on it rather than on callbacks from routes.
 *
 * The position advances past a record only once its handler has returned: a handler that throws is
 * handed the same record again at the next poll. Log indices become visible in order (one sequencer,
 * fenced appends), so nothing appended before the position can still appear behind it.
 */
export class LogFollower {
  #position = -1;

  constructor(
    private readonly store: Store,
    /** Only records of this kind (the store reads them from an index on kind and log index). */
    private readonly kind?: string,
  ) {}

  /** The log index of the last record handled (-1 before the first). */
  get position(): number {
    return this.#position;
  }

  /** Starts again from the beginning of the log. */
  reset(): void {
    this.#position = -1;
  }

  /** Continues after `position` (a position saved earlier: records up to it were handled). */
  seek(position: number): void {
    this.#position = position;
  }

  /** Hands every record after the position to `handle`, page by page; returns how many. */
  async poll(handle: (record: StoredRecord) => void | Promise<void>): Promise<number> {
    let handled = 0;
    for (;;) {
      const page = await this.store.recordsAfter(this.#position, PAGE, this.kind);
      for (const r of page) {
        await handle(r);
        this.#position = r.logIndex;
        handled++;
      }
      if (page.length < PAGE) return handled;
    }
  }
}
