/**
 * A cache of at most `limit` entries — and, when given a weight per entry, at most `maxWeight` in
 * total — that forgets the oldest insertion first, in constant time.
 *
 * Why not `map.delete(map.keys().next().value)`: V8's Map keeps deleted entries as holes at the front
 * of its insertion order until it rehashes, so each "first key" walks past every hole left by the
 * evictions before it. With a 250 000-entry TLP-facts cache that grew from 20 to 213 ms per 1 000
 * evictions (issue 16; 148 ms per 1 000 in a standalone run, against 2–5 ms here). The keys are kept
 * in a ring instead (oldest at `#head`), each with its weight beside it.
 *
 * Why a weight: a count bounds memory only if entries are alike in size. An entry's weight is what
 * `weigh` estimates it holds in bytes (fixed when it is first added), so entries a hostile input makes
 * large (a record naming thousands of recipients) cannot take the node's memory with them.
 */
export class BoundedCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #ring: (K | undefined)[];
  readonly #weights: Float64Array | undefined;
  #head = 0;
  #count = 0;
  #weight = 0;

  constructor(
    readonly limit: number,
    private readonly budget?: { readonly maxWeight: number; readonly weigh: (value: V) => number },
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("a bounded cache holds at least one entry");
    this.#ring = new Array<K | undefined>(limit);
    this.#weights = budget ? new Float64Array(limit) : undefined;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The total weight of the entries held (0 without a budget). */
  get weight(): number {
    return this.#weight;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  /** Adds an entry not yet cached (a key already present keeps its place and weight and takes the new value). */
  set(key: K, value: V): void {
    if (this.#map.has(key)) {
      this.#map.set(key, value);
      return;
    }
    const w = this.budget ? this.budget.weigh(value) : 0;
    // Never more than one entry heavier than the whole budget, and never more than `limit` entries.
    while (this.#count > 0 && (this.#count === this.limit || (this.budget !== undefined && this.#weight + w > this.budget.maxWeight))) this.#evictOldest();
    const slot = (this.#head + this.#count) % this.limit;
    this.#ring[slot] = key;
    if (this.#weights) this.#weights[slot] = w;
    this.#count++;
    this.#weight += w;
    this.#map.set(key, value);
  }

  #evictOldest(): void {
    const key = this.#ring[this.#head]!;
    this.#map.delete(key);
    this.#ring[this.#head] = undefined;
    if (this.#weights) this.#weight -= this.#weights[this.#head]!;
    this.#head = this.#head + 1 === this.limit ? 0 : this.#head + 1;
    this.#count--;
  }
}
