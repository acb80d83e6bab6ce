import { hashChildren } from "./hasher.js";
import { MerkleError } from "./merkle-errors.js";
import { isTreeSize, nodeKey, rangeNodes, splitPoint, type NodeId } from "./node-id.js";

/**
 * Proof generation in two steps, so that storage stays out of the maths:
 * 1. a *plan* names, for each proof hash, the complete subtrees whose hashes make it (pure, no I/O);
 * 2. the caller fetches those node hashes in one round trip and {@link assembleProof} folds them.
 *
 * A proof hash is one stored node when its subtree is complete; at the right edge of a tree whose
 * size is not a power of two it is an "ephemeral" node, folded from O(log n) complete subtrees.
 * Either way a proof costs O(log n) reads and hashes, never a walk over the leaves.
 */
export type ProofPlan = readonly (readonly NodeId[])[];

function checkSize(size: number, what: string): void {
  if (!isTreeSize(size)) throw new MerkleError("MERKLE_BAD_SIZE", `${what} must be an integer in [0, 2^53)`);
}

/** The subtrees of RFC 9162 §2.1.3.1 PATH(index, D[0:size]), proof hashes ordered leaf level upward. */
export function inclusionPlan(index: number, size: number): ProofPlan {
  checkSize(size, "tree size");
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new MerkleError("MERKLE_INDEX_OUT_OF_RANGE", `leaf index ${index} is outside a tree of size ${size}`);
  }
  const topDown: NodeId[][] = [];
  let begin = 0;
  let end = size;
  while (end - begin > 1) {
    const k = splitPoint(end - begin);
    if (index < begin + k) {
      topDown.push(rangeNodes(begin + k, end)); // MTH(D[k:n]) is the sibling on the right
      end = begin + k;
    } else {
      topDown.push(rangeNodes(begin, begin + k)); // MTH(D[0:k]) is the sibling on the left
      begin += k;
    }
  }
  return topDown.reverse();
}

/**
 * The subtrees of RFC 9162 §2.1.4.1 PROOF(size1, D[0:size2]). Sizes 0 < size1 ≤ size2; a proof
 * between equal sizes is empty. Size 0 is the protocol layer's to handle (the empty tree is
 * consistent with every tree and has no proof).
 */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  checkSize(size1, "first size");
  checkSize(size2, "second size");
  if (size1 < 1 || size1 > size2) {
    throw new MerkleError("MERKLE_INDEX_OUT_OF_RANGE", `no consistency proof from size ${size1} to ${size2}`);
  }
  const topDown: NodeId[][] = [];
  let m = size1;
  let begin = 0;
  let end = size2;
  // SUBPROOF's flag b: true while the old tree's root is still a prefix of the current subtree on
  // the left edge, in which case the verifier already knows that hash and it is left out.
  let knownRoot = true;
  while (m !== end - begin) {
    const k = splitPoint(end - begin);
    if (m <= k) {
      topDown.push(rangeNodes(begin + k, end));
      end = begin + k;
    } else {
      topDown.push(rangeNodes(begin, begin + k));
      begin += k;
      m -= k;
      knownRoot = false;
    }
  }
  if (!knownRoot) topDown.push(rangeNodes(begin, end));
  return topDown.reverse();
}

/** The complete subtrees whose fold is the root of the first `size` leaves (empty for size 0). */
export function rootPlan(size: number): NodeId[] {
  checkSize(size, "tree size");
  return rangeNodes(0, size);
}

/** Every distinct node a plan needs, for a single batched read. */
export function planNodes(plan: ProofPlan): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const step of plan) for (const id of step) seen.set(nodeKey(id.level, id.index), id);
  return [...seen.values()];
}

/** Looks a node hash up by coordinates; throws when the store failed to provide one. */
export type NodeHashes = (id: NodeId) => Uint8Array;

/** Folds complete subtrees, left to right, into the hash of the range they cover. */
export function foldRange(ids: readonly NodeId[], hashOf: NodeHashes): Uint8Array {
  if (ids.length === 0) throw new RangeError("empty range");
  // The right-most subtree is the deepest in RFC 9162's split: fold from the right.
  let acc = hashOf(ids[ids.length - 1]!);
  for (let i = ids.length - 2; i >= 0; i--) acc = hashChildren(hashOf(ids[i]!), acc);
  return acc;
}

/** Turns a plan and the fetched node hashes into the proof's hash list. */
export function assembleProof(plan: ProofPlan, hashOf: NodeHashes): Uint8Array[] {
  return plan.map((step) => foldRange(step, hashOf));
}

/** A {@link NodeHashes} over a map keyed by {@link nodeKey}. */
export function hashesFromMap(map: ReadonlyMap<string, Uint8Array>): NodeHashes {
  return (id) => {
    const h = map.get(nodeKey(id.level, id.index));
    if (h === undefined) throw new RangeError(`node ${id.level}/${id.index} missing`);
    return h;
  };
}
