/**
 * Serialises work per key (a warning id, a record id) inside one process. `run` takes every key of a
 * batch at once, in sorted order, so two batches sharing keys can never deadlock.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(keys: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const waits: Promise<void>[] = [];
    for (const k of sorted) {
      const prev = this.#tails.get(k);
      if (prev) waits.push(prev);
      this.#tails.set(k, done);
    }
    try {
      await Promise.all(waits);
      return await fn();
    } finally {
      release();
      for (const k of sorted) if (this.#tails.get(k) === done) this.#tails.delete(k);
    }
  }
}
