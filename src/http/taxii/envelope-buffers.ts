/**
 * Buffers for TAXII envelopes, used again from one response to the next.
 *
 * A page of 1 000 objects is ≈ 1.4 MB. A fresh buffer of that size for every page is memory fresh from
 * the kernel (the allocator hands blocks that large back to it once they are freed), and the page
 * faults of filling it cost ≈ 0.85 µs an object, three times the copying itself (measured on the
 * 100 000-object paging store: 1.14 µs an object written into a fresh buffer, 0.29 into one used
 * before; issue 16).
 *
 * A buffer comes back only when its response has finished: Node emits `finish` once the socket's
 * writes of it have completed (every byte handed to the kernel) or been cancelled (the client went
 * away mid-page), so no socket can still be reading it when the next page is written there. A
 * response that never finishes never gives its buffer back; the garbage collector takes it.
 */
export class EnvelopeBuffers {
  readonly #free: Buffer[] = [];

  /**
   * @param keep how many idle buffers are kept (more concurrent pages than that allocate afresh)
   * @param largest a buffer larger than this is not kept (one huge page must not pin its memory)
   */
  constructor(
    private readonly keep = 4,
    private readonly largest = 8 * 2 ** 20,
  ) {}

  /** A buffer of at least `size` bytes with unspecified contents: an idle one when one is large enough. */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i]!;
      if (b.length >= size && (best < 0 || b.length < this.#free[best]!.length)) best = i;
    }
    if (best >= 0) return this.#free.splice(best, 1)[0]!;
    // Rounded up a little, so that the next, slightly longer page of a feed fits the same buffer.
    return Buffer.allocUnsafeSlow(Math.ceil((size * 1.25) / 4096) * 4096);
  }

  /** Gives `b` (as returned by `take`) back for reuse. Only when nothing will read it any more. */
  give(b: Buffer): void {
    if (b.length > this.largest || this.#free.includes(b)) return;
    if (this.#free.length >= this.keep) {
      // Keep the larger ones: a small one serves fewer pages.
      const smallest = this.#free.reduce((s, x, i) => (x.length < this.#free[s]!.length ? i : s), 0);
      if (this.#free[smallest]!.length >= b.length) return;
      this.#free.splice(smallest, 1);
    }
    this.#free.push(b);
  }

  /** How many idle buffers are held (for tests). */
  get idle(): number {
    return this.#free.length;
  }
}
