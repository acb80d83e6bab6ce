import { test } from "node:test";
import assert from "node:assert/strict";
import { ed25519PublicKey, toBase64, toHex } from "../crypto/index.js";
import { MemoryTree, hashLeaf } from "../merkle/index.js";
import { formatVerifierKey, generateNoteSigner, signCheckpoint } from "../note/index.js";
import { encodeRecordLeaf, recordLeafOf, signRecord, type RecordLeaf } from "../record/index.js";
import type { AccountabilityBundle } from "./bundle-format.js";
import { checkOmission, parseRecordProof, type RecordProof } from "./omission-proof.js";
import { signThreadStatement, threadDigest } from "./thread-statement.js";

/*
 * checkOmission on a log built here: a warning's thread of three records (one of them with a v1 leaf,
 * as a log written before positions would hold it) among other entries, a statement that leaves the
 * last one out, and each verdict the holder of a record can get.
 */

const W = "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b";
const AUTHOR = "identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f";
const key = generateNoteSigner("example.org/log");
const seed = new Uint8Array(32).fill(9);

const receipt = (n: number) =>
  signRecord(
    {
      type: "x-tocsin-receipt",
      spec_version: "2.1",
      id: `x-tocsin-receipt--00000000-0000-4000-8000-00000000000${n}`,
      created: "2026-11-25T09:00:00.000Z",
      modified: "2026-11-25T09:00:00.000Z",
      created_by_ref: AUTHOR,
      warning_ref: W,
      warning_modified: "2026-11-25T09:00:00.000Z",
      envelope_digest: "ab".repeat(32),
      received_at: "2026-11-25T09:00:00.000Z",
      extensions: { "extension-definition--0cdec084-8846-4476-9a95-bbf1590f5705": { extension_type: "new-sdo" } },
    },
    { signerRef: AUTHOR, seed, publicKey: ed25519PublicKey(seed) },
  );

const other = (n: number): RecordLeaf => ({
  kind: "other",
  id: `threat-actor--00000000-0000-4000-8000-00000000000${n}`,
  modified: "2026-11-25T09:00:00.000Z",
  author: AUTHOR,
  keyId: "65b60673d6ed884bf01c2c222d82ada0",
  custodial: false,
  digest: "cd".repeat(32),
  loggedAt: "2026-11-25T09:00:01.000Z",
});

test("checkOmission: each verdict, from a held record's leaf and proofs", () => {
  const tree = new MemoryTree();
  const leaves: Uint8Array[] = [];
  const add = (bytes: Uint8Array) => (leaves.push(bytes), tree.appendLeaf(bytes));
  const r1 = receipt(1);
  const r2 = receipt(2);
  const r3 = receipt(3);
  // Index 0: a v1 leaf about W (a legacy record); 1: something else; 2, 3: v2 positions 1 and 2.
  add(encodeRecordLeaf(recordLeafOf(r1, "2026-11-25T09:00:01.000Z")));
  add(encodeRecordLeaf(other(1)));
  add(encodeRecordLeaf(recordLeafOf(r2, "2026-11-25T09:00:02.000Z", undefined, { warning: W, seq: 1 })));
  add(encodeRecordLeaf(recordLeafOf(r3, "2026-11-25T09:00:03.000Z", undefined, { warning: W, seq: 2 })));
  const S = 4;
  const checkpointAt = (size: number) => signCheckpoint({ origin: key.name, size, rootHash: tree.rootAt(size), extensions: [] }, key);
  // The lie: the thread up to 4 is entries 0 and 2 (entry 3 left out).
  const shown = [0, 2];
  const bundle = {
    warning: W,
    log: { verifier_key: formatVerifierKey(key), node_party: AUTHOR },
    records: shown.map((i) => ({ index: i, leaf: toBase64(leaves[i]!), record: {} })),
    thread_statement: signThreadStatement({ origin: key.name, warning: W, size: S, root: tree.rootAt(S), count: 2, digest: threadDigest(shown.map((i) => hashLeaf(leaves[i]!))) }, key),
  } as unknown as AccountabilityBundle;
  const proofOf = (i: number, size = S, extra: Partial<RecordProof> = {}): RecordProof =>
    parseRecordProof({ index: i, leaf: toBase64(leaves[i]!), size, hashes: tree.inclusionProof(i, size).map(toHex), checkpoint: checkpointAt(size), ...extra });
  const verdict = (p: RecordProof) => checkOmission(bundle, p).verdict;

  assert.equal(verdict(proofOf(3)), "omitted");
  assert.match(checkOmission(bundle, proofOf(3)).message, /OMISSION PROVEN: receipt x-tocsin-receipt--.*0003 \(log index 3\), thread position 2/);
  assert.equal(verdict(proofOf(2)), "listed");
  assert.equal(verdict(proofOf(1)), "unproven", "a v1 leaf names no warning");
  assert.equal(verdict(proofOf(0, S, { record: r1 })), "listed", "the record shows what a v1 leaf is about");
  assert.equal(verdict(proofOf(0, S, { record: r2 })), "unproven", "not the record the leaf commits to");
  // Without the checkpoint, the statement's own tree serves.
  assert.equal(verdict(proofOf(3, S, { checkpoint: undefined })), "omitted");
  // A record proven in a later tree needs the consistency proof to the statement's.
  add(encodeRecordLeaf(other(2)));
  assert.equal(verdict(proofOf(3, 5)), "unproven");
  assert.equal(verdict(proofOf(3, 5, { consistency: tree.consistencyProof(S, 5).map(toHex) })), "omitted");
  assert.equal(verdict(proofOf(3, 5, { consistency: tree.consistencyProof(2, 5).map(toHex) })), "unproven");
  // A tampered inclusion proof, a checkpoint from another key: nothing proven.
  const bad = proofOf(3);
  assert.equal(verdict({ ...bad, hashes: [...bad.hashes.slice(1), bad.hashes[0]!] }), "unproven");
  assert.equal(verdict({ ...bad, checkpoint: signCheckpoint({ origin: "example.org/other", size: S, rootHash: tree.rootAt(S), extensions: [] }, generateNoteSigner("example.org/other")) }), "unproven");
  // A record that is not the leaf's; one logged after the statement's checkpoint.
  assert.equal(verdict(proofOf(1, S, { record: { id: "x" } as never })), "unproven");
  const r5 = receipt(5);
  add(encodeRecordLeaf(recordLeafOf(r5, "2026-11-25T09:00:05.000Z", undefined, { warning: W, seq: 3 })));
  assert.equal(verdict(proofOf(5, 6, { consistency: tree.consistencyProof(S, 6).map(toHex) })), "after");
  // A checkpoint of the statement's size with another root: the log forked.
  const forked = new MemoryTree();
  for (const l of [...leaves.slice(0, 3), encodeRecordLeaf(other(3))]) forked.appendLeaf(l);
  const forkProof: RecordProof = {
    index: 2,
    leaf: toBase64(leaves[2]!),
    size: S,
    hashes: forked.inclusionProof(2, S).map(toHex),
    checkpoint: signCheckpoint({ origin: key.name, size: S, rootHash: forked.rootAt(S), extensions: [] }, key),
  };
  assert.equal(verdict(forkProof), "forked");
});
