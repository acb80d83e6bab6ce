import { bytesEqual } from "../crypto/bytes.js";
import { HASH_BYTES, hashChildren } from "./hasher.js";
import { MerkleError } from "./merkle-errors.js";
import { isTreeSize } from "./node-id.js";

/*
 * Proof verification exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 write it. The inputs are
 * attacker-controlled: every length and range is checked before any hashing, and a failure throws a
 * MerkleError naming what failed. Index arithmetic avoids bitwise operators (32-bit in JavaScript).
 */

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

function checkHash(h: Uint8Array, what: string): void {
  if (h.length !== HASH_BYTES) throw new MerkleError("MERKLE_BAD_HASH", `${what} must be ${HASH_BYTES} bytes`);
}

/** Recomputes the root that an inclusion proof implies (RFC 9162 §2.1.3.2 steps 1–5). */
export function rootFromInclusionProof(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  if (!isTreeSize(size)) throw new MerkleError("MERKLE_BAD_SIZE", "tree size must be an integer in [0, 2^53)");
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new MerkleError("MERKLE_INDEX_OUT_OF_RANGE", `leaf index ${index} is outside a tree of size ${size}`);
  }
  checkHash(leafHash, "leaf hash");
  proof.forEach((p, i) => checkHash(p, `proof hash ${i}`));
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new MerkleError("MERKLE_PROOF_WRONG_LENGTH", "inclusion proof has too many hashes");
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new MerkleError("MERKLE_PROOF_WRONG_LENGTH", "inclusion proof has too few hashes");
  return r;
}

/** Verifies that `leafHash` is leaf `index` of the tree of `size` with root `root`; throws otherwise. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash(root, "root");
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  if (!bytesEqual(computed, root)) throw new MerkleError("MERKLE_ROOT_MISMATCH", "inclusion proof does not lead to the root");
}

/**
 * Verifies that the tree (size2, root2) extends the tree (size1, root1); throws otherwise.
 *
 * Equal sizes need an empty proof and equal roots: two different roots for one size is a fork.
 * size1 = 0 is refused here, as the Go reference does; the empty tree's consistency with any tree is a
 * protocol-level rule (an empty proof), not a Merkle proof.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  if (!isTreeSize(size1) || !isTreeSize(size2)) throw new MerkleError("MERKLE_BAD_SIZE", "sizes must be integers in [0, 2^53)");
  if (size1 < 1 || size2 < size1) {
    throw new MerkleError("MERKLE_INDEX_OUT_OF_RANGE", `no consistency proof from size ${size1} to ${size2}`);
  }
  if (size1 === size2) {
    // As the Go reference: equal trees are compared byte for byte, whatever their encoding.
    if (proof.length !== 0) throw new MerkleError("MERKLE_PROOF_WRONG_LENGTH", "proof between equal sizes must be empty");
    if (!bytesEqual(root1, root2)) throw new MerkleError("MERKLE_ROOT_MISMATCH", "two different roots for the same size");
    return;
  }
  checkHash(root1, "first root");
  checkHash(root2, "second root");
  // Step 1: an empty proof never proves anything between different sizes.
  if (proof.length === 0) throw new MerkleError("MERKLE_PROOF_WRONG_LENGTH", "consistency proof is empty");
  // Step 2: when size1 is a power of two the old root is itself a node of the new tree, and the
  // proof leaves it out; put it back at the front.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  const implied = rootsFromConsistencyPath(size1, size2, path);
  if (!bytesEqual(implied.root1, root1)) throw new MerkleError("MERKLE_ROOT_MISMATCH", "proof does not lead to the first root");
  if (!bytesEqual(implied.root2, root2)) throw new MerkleError("MERKLE_ROOT_MISMATCH", "proof does not lead to the second root");
}

/**
 * The two roots a consistency path implies (RFC 9162 §2.1.4.2 steps 3–7): `path` is the proof with,
 * when size1 is a power of two, the node covering the first size1 leaves put back at its front. Under
 * a collision-resistant hash, a path that leads to a signed root2 proves what root the same tree had
 * at size1 — so a path leading to root2 but to another root1 than a second signed checkpoint of size1
 * is offline proof that the two checkpoints are not one history (a split view).
 */
export function rootsFromConsistencyPath(size1: number, size2: number, path: readonly Uint8Array[]): { root1: Uint8Array; root2: Uint8Array } {
  if (!isTreeSize(size1) || !isTreeSize(size2)) throw new MerkleError("MERKLE_BAD_SIZE", "sizes must be integers in [0, 2^53)");
  if (size1 < 1 || size2 <= size1) throw new MerkleError("MERKLE_INDEX_OUT_OF_RANGE", `no consistency path from size ${size1} to ${size2}`);
  if (path.length === 0) throw new MerkleError("MERKLE_PROOF_WRONG_LENGTH", "consistency path is empty");
  path.forEach((p, i) => checkHash(p, `proof hash ${i}`));
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) throw new MerkleError("MERKLE_PROOF_WRONG_LENGTH", "consistency proof has too many hashes");
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) throw new MerkleError("MERKLE_PROOF_WRONG_LENGTH", "consistency proof has too few hashes");
  return { root1: fr, root2: sr };
}

/** Is n a power of two (then a consistency proof from n leaves out the old root, RFC 9162 §2.1.4.1)? */
export function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
