/**
 * Coordinates of complete subtrees, and the index arithmetic the proofs need.
 *
 * Node (level, index) is the root of the complete subtree over leaves
 * [index·2^level, (index+1)·2^level). Level 0 nodes are the leaf hashes.
 *
 * Indices and sizes are JavaScript numbers used only with +, −, ×, ÷ and Math.floor, never the
 * bitwise operators, which truncate to 32 bits: a log past 2^32 leaves must still prove correctly.
 * Everything is exact up to Number.MAX_SAFE_INTEGER (2^53 − 1).
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

export function isTreeSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** The largest power of two strictly less than n, for n ≥ 2 (RFC 9162 §2.1.1's split point k). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** 2^level as an exact number. */
export function pow2(level: number): number {
  return 2 ** level;
}

/** The first leaf index covered by a node. */
export function nodeStart(id: NodeId): number {
  return id.index * pow2(id.level);
}

/** A stable string key for maps of node hashes. */
export function nodeKey(level: number, index: number): string {
  return `${level}/${index}`;
}

/**
 * The leaf range [begin, end) as the fewest complete aligned subtrees, left to right.
 *
 * Every range a proof asks about starts at a multiple of a power of two at least as large as the
 * range's first subtree, so the greedy choice — the largest aligned subtree that fits — is also
 * the one RFC 9162's recursive split makes.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  let at = begin;
  while (at < end) {
    let level = 0;
    // Grow while the next larger subtree is still aligned at `at` and fits inside the range.
    while (at % pow2(level + 1) === 0 && at + pow2(level + 1) <= end) level++;
    out.push({ level, index: at / pow2(level) });
    at += pow2(level);
  }
  return out;
}
