/**
 * Serialises work per key (a warning id, a record id) inside one process. `run` queues a batch behind
 * every earlier holder of any of its keys, all keys at once in one synchronous step: a batch only ever
 * waits for batches queued before it, so no two batches can wait on each other, whatever the order of
 * their keys. So no sorting: a batch of 1 000 records holds 2 000 keys, whose sort took ~0.4 ms of the
 * event loop. (The PostgreSQL advisory locks, taken one by one across processes, do sort.)
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(keys: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    const held = new Set(keys);
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const waits: Promise<void>[] = [];
    for (const k of held) {
      const prev = this.#tails.get(k);
      if (prev) waits.push(prev);
      this.#tails.set(k, done);
    }
    try {
      await Promise.all(waits);
      return await fn();
    } finally {
      release();
      for (const k of held) if (this.#tails.get(k) === done) this.#tails.delete(k);
    }
  }
}
