import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { readVector, repoRoot } from "../testing/repo-root.js";
import { toHex } from "../core/crypto/bytes.js";
import { EMPTY_ROOT } from "../core/merkle/index.js";

const v = readVector("merkle.json");
const bin = join(repoRoot(), "bin", "tocsin");

/** Runs the real `tocsin` binary; returns exit status and output. */
function tocsin(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const inc = v.tree8.inclusionProofs.find((p: { proof: string[] }) => p.proof.length === 3);
const cons = v.tree8.consistencyProofs.find((p: { size1: number; size2: number; proof: string[] }) => p.proof.length >= 2);
const incArgs = (o: Partial<Record<string, string>> = {}) => [
  "proof", "verify-inclusion",
  "--leaf-hash", o.leaf ?? inc.leafHash,
  "--index", o.index ?? String(inc.leafIndex),
  "--size", o.size ?? String(inc.treeSize),
  "--root", o.root ?? inc.root,
  "--proof", o.proof ?? inc.proof.join(","),
];
const consArgs = (o: Partial<Record<string, string>> = {}) => [
  "proof", "verify-consistency",
  "--size1", o.size1 ?? String(cons.size1),
  "--size2", o.size2 ?? String(cons.size2),
  "--root1", o.root1 ?? cons.root1,
  "--root2", o.root2 ?? cons.root2,
  "--proof", o.proof ?? cons.proof.join(","),
];

test("verify-inclusion: 0 valid, 1 invalid, 2 malformed", () => {
  const ok = tocsin(...incArgs());
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, "valid\n");
  const flipped = inc.proof.map((h: string, i: number) => (i === 1 ? (h[0] === "0" ? "1" : "0") + h.slice(1) : h)).join(",");
  const bad = tocsin(...incArgs({ proof: flipped }));
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /^invalid: MERKLE_ROOT_MISMATCH/);
  assert.equal(tocsin(...incArgs({ index: String(inc.leafIndex + 1) })).status, 1);
  assert.equal(tocsin(...incArgs({ size: "9" })).status, 1);
  for (const malformed of [{ leaf: "xyz" }, { index: "-1" }, { size: "1e3" }, { root: inc.root.slice(2) }, { proof: "00,11" }]) {
    const r = tocsin(...incArgs(malformed));
    assert.equal(r.status, 2, JSON.stringify(malformed));
    assert.match(r.stderr, /^tocsin proof verify-inclusion: .*(--|Option)/);
  }
  assert.equal(tocsin("proof", "verify-inclusion", "--index", "1").status, 2, "missing flags");
  assert.equal(tocsin(...incArgs(), "--bogus", "1").status, 2, "unknown flag");
});

test("verify-inclusion: --proof '' is the empty proof (a one-leaf tree)", () => {
  const one = v.tree8.inclusionProofs.find((p: { treeSize: number }) => p.treeSize === 1);
  const r = tocsin("proof", "verify-inclusion", "--leaf-hash", one.leafHash, "--index", "0", "--size", "1", "--root", one.root, "--proof", "");
  assert.equal(r.status, 0, r.stderr);
});

test("verify-consistency: 0 valid, 1 invalid, 2 malformed; equal sizes with different roots is a fork", () => {
  assert.equal(tocsin(...consArgs()).status, 0);
  assert.equal(tocsin(...consArgs({ root2: cons.root1 })).status, 1);
  assert.equal(tocsin(...consArgs({ size2: String(cons.size2 + 1) })).status, 1);
  assert.equal(tocsin(...consArgs({ proof: "" })).status, 1);
  const fork = tocsin(...consArgs({ size2: String(cons.size1), root2: cons.root2, proof: "" }));
  assert.equal(fork.status, 1);
  assert.match(fork.stdout, /MERKLE_ROOT_MISMATCH/);
  assert.equal(tocsin(...consArgs({ size1: "abc" })).status, 2);
  assert.equal(tocsin(...consArgs({ root1: "zz" })).status, 2);
});

test("verify-consistency from the empty tree: valid with an empty proof and the empty root only", () => {
  const empty = toHex(EMPTY_ROOT);
  assert.equal(tocsin(...consArgs({ size1: "0", root1: empty, proof: "" })).status, 0);
  assert.equal(tocsin(...consArgs({ size1: "0", root1: cons.root1, proof: "" })).status, 1);
  assert.equal(tocsin(...consArgs({ size1: "0", root1: empty })).status, 1);
});

test("usage: no command is exit 2, help is exit 0, unknown command is exit 2", () => {
  assert.equal(tocsin().status, 2);
  assert.equal(tocsin("--help").status, 0);
  assert.match(execFileSync(process.execPath, [bin, "help"], { encoding: "utf8" }), /tocsin <command>/);
  assert.equal(tocsin("frobnicate").status, 2);
});
