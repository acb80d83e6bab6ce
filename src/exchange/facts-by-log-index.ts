/**
 * A value per log index, for logs where many indexes share one of a few distinct values (the TLP facts
 * of a stored record: thousands of warnings from one sender to the same recipients under one marking
 * carry the same facts). Each distinct value is kept once (`distinct`); each index holds only the
 * number of its value, two bytes in a Uint16Array chunk of 2^16 indexes.
 *
 * Why: a cache of one object per record held 250 000 records in ≈ 32 MiB and, paged in order through a
 * larger log, was always missed (an oldest-first cache of N entries never hits a cyclic scan of more
 * than N): every record of a 1 000 000-record pass was hashed and parsed again, and the objects it
 * made and evicted grew the heap (issue 16, target 5). Here 1 000 000 records take 2 MiB, typed arrays
 * the collector does not walk.
 *
 * Bounded: at most `maxChunks` chunks (oldest made first out) and `maxDistinct` distinct values of at
 * most `maxWeight` estimated bytes in all; when the distinct values are full, everything is forgotten
 * and the cache starts afresh (what it held can always be read again). A value the caller does not
 * want shared (`key` undefined) is not held here.
 */
export class FactsByLogIndex<V> {
  readonly #chunks = new Map<number, Uint16Array>();
  /** Chunk numbers, oldest made first. */
  #order: number[] = [];
  #values: V[] = [];
  #ids = new Map<string, number>();
  #weight = 0;

  constructor(
    private readonly limits: { readonly maxChunks: number; readonly maxDistinct: number; readonly maxWeight: number },
    private readonly weigh: (value: V) => number,
  ) {
    if (limits.maxDistinct < 1 || limits.maxDistinct > 0xffff) throw new RangeError("between 1 and 65 535 distinct values");
  }

  get(index: number): V | undefined {
    const chunk = this.#chunks.get(Math.floor(index / CHUNK));
    const id = chunk === undefined ? 0 : chunk[index % CHUNK]!;
    return id === 0 ? undefined : this.#values[id - 1];
  }

  /** Holds `value` for `index`; `key` names the value (equal keys, equal values). */
  set(index: number, value: V, key: string): void {
    let id = this.#ids.get(key);
    if (id === undefined) {
      const w = this.weigh(value);
      if (w > this.limits.maxWeight) return;
      if (this.#values.length >= this.limits.maxDistinct || this.#weight + w > this.limits.maxWeight) this.clear();
      this.#values.push(value);
      id = this.#values.length;
      this.#ids.set(key, id);
      this.#weight += w;
    }
    const n = Math.floor(index / CHUNK);
    let chunk = this.#chunks.get(n);
    if (chunk === undefined) {
      if (this.#order.length >= this.limits.maxChunks) this.#chunks.delete(this.#order.shift()!);
      chunk = new Uint16Array(CHUNK);
      this.#chunks.set(n, chunk);
      this.#order.push(n);
    }
    chunk[index % CHUNK] = id;
  }

  clear(): void {
    this.#chunks.clear();
    this.#order = [];
    this.#values = [];
    this.#ids = new Map();
    this.#weight = 0;
  }

  /** Distinct values held and chunks allocated (for tests). */
  get stats(): { distinct: number; chunks: number; weight: number } {
    return { distinct: this.#values.length, chunks: this.#chunks.size, weight: this.#weight };
  }
}

/** Indexes per chunk: a chunk is 128 KiB. */
const CHUNK = 65_536;
