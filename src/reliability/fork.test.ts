/**
 * Split view: a checkpoint that carries the log's own valid signature but commits to a different tree
 * of the same size. Whoever holds it next to a genuine one — the auditor reading the database, a client
 * with the genuine checkpoint of that size, a client following the log forward — must see the fork.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesEqual, toHex } from "../core/crypto/bytes.js";
import { MemoryTree, MerkleError, verifyConsistency } from "../core/merkle/index.js";
import {
  formatSignerKey,
  formatVerifierKey,
  generateNoteSigner,
  openCheckpoint,
  signCheckpoint,
  type Checkpoint,
} from "../core/note/index.js";
import {
  DB_FILE,
  KEY_FILE,
  appendEntries,
  auditJson,
  cleanup,
  getCheckpointNote,
  existingEntries,
  getConsistencyProof,
  logSigner,
  logVerifier,
  openDbWritable,
  runCli,
  startServer,
  tempDir,
} from "./harness.js";

after(cleanup);

/** Sequential batches, each its own commit with its own checkpoint: stored checkpoints at 5, 13, 23, 40. */
const BATCHES = [5, 8, 10, 17];
const K = 13; // the forked size (not a power of two)
const N = 40; // a later genuine checkpoint

let dir: string; // the stopped log, pristine
let data: Buffer[];
let genuine: { note: string; cp: Checkpoint }; // size K
let later: { note: string; cp: Checkpoint }; // size N
let proofKN: Uint8Array[]; // from the server, K → N
let forged: { note: string; root: Uint8Array };
let forgedAt20: { note: string; root: Uint8Array }; // a size with no stored checkpoint

/** Signs, with the log's real key, the checkpoint of a tree that shares the log's first entries but not the last. */
function forge(size: number): { note: string; root: Uint8Array } {
  const signer = logSigner(dir);
  const tree = new MemoryTree();
  for (let i = 0; i < size - 1; i++) tree.appendLeaf(data[i]!);
  tree.appendLeaf(Buffer.from("not the entry the log holds"));
  const root = tree.rootAt(size);
  return { root, note: signCheckpoint({ origin: signer.name, size, rootHash: root, extensions: [] }, signer) };
}

before(async () => {
  dir = tempDir("fork");
  const server = await startServer(dir, ["--internal-append"]);
  const verifier = () => logVerifier(dir);
  // A new node's log starts with its own registration: the first batch makes up the rest of its size.
  data = await existingEntries(server.url);
  try {
    for (const [i, k] of BATCHES.entries()) {
      const batch = Array.from({ length: i === 0 ? k - data.length : k }, () => randomBytes(32));
      const r = await appendEntries(server.url, batch);
      assert.equal(r[0]!.index, data.length);
      data.push(...batch);
      const note = await getCheckpointNote(server.url);
      const cp = openCheckpoint(note, verifier()).checkpoint;
      assert.equal(cp.size, data.length);
      if (cp.size === K) genuine = { note, cp };
      if (cp.size === N) later = { note, cp };
    }
    proofKN = await getConsistencyProof(server.url, K, N);
  } finally {
    const { code } = await server.stop();
    assert.equal(code, 0, `clean shutdown; stderr: ${server.stderr()}`);
  }
  const db = openDbWritable(dir);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  forged = forge(K);
  forgedAt20 = forge(20);
});

/** A copy of the stopped log to tamper with. */
function copyOfLog(label: string): string {
  const d = tempDir(label);
  copyFileSync(join(dir, DB_FILE), join(d, DB_FILE));
  copyFileSync(join(dir, KEY_FILE), join(d, KEY_FILE));
  return d;
}

function run(d: string, sql: string, ...params: unknown[]): number {
  const db = openDbWritable(d);
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

test("the forged checkpoint is a validly signed statement by the log key, for a different tree of the same size", () => {
  const opened = openCheckpoint(forged.note, logVerifier(dir)).checkpoint;
  assert.equal(opened.size, K);
  assert.equal(opened.origin, genuine.cp.origin);
  assert.ok(bytesEqual(opened.rootHash, forged.root));
  assert.ok(!bytesEqual(forged.root, genuine.cp.rootHash), "a different root: a fork");
});

test("the untouched log audits clean", async () => {
  const { code, report } = await auditJson(copyOfLog("fork-clean"));
  assert.deepEqual(report.problems, []);
  assert.equal(code, 0);
  assert.equal(report.checkpoints, BATCHES.length + 2); // plus the empty tree's, signed at first start, and the node's registration's
});

test("(1) forged checkpoint stored in place of the genuine one: audit exits 1 with a checkpoint-root problem", async () => {
  const d = copyOfLog("fork-replace");
  assert.equal(run(d, "UPDATE log_checkpoint SET root = ?, note = ? WHERE size = ?", Buffer.from(forged.root), forged.note, K), 1);
  const { code, report } = await auditJson(d);
  assert.equal(code, 1);
  assert.deepEqual(report.problems.map((p) => [p.kind, p.entry]), [["checkpoint-root", K - 1]]);
  assert.match(report.problems[0]!.message, new RegExp(`checkpoint of size ${K} signs root ${toHex(forged.root)}`));
  const text = await runCli(["log", "audit", "--data", d]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, new RegExp(`first corrupted entry ${K - 1}\\b`));
  assert.match(text.stdout, /checkpoint-root: /);
});

test("(1b) forged checkpoint added at a size the log never signed: audit exits 1 with a checkpoint-root problem", async () => {
  const d = copyOfLog("fork-insert");
  run(d, "INSERT INTO log_checkpoint (size, root, note, created_at) VALUES (?, ?, ?, ?)", 20, Buffer.from(forgedAt20.root), forgedAt20.note, new Date().toISOString());
  const { code, report } = await auditJson(d);
  assert.equal(code, 1);
  assert.deepEqual(report.problems.map((p) => [p.kind, p.entry]), [["checkpoint-root", 19]]);
});

test("(1c) a forged note stored beside the genuine root column: audit exits 1 (signed note and columns disagree)", async () => {
  const d = copyOfLog("fork-note-only");
  assert.equal(run(d, "UPDATE log_checkpoint SET note = ? WHERE size = ?", forged.note, K), 1);
  const { code, report } = await auditJson(d);
  assert.equal(code, 1);
  assert.deepEqual(report.problems.map((p) => [p.kind, p.entry]), [["checkpoint-signature", K - 1]]);
});

test("(1d) a checkpoint of the genuine tree signed by another key under the log's name: audit exits 1", async () => {
  const d = copyOfLog("fork-other-key");
  const impostor = generateNoteSigner(genuine.cp.origin);
  const note = signCheckpoint({ ...genuine.cp }, impostor);
  assert.equal(run(d, "UPDATE log_checkpoint SET note = ? WHERE size = ?", note, K), 1);
  const { code, report } = await auditJson(d);
  assert.equal(code, 1);
  assert.deepEqual(report.problems.map((p) => [p.kind, p.entry]), [["checkpoint-signature", K - 1]]);
});

const verifyCli = (size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: Uint8Array[]) =>
  runCli([
    "proof",
    "verify-consistency",
    "--size1",
    String(size1),
    "--size2",
    String(size2),
    "--root1",
    toHex(root1),
    "--root2",
    toHex(root2),
    "--proof",
    proof.map(toHex).join(","),
  ]);

test("(2) a client holding the genuine checkpoint of the same size rejects the forged one", async () => {
  const same = await verifyCli(K, K, genuine.cp.rootHash, genuine.cp.rootHash, []);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  const fork = await verifyCli(K, K, genuine.cp.rootHash, forged.root, []);
  assert.equal(fork.code, 1, fork.stdout + fork.stderr);
  assert.match(fork.stdout, /^invalid: MERKLE_ROOT_MISMATCH/);
  const reversed = await verifyCli(K, K, forged.root, genuine.cp.rootHash, []);
  assert.equal(reversed.code, 1);
  assert.throws(() => verifyConsistency(K, K, genuine.cp.rootHash, forged.root, []), (e) => e instanceof MerkleError && e.code === "MERKLE_ROOT_MISMATCH");
});

test("(3) the server's consistency proof to a later genuine checkpoint fails from the forged root", async () => {
  assert.ok(proofKN.length > 0);
  // The genuine pair verifies, so the proof itself is sound…
  assert.doesNotThrow(() => verifyConsistency(K, N, genuine.cp.rootHash, later.cp.rootHash, proofKN));
  const ok = await verifyCli(K, N, genuine.cp.rootHash, later.cp.rootHash, proofKN);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  // …and the forged root cannot ride on it.
  assert.throws(() => verifyConsistency(K, N, forged.root, later.cp.rootHash, proofKN), (e) => e instanceof MerkleError && e.code === "MERKLE_ROOT_MISMATCH");
  const bad = await verifyCli(K, N, forged.root, later.cp.rootHash, proofKN);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /^invalid: MERKLE_ROOT_MISMATCH/);
});

// `log audit` (text mode) warns when the database records a different log key than the one trusted.
// A verifier key's base64 contains "+" about 4 times in 10: the comparison must not split on it.
for (const plus of [false, true]) {
  test(
    `log audit prints no key warning on a clean log whose verifier key ${plus ? "has" : "has no"} '+' in its base64`,
    async () => {
      const d = tempDir(`fork-key-${plus}`);
      let signer;
      do signer = generateNoteSigner("localhost/tocsin/keycheck");
      while (formatVerifierKey(signer).split("+").length > 3 !== plus);
      writeFileSync(join(d, KEY_FILE), formatSignerKey(signer) + "\n", { mode: 0o600 });
      const server = await startServer(d, ["--internal-append"]);
      await appendEntries(server.url, [randomBytes(8)]);
      assert.equal((await server.stop()).code, 0);
      const text = await runCli(["log", "audit", "--data", d]);
      assert.equal(text.code, 0, text.stdout + text.stderr);
      assert.match(text.stdout, /^clean$/m);
      assert.doesNotMatch(text.stdout, /warning/, text.stdout);
    },
  );
}
