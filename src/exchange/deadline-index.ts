/**
 * Which warning to look at next, and when: a binary min-heap of (instant, warning id), at most one
 * live entry per warning (the earliest). Taking what is due costs O(log n) per due entry, and looking
 * when nothing is due costs O(1), so the escalator's idle work does not grow with open warnings.
 *
 * Scheduling a warning earlier than its live entry supersedes that entry; the superseded one stays in
 * the heap until it surfaces and is dropped (lazy deletion, cheaper than finding it).
 */
export class DeadlineIndex {
  readonly #heap: { at: number; id: string }[] = [];
  /** The live entry's instant per warning. */
  readonly #live = new Map<string, number>();

  /** Warnings scheduled. */
  get size(): number {
    return this.#live.size;
  }

  /** Schedules `id` at `at`, unless it is already scheduled at or before `at`. */
  schedule(id: string, at: number): void {
    const current = this.#live.get(id);
    if (current !== undefined && current <= at) return;
    this.#live.set(id, at);
    this.#push({ at, id });
  }

  /** The earliest live instant, if any. */
  peek(): number | undefined {
    this.#dropStale();
    return this.#heap[0]?.at;
  }

  /** Removes and returns the warnings due at `now` (instant ≤ now), earliest first. */
  takeDue(now: number): { id: string; at: number }[] {
    const due: { id: string; at: number }[] = [];
    for (;;) {
      this.#dropStale();
      const top = this.#heap[0];
      if (top === undefined || top.at > now) return due;
      this.#pop();
      this.#live.delete(top.id);
      due.push(top);
    }
  }

  clear(): void {
    this.#heap.length = 0;
    this.#live.clear();
  }

  #dropStale(): void {
    while (this.#heap.length > 0 && this.#live.get(this.#heap[0]!.id) !== this.#heap[0]!.at) this.#pop();
  }

  #push(e: { at: number; id: string }): void {
    const h = this.#heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
