import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "../../testing/repo-root.js";
import { fromBase64, fromHex, toHex } from "../crypto/bytes.js";
import {
  EMPTY_ROOT,
  MemoryTree,
  MerkleError,
  hashChildren,
  hashLeaf,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from "./index.js";

// Published RFC 6962 / 9162 vectors, copied with their source notes into test/vectors/.
const v = readVector("merkle.json");
const probes = readVector("merkle-probes.json");
const hex = (s: string): Uint8Array => fromHex(s)!;
const hexes = (a: string[]): Uint8Array[] => a.map(hex);

test("hasher vectors", () => {
  assert.equal(toHex(EMPTY_ROOT), v.hasher.vectors[0].expected);
  assert.equal(toHex(hashLeaf(hex(v.hasher.vectors[1].leafInputHex))), v.hasher.vectors[1].expected);
  assert.equal(toHex(hashLeaf(hex(v.hasher.vectors[2].leafInputHex))), v.hasher.vectors[2].expected);
  assert.equal(toHex(hashChildren(hex(v.hasher.vectors[3].leftHex), hex(v.hasher.vectors[3].rightHex))), v.hasher.vectors[3].expected);
  const sumdb = v.hasher.goSumdbRecordHash;
  assert.equal(toHex(hashLeaf(hex(sumdb.leafInputHex))), sumdb.expected);
  assert.equal(toHex(fromBase64(sumdb.expectedBase64)!), sumdb.expected);
});

function tree8(): MemoryTree {
  const t = new MemoryTree();
  for (const leaf of v.tree8.leafInputsHex as string[]) t.appendLeaf(hex(leaf));
  return t;
}

test("tree8: leaf hashes, every node hash, roots of every size", () => {
  const t = tree8();
  (v.tree8.leafHashes as string[]).forEach((h, i) => assert.equal(toHex(t.node({ level: 0, index: i })), h));
  (v.tree8.nodeHashesByLevel as string[][]).forEach((hashes, level) =>
    hashes.forEach((h, index) => assert.equal(toHex(t.node({ level, index })), h, `node ${level}/${index}`)),
  );
  const roots = v.tree8.rootsBySize as Record<string, string>;
  for (const [size, root] of Object.entries(roots)) assert.equal(toHex(t.rootAt(Number(size))), root, `root ${size}`);
});

test("tree8 and derived vectors: inclusion proofs generate and verify", () => {
  const t = tree8();
  for (const p of [...v.tree8.inclusionProofs, ...v.derivedLocally.inclusionProofs]) {
    assert.deepEqual(t.inclusionProof(p.leafIndex, p.treeSize).map(toHex), p.proof, `${p.leafIndex}@${p.treeSize}`);
    verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), hexes(p.proof), hex(p.root));
  }
});

test("tree8 and derived vectors: consistency proofs generate and verify", () => {
  const t = tree8();
  for (const p of [...v.tree8.consistencyProofs, ...v.derivedLocally.consistencyProofs]) {
    assert.deepEqual(t.consistencyProof(p.size1, p.size2).map(toHex), p.proof, `${p.size1}->${p.size2}`);
    verifyConsistency(p.size1, p.size2, hex(p.root1), hex(p.root2), hexes(p.proof));
  }
});

test("a production Rekor inclusion proof at index 21 428 034 verifies", () => {
  const r = v.rekorProductionInclusion;
  const leafHash = hashLeaf(hex(r.leafInputHex));
  assert.equal(toHex(leafHash), r.leafHash);
  verifyInclusion(r.leafIndex, r.treeSize, leafHash, hexes(r.proof), hex(r.root));
});

test("synthetic vectors with indices beyond 2^31 and 2^32", () => {
  const cases = v.derivedLocally.syntheticLargeIndexInclusion.vectors;
  assert.ok(Array.isArray(cases) && cases.length > 0);
  for (const c of cases) {
    assert.ok(c.leafIndex >= 2 ** 31 || c.treeSize >= 2 ** 31);
    const root = rootFromInclusionProof(c.leafIndex, c.treeSize, hex(c.leafHash), hexes(c.proof));
    assert.equal(toHex(root), c.root, c.desc ?? `${c.leafIndex}@${c.treeSize}`);
  }
});

test("transparency-dev probes: every inclusion probe accepted or rejected as it says", () => {
  for (const p of probes.inclusion) {
    const run = () => verifyInclusion(p.leafIdx, p.treeSize, hex(p.leafHash), hexes(p.proof), hex(p.root));
    if (p.wantErr) assert.throws(run, MerkleError, p.file);
    else assert.doesNotThrow(run, p.file);
  }
});

test("transparency-dev probes: every consistency probe accepted or rejected as it says", () => {
  for (const p of probes.consistency) {
    const run = () => verifyConsistency(p.size1, p.size2, hex(p.root1), hex(p.root2), hexes(p.proof));
    if (p.wantErr) assert.throws(run, MerkleError, p.file);
    else assert.doesNotThrow(run, p.file);
  }
});
