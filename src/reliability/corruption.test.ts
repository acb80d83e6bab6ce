/**
 * Bit rot in the database file: one flipped byte of a stored leaf hash, an interior node hash, or a
 * leaf's data must make `tocsin log audit` exit 1 and name the damaged entry.
 *
 * The log is built by the real server, stopped cleanly (which checkpoints the WAL into the main file),
 * and every case corrupts its own copy of that pristine directory by editing the file's bytes.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MemoryTree, hashLeaf, pow2 } from "../core/merkle/index.js";
import {
  DB_FILE,
  KEY_FILE,
  appendEntries,
  auditJson,
  cleanup,
  openDbReadonly,
  openDbWritable,
  readAllLeaves,
  runCli,
  startServer,
  tempDir,
} from "./harness.js";

after(cleanup);

const ENTRIES = 300;
let pristine: string;
let leaves: { idx: number; data: Buffer; hash: Buffer }[];
let tree: MemoryTree;

/** Builds a log with the real server, in the given sequential batches, and stops it cleanly. */
async function buildLog(dir: string, batches: readonly number[]): Promise<void> {
  const server = await startServer(dir, ["--internal-append"]);
  try {
    for (const k of batches) await appendEntries(server.url, Array.from({ length: k }, () => randomBytes(24 + randomInt(40))));
  } finally {
    const { code } = await server.stop();
    assert.equal(code, 0, `clean shutdown; stderr: ${server.stderr()}`);
  }
  // The clean stop closed the database; make sure nothing is left in the WAL all the same.
  const db = openDbWritable(dir);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  const wal = join(dir, `${DB_FILE}-wal`);
  assert.ok(!existsSync(wal) || statSync(wal).size === 0, "the WAL is empty: every row is in the main file");
}

before(async () => {
  pristine = tempDir("corrupt-pristine");
  // Batches of varied sizes, one after another: many checkpoints at many sizes.
  const batches: number[] = [];
  // Entry 0 is the node's own registration record, logged at its first start.
  for (let n = 1; n < ENTRIES; n += batches.at(-1)!) batches.push(Math.min(ENTRIES - n, 1 + randomInt(12)));
  await buildLog(pristine, batches);
  leaves = readAllLeaves(pristine);
  assert.equal(leaves.length, ENTRIES);
  tree = new MemoryTree();
  for (const l of leaves) tree.appendLeaf(l.data);
});

/** A copy of the pristine log directory to damage. */
function copyOfLog(label: string): string {
  const dir = tempDir(label);
  copyFileSync(join(pristine, DB_FILE), join(dir, DB_FILE));
  copyFileSync(join(pristine, KEY_FILE), join(dir, KEY_FILE));
  return dir;
}

/**
 * Flips one byte (the middle one) of `needle` wherever it occurs in the database file. B-tree pages
 * may keep stale copies of a cell in their free space, so every occurrence is flipped; the caller
 * checks through SQLite that the live value changed.
 */
function flipInFile(dir: string, needle: Uint8Array): number {
  const path = join(dir, DB_FILE);
  const file = readFileSync(path);
  const offsets: number[] = [];
  for (let at = file.indexOf(needle); at !== -1; at = file.indexOf(needle, at + 1)) offsets.push(at);
  assert.ok(offsets.length > 0, "the bytes to corrupt are in the database file");
  for (const at of offsets) file[at + (needle.length >> 1)]! ^= 0x01;
  writeFileSync(path, file);
  return offsets.length;
}

function query<T>(dir: string, sql: string, ...params: unknown[]): T {
  const db = openDbReadonly(dir);
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

/** An index away from the ends, not 0 (whose leaf hash is also the root of the size-1 checkpoint). */
const someIndex = (): number => 1 + randomInt(ENTRIES - 2);

test("the untouched log audits clean", async () => {
  const { code, report } = await auditJson(copyOfLog("corrupt-clean"));
  assert.deepEqual(report.problems, []);
  assert.equal(code, 0);
  assert.equal(report.leaves, ENTRIES);
  assert.ok(report.checkpoints > 10);
});

test("a flipped byte in a stored leaf hash: audit exits 1 naming that entry", async () => {
  const dir = copyOfLog("corrupt-leafhash");
  const index = someIndex();
  const original = leaves[index]!.hash;
  flipInFile(dir, original);
  const stored = query<{ hash: Buffer }>(dir, "SELECT hash FROM log_leaf WHERE idx = ?", index).hash;
  assert.ok(!stored.equals(original), "the live leaf hash changed");

  const { code, report } = await auditJson(dir);
  assert.equal(code, 1);
  assert.equal(report.ok, false);
  assert.deepEqual(
    report.problems.map((p) => [p.kind, p.entry]),
    [["leaf-hash", index]],
    "exactly one problem: that entry's leaf hash",
  );
  const text = await runCli(["log", "audit", "--data", dir]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, new RegExp(`first corrupted entry ${index}\\b`));
});

for (const level of [1, 3, 6]) {
  test(`a flipped byte in an interior node hash (level ${level}): audit exits 1 naming the node and its first entry`, async () => {
    const dir = copyOfLog(`corrupt-node${level}`);
    const nodes = Math.floor(ENTRIES / pow2(level));
    // Not node 0: for a power-of-two size it is also a checkpoint's root.
    const nodeIndex = 1 + randomInt(nodes - 1);
    const expected = tree.node({ level, index: nodeIndex });
    const row = query<{ hash: Buffer }>(dir, "SELECT hash FROM log_node WHERE level = ? AND idx = ?", level, nodeIndex);
    assert.ok(row.hash.equals(expected), "the stored node is the one the core computes");
    flipInFile(dir, expected);
    const stored = query<{ hash: Buffer }>(dir, "SELECT hash FROM log_node WHERE level = ? AND idx = ?", level, nodeIndex).hash;
    assert.ok(!stored.equals(expected), "the live node hash changed");

    const { code, report } = await auditJson(dir);
    assert.equal(code, 1);
    const first = nodeIndex * pow2(level);
    assert.deepEqual(
      report.problems.map((p) => ({ kind: p.kind, entry: p.entry, level: p.level, nodeIndex: p.nodeIndex })),
      [{ kind: "node-hash", entry: first, level, nodeIndex }],
      "exactly one problem: that node",
    );
    const text = await runCli(["log", "audit", "--data", dir]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, new RegExp(`first corrupted entry ${first}\\b`));
    assert.match(text.stdout, new RegExp(`node ${level}/${nodeIndex} `));
  });
}

test("a flipped byte in a leaf's data: audit exits 1 naming that entry", async () => {
  const dir = copyOfLog("corrupt-data");
  const index = 77; // inside a complete 256-leaf subtree: nodes up to level 8 cover it
  const original = leaves[index]!.data;
  flipInFile(dir, original);
  const stored = query<{ data: Buffer }>(dir, "SELECT data FROM log_leaf WHERE idx = ?", index).data;
  assert.ok(!stored.equals(original), "the live leaf data changed");

  const { code, report } = await auditJson(dir);
  assert.equal(code, 1);
  assert.equal(report.ok, false);
  assert.deepEqual([report.problems[0]!.kind, report.problems[0]!.entry], ["leaf-hash", index], "the first problem is the damaged entry");
  // The stored nodes above it are intact (they were computed from the original data); what else is
  // reported can only be a checkpoint whose tree contains the entry.
  for (const p of report.problems.slice(1)) {
    assert.equal(p.kind, "checkpoint-root", p.message);
    assert.ok(p.entry >= index, p.message);
  }
  const text = await runCli(["log", "audit", "--data", dir]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, new RegExp(`first corrupted entry ${index}\\b`), text.stdout.split("\n").slice(0, 4).join("\n"));
});

// A lost row rather than a flipped byte. getNodeRange returns only the rows that exist, without their
// indices, and auditLog pairs them with the recomputed nodes by position: every node after the gap in
// the same audit chunk (chunks end at checkpoint sizes) is compared with its neighbour's hash. The log
// here is one batch of 100, so one chunk holds all 50 level-1 nodes.
async function logWithoutNode(label: string): Promise<string> {
  const dir = tempDir(label);
  await buildLog(dir, [100]);
  const db = openDbWritable(dir);
  try {
    assert.equal(db.prepare("DELETE FROM log_node WHERE level = 1 AND idx = 5").run().changes, 1);
  } finally {
    db.close();
  }
  return dir;
}

test("a deleted interior node row: audit exits 1 naming that node first", async () => {
  const { code, report } = await auditJson(await logWithoutNode("corrupt-node-deleted"));
  assert.equal(code, 1);
  assert.deepEqual([report.problems[0]!.entry, report.problems[0]!.level, report.problems[0]!.nodeIndex], [10, 1, 5]);
});

test(
  "a deleted interior node row: audit reports exactly that node, as missing",
  async () => {
    const { report } = await auditJson(await logWithoutNode("corrupt-node-deleted-exact"));
    assert.deepEqual(
      report.problems.map((p) => ({ kind: p.kind, entry: p.entry, level: p.level, nodeIndex: p.nodeIndex })),
      [{ kind: "node-missing", entry: 10, level: 1, nodeIndex: 5 }],
      report.problems.slice(0, 3).map((p) => `${p.kind}: ${p.message}`).join("\n") + `\n… ${report.problems.length} problems`,
    );
  },
);

// A leaf's data rewritten together with its leaf hash: the leaf checks out, its stored parent does
// not. The tree alone narrows the damage to that parent's two entries; the ancestors above it differ
// only as a consequence and must not be reported (they used to be, and the first named entry 0).
test("a leaf's data rewritten with a matching leaf hash: audit names its level-1 node, not entry 0", async () => {
  const dir = copyOfLog("corrupt-rewrite");
  const index = 77;
  const data = randomBytes(leaves[index]!.data.length);
  const db = openDbWritable(dir);
  try {
    assert.equal(db.prepare("UPDATE log_leaf SET data = ?, hash = ? WHERE idx = ?").run(data, Buffer.from(hashLeaf(data)), index).changes, 1);
  } finally {
    db.close();
  }
  const { code, report } = await auditJson(dir);
  assert.equal(code, 1);
  const first = report.problems[0]!;
  assert.deepEqual([first.kind, first.entry, first.level, first.nodeIndex], ["node-hash", 76, 1, 38], JSON.stringify(report.problems.slice(0, 3)));
  for (const p of report.problems.slice(1)) assert.equal(p.kind, "checkpoint-root", p.message);
});
