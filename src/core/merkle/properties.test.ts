import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { referenceConsistency, referencePath, referenceRoot } from "../../testing/rfc9162-reference.js";
import { sha256 } from "../crypto/sha256.js";
import { toHex } from "../crypto/bytes.js";
import { MemoryTree, MerkleError, MerkleFrontier, hashLeaf, rangeNodes, verifyConsistency, verifyInclusion } from "./index.js";
import { hashAt, hashLeavesInto, hashLevels, prefixSubtrees } from "./packed.js";

/*
 * Properties over random trees: the stored-node proofs equal RFC 9162's recursive definitions, every
 * proof verifies, and any single change — a flipped bit in any hash, a wrong index, a wrong size —
 * makes verification fail.
 */

function treeOf(n: number, seed: number): { tree: MemoryTree; leaves: Uint8Array[] } {
  const tree = new MemoryTree();
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    tree.appendLeaf(sha256(new Uint8Array([seed & 0xff, i & 0xff, (i >> 8) & 0xff])));
    leaves.push(tree.node({ level: 0, index: i }));
  }
  return { tree, leaves };
}

function flipBit(h: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(h);
  out[Math.floor(bit / 8) % out.length]! ^= 1 << bit % 8;
  return out;
}

const sizes = fc.integer({ min: 1, max: 300 });

test("inclusion proofs match RFC 9162 PATH, verify, and fail under any mutation", () => {
  fc.assert(
    fc.property(sizes, fc.nat(), fc.nat(), fc.nat(), (size, seed, pick, bit) => {
      const { tree, leaves } = treeOf(size, seed);
      const index = pick % size;
      const root = tree.rootAt(size);
      assert.equal(toHex(root), toHex(referenceRoot(leaves)));
      const proof = tree.inclusionProof(index, size);
      assert.deepEqual(proof.map(toHex), referencePath(index, leaves).map(toHex));
      verifyInclusion(index, size, leaves[index]!, proof, root);

      assert.throws(() => verifyInclusion(index, size, flipBit(leaves[index]!, bit), proof, root), MerkleError);
      assert.throws(() => verifyInclusion(index, size, leaves[index]!, proof, flipBit(root, bit)), MerkleError);
      if (proof.length > 0) {
        const at = bit % proof.length;
        const bad = proof.map((p, i) => (i === at ? flipBit(p, bit) : p));
        assert.throws(() => verifyInclusion(index, size, leaves[index]!, bad, root), MerkleError);
        assert.throws(() => verifyInclusion(index, size, leaves[index]!, proof.slice(1), root), MerkleError);
      }
      assert.throws(() => verifyInclusion(index, size, leaves[index]!, [...proof, root], root), MerkleError);
      // A different index: the same leaf hash cannot sit at two places in one tree unless it does.
      const other = (index + 1 + (pick % Math.max(1, size - 1))) % size;
      if (other !== index && !leaves[other]!.every((b, i) => b === leaves[index]![i])) {
        assert.throws(() => verifyInclusion(other, size, leaves[index]!, proof, root), MerkleError);
      }
      // A wrong size: the proof, claimed for another size, is checked against that size's true root.
      // It verifies only where the two sizes really have the same proof for this leaf.
      const { tree: bigger } = treeOf(size + 1, seed);
      for (const wrong of [size - 1, size + 1]) {
        if (wrong <= index) continue;
        const sameProof = bigger.inclusionProof(index, wrong).map(toHex).join() === proof.map(toHex).join();
        const run = () => verifyInclusion(index, wrong, leaves[index]!, proof, bigger.rootAt(wrong));
        if (sameProof) run();
        else assert.throws(run, MerkleError);
      }
    }),
    { numRuns: 150 },
  );
});

test("consistency proofs match RFC 9162 PROOF, verify, and fail under any mutation", () => {
  fc.assert(
    fc.property(sizes, sizes, fc.nat(), fc.nat(), (a, b, seed, bit) => {
      const [size1, size2] = a <= b ? [a, b] : [b, a];
      const { tree, leaves } = treeOf(size2, seed);
      const root1 = tree.rootAt(size1);
      const root2 = tree.rootAt(size2);
      const proof = tree.consistencyProof(size1, size2);
      assert.deepEqual(proof.map(toHex), referenceConsistency(size1, leaves).map(toHex));
      verifyConsistency(size1, size2, root1, root2, proof);
      if (size1 === size2) return;

      assert.throws(() => verifyConsistency(size1, size2, flipBit(root1, bit), root2, proof), MerkleError);
      assert.throws(() => verifyConsistency(size1, size2, root1, flipBit(root2, bit), proof), MerkleError);
      const at = bit % proof.length;
      const bad = proof.map((p, i) => (i === at ? flipBit(p, bit) : p));
      assert.throws(() => verifyConsistency(size1, size2, root1, root2, bad), MerkleError);
      // Wrong sizes, each with its true root: only an identical proof may verify.
      const { tree: bigger } = treeOf(size2 + 1, seed);
      const same = (p: Uint8Array[]) => p.map(toHex).join() === proof.map(toHex).join();
      const wrongSecond = () => verifyConsistency(size1, size2 + 1, root1, bigger.rootAt(size2 + 1), proof);
      if (same(bigger.consistencyProof(size1, size2 + 1))) wrongSecond();
      else assert.throws(wrongSecond, MerkleError);
      if (size1 > 1) {
        const wrongFirst = () => verifyConsistency(size1 - 1, size2, tree.rootAt(size1 - 1), root2, proof);
        if (same(tree.consistencyProof(size1 - 1, size2))) wrongFirst();
        else assert.throws(wrongFirst, MerkleError);
      }
    }),
    { numRuns: 150 },
  );
});

test("the frontier resumes from stored peaks and keeps the same root", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 50 }), (start, more) => {
      const { tree } = treeOf(start + more, 7);
      const peaks = rangeNodes(0, start).map(tree.node);
      const f = new MerkleFrontier(start, peaks);
      for (let i = start; i < start + more; i++) f.push(tree.node({ level: 0, index: i }));
      assert.equal(toHex(f.root()), toHex(tree.rootAt(start + more)));
    }),
  );
});

test("packed levels of an aligned block are the tree's nodes; pushing its subtrees moves the frontier as its leaves would", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 64 }), fc.nat(), (k, blocksBefore, countPick, seed) => {
      const width = 2 ** k;
      const count = 1 + (countPick % width);
      const from = blocksBefore * width;
      const { tree, leaves } = treeOf(from + count, seed);
      const data = leaves.slice(from).map((l, i) => l.subarray(0, 1 + ((i * 7) % 32)));
      const packed = new Uint8Array(data.reduce((n, d) => n + d.length, 0));
      const ends = new Float64Array(count);
      data.reduce((at, d, i) => (packed.set(d, at), (ends[i] = at + d.length)), 0);
      const leafHashes = new Uint8Array(32 * count);
      hashLeavesInto(packed, ends, leafHashes);
      data.forEach((d, i) => assert.equal(toHex(hashAt(leafHashes, i)), toHex(hashLeaf(d))));
      const other = new MemoryTree();
      for (let i = 0; i < from; i++) other.appendLeafHash(tree.node({ level: 0, index: i }));
      for (let i = 0; i < count; i++) other.appendLeafHash(hashAt(leafHashes, i));
      const levels = hashLevels(leafHashes, count);
      levels.forEach((level, l) => {
        assert.equal(level.length, 32 * Math.floor(count / 2 ** l));
        for (let j = 0; j < level.length / 32; j++) assert.equal(toHex(hashAt(level, j)), toHex(other.node({ level: l, index: from / 2 ** l + j })));
      });
      const byLeaf = new MerkleFrontier(from, rangeNodes(0, from).map(other.node));
      const bySubtree = new MerkleFrontier(from, rangeNodes(0, from).map(other.node));
      const emitted = (into: string[]) => (id: { level: number; index: number }, h: Uint8Array) => void into.push(`${id.level}/${id.index}/${toHex(h)}`);
      const leafNodes: string[] = [];
      const subtreeNodes: string[] = [];
      for (let i = 0; i < count; i++) byLeaf.push(hashAt(leafHashes, i), emitted(leafNodes));
      for (const [level, index] of prefixSubtrees(count)) bySubtree.pushSubtree(level, hashAt(levels[level]!, index), emitted(subtreeNodes));
      assert.equal(bySubtree.size, from + count);
      assert.equal(toHex(bySubtree.root()), toHex(other.rootAt(from + count)));
      // The subtrees' pushes emit exactly the nodes above them that the leaves' pushes emit.
      const top = prefixSubtrees(count)[0]![0];
      assert.deepEqual(subtreeNodes, leafNodes.filter((n) => Number(n.split("/")[0]) > top));
    }),
    { numRuns: 200 },
  );
  assert.throws(() => new MerkleFrontier(3, rangeNodes(0, 3).map(treeOf(3, 1).tree.node)).pushSubtree(1, new Uint8Array(32)), RangeError);
});

test("indices and sizes past 2^32 plan without 32-bit truncation", () => {
  const size = 2 ** 40 + 3;
  const nodes = rangeNodes(0, size);
  assert.deepEqual(nodes, [
    { level: 40, index: 0 },
    { level: 1, index: 2 ** 39 },
    { level: 0, index: 2 ** 40 + 2 },
  ]);
});
