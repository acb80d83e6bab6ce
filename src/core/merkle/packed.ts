import { sha256Into } from "../crypto/sha256.js";
import { HASH_BYTES } from "./hasher.js";

/*
 * The hashes of a whole run of leaves, level by level, into flat buffers (32 bytes a hash, back to
 * back): what `log audit` recomputes for each block of the log, without an object per leaf or node.
 * Same hashing as hasher.ts (RFC 9162 §2.1.1: 0x00 ‖ leaf, 0x01 ‖ left ‖ right); a level of a block is
 * then compared with the stored level in one call.
 */

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** Leaf hashes of leaves packed back to back in `data`, leaf i ending at `ends[i]`, into `out` (32 B each). */
export function hashLeavesInto(data: Uint8Array, ends: ArrayLike<number>, out: Uint8Array): void {
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    sha256Into(out, i * HASH_BYTES, LEAF_PREFIX, data.subarray(start, end));
    start = end;
  }
}

/** The `count` parents of 2·count consecutive hashes in `below`: out[j] = H(0x01 ‖ below[2j] ‖ below[2j+1]). */
export function hashParentsInto(below: Uint8Array, count: number, out: Uint8Array): void {
  for (let j = 0; j < count; j++) sha256Into(out, j * HASH_BYTES, NODE_PREFIX, below.subarray(2 * j * HASH_BYTES, (2 * j + 2) * HASH_BYTES));
}

/**
 * The complete levels of a run of `leaves` leaves starting at a multiple of the next power of two ≥ it
 * (an aligned block): levels[0] the leaf hashes as given, levels[l] its ⌊leaves / 2^l⌋ complete nodes.
 */
export function hashLevels(leafHashes: Uint8Array, leaves: number): Uint8Array[] {
  const levels = [leafHashes.subarray(0, leaves * HASH_BYTES)];
  for (let n = leaves >>> 1; n > 0; n >>>= 1) {
    const out = new Uint8Array(n * HASH_BYTES);
    hashParentsInto(levels[levels.length - 1]!, n, out);
    levels.push(out);
  }
  return levels;
}

/**
 * Hash `index` of a packed level, as a copy: a view would keep the whole level alive, and be sent
 * whole to another thread (a structured clone copies a view's entire buffer).
 */
export function hashAt(level: Uint8Array, index: number): Uint8Array {
  return level.slice(index * HASH_BYTES, (index + 1) * HASH_BYTES);
}

/**
 * The aligned subtrees that make up the first `size` leaves of a block, largest first (one per set bit
 * of `size`): [level, index within that level of the block].
 */
export function prefixSubtrees(size: number): [level: number, index: number][] {
  const out: [number, number][] = [];
  let at = 0;
  for (let level = 31 - Math.clz32(size); level >= 0; level--) {
    if ((size & (2 ** level)) === 0) continue;
    out.push([level, at >>> level]);
    at += 2 ** level;
  }
  return out;
}
