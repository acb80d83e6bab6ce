import { EMPTY_ROOT, hashChildren } from "./hasher.js";
import { pow2, type NodeId } from "./node-id.js";

/**
 * The right edge of a growing tree (a "compact range" over [0, size)): one complete subtree per set
 * bit of the size, largest first. Appending a leaf merges equal-sized peaks, so each append costs
 * amortised two hashes and emits every node it completes — exactly the interior hashes the log stores.
 * The root of the current size folds the peaks (≤ 64 hashes).
 */
export class MerkleFrontier {
  #size: number;
  readonly #peaks: { level: number; hash: Uint8Array }[];

  /** Starts from the peaks of an existing tree (as {@link rangeNodes}(0, size) names them), or empty. */
  constructor(size = 0, peakHashes: readonly Uint8Array[] = []) {
    this.#size = size;
    this.#peaks = [];
    let remaining = size;
    let i = 0;
    for (let level = 63; level >= 0; level--) {
      if (remaining >= pow2(level)) {
        const hash = peakHashes[i++];
        if (hash === undefined) throw new RangeError("too few peak hashes for the size");
        this.#peaks.push({ level, hash });
        remaining -= pow2(level);
      }
    }
    if (i !== peakHashes.length) throw new RangeError("too many peak hashes for the size");
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash; `emit` receives every node it completes (level ≥ 1), bottom up,
   * with coordinates.
   */
  push(leafHash: Uint8Array, emit?: (id: NodeId, hash: Uint8Array) => void): void {
    this.pushSubtree(0, leafHash, emit);
  }

  /**
   * Appends 2^level leaves at once, given the hash of the complete subtree they form; the size must be
   * a multiple of 2^level (the subtree is aligned, as in a tree grown leaf by leaf). `emit` receives the
   * nodes above it that it completes. `push` is the case of level 0.
   */
  pushSubtree(subtreeLevel: number, subtreeHash: Uint8Array, emit?: (id: NodeId, hash: Uint8Array) => void): void {
    if (this.#size % pow2(subtreeLevel) !== 0) throw new RangeError("a subtree of that level would not be aligned at this size");
    let level = subtreeLevel;
    let index = this.#size / pow2(subtreeLevel);
    let hash = subtreeHash;
    for (;;) {
      const last = this.#peaks[this.#peaks.length - 1];
      if (last === undefined || last.level !== level) break;
      this.#peaks.pop();
      hash = hashChildren(last.hash, hash);
      level++;
      index = Math.floor(index / 2);
      emit?.({ level, index }, hash);
    }
    this.#peaks.push({ level, hash });
    this.#size += pow2(subtreeLevel);
  }

  /** MTH of the leaves so far (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    if (this.#peaks.length === 0) return EMPTY_ROOT;
    let acc = this.#peaks[this.#peaks.length - 1]!.hash;
    for (let i = this.#peaks.length - 2; i >= 0; i--) acc = hashChildren(this.#peaks[i]!.hash, acc);
    return acc;
  }

  /**
   * MTH of these leaves followed by more whose own MTH is `rest`, when those are fewer than the last
   * peak covers: how a log audited in aligned ranges puts a root together from the ranges before.
   */
  rootWith(rest: Uint8Array): Uint8Array {
    let acc = rest;
    for (let i = this.#peaks.length - 1; i >= 0; i--) acc = hashChildren(this.#peaks[i]!.hash, acc);
    return acc;
  }

  /** A copy, so a batch can be prepared and thrown away if its commit fails. */
  clone(): MerkleFrontier {
    return new MerkleFrontier(this.#size, this.#peaks.map((p) => p.hash));
  }
}
