import type { WitnessStateMove, WitnessStore } from "../store/store.js";

/** Most moves committed together. */
const MAX_BATCH = 512;

/**
 * Group commit for a witness's state: the compare-and-swaps that arrive while a commit is on its way
 * go together in the next one (one transaction, one fsync), and each caller learns whether its own
 * swap moved the state only once that commit is durable. A witness under load then pays one disk
 * flush per batch instead of one per request, and still answers only after its state is persisted.
 */
export class WitnessStateBatcher {
  #queue: { move: WitnessStateMove; resolve: (moved: boolean) => void; reject: (e: unknown) => void }[] = [];
  #flushing = false;

  constructor(private readonly store: Pick<WitnessStore, "advanceWitnessedLogs">) {}

  advance(move: WitnessStateMove): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ move, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // Let the requests already read from the sockets join the first batch.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        const moved = await this.store.advanceWitnessedLogs(batch.map((b) => b.move));
        batch.forEach((b, i) => b.resolve(moved[i] === true));
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.#flushing = false;
  }
}
