import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryTree } from "../merkle/index.js";
import { utf8 } from "../crypto/index.js";
import { cosignedMessage, decodeTimestampedSignature, generateNoteSigner, parseSignatureLines, signCheckpoint, verifierFromSigner } from "../note/index.js";
import { checkAddCheckpoint, formatAddCheckpointRequest, formatTlogSize, parseAddCheckpointRequest, parseTlogSize, type WitnessedLogState } from "./index.js";

const log = generateNoteSigner("example.com/log");
const tree = new MemoryTree();
for (let i = 0; i < 20; i++) tree.appendLeaf(new TextEncoder().encode(`leaf ${i}`));
const note = (size: number) => signCheckpoint({ origin: log.name, size, rootHash: tree.rootAt(size), extensions: [] }, log);
const state = (size: number): WitnessedLogState => ({ origin: log.name, verifier: verifierFromSigner(log), size, root: size === 0 ? undefined : tree.rootAt(size) });
const req = (old: number, size: number, proof = old === 0 || old === size ? [] : tree.consistencyProof(old, size)) =>
  parseAddCheckpointRequest(formatAddCheckpointRequest({ oldSize: old, proof, checkpoint: note(size) }));
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "none";
};

test("the add-checkpoint body round-trips, and anything but the spec's shape is WITNESS_BAD_REQUEST", () => {
  const body = formatAddCheckpointRequest({ oldSize: 7, proof: tree.consistencyProof(7, 20), checkpoint: note(20) });
  assert.match(body, /^old 7\n([A-Za-z0-9+/]{43}=\n)+\n/);
  const r = parseAddCheckpointRequest(body);
  assert.equal(r.oldSize, 7);
  assert.equal(r.proof.length, tree.consistencyProof(7, 20).length);
  assert.equal(r.checkpoint, note(20));
  for (const bad of [
    "",
    note(20),
    `old 7\n${note(20)}`,
    `old 007\n\n${note(20)}`,
    `old -1\n\n${note(20)}`,
    `Old 7\n\n${note(20)}`,
    `old 7 \n\n${note(20)}`,
    `old 7\nAAAA\n\n${note(20)}`,
    `old 7\n\n`,
    `old 99999999999999999\n\n${note(20)}`,
    `old 0\n${"A".repeat(43)}=\n`.repeat(1) + `${`${"A".repeat(43)}=\n`.repeat(63)}\n${note(20)}`,
  ]) {
    assert.equal(code(() => parseAddCheckpointRequest(bad)), "WITNESS_BAD_REQUEST", JSON.stringify(bad.slice(0, 40)));
  }
  assert.equal(formatTlogSize(12), "12\n");
  assert.equal(parseTlogSize("12\n"), 12);
  assert.equal(parseTlogSize("012\n"), undefined);
  assert.equal(parseTlogSize("12"), undefined);
});

test("checks in the spec's order: signature (403), old > size (400), old ≠ cosigned (409), proof (422), same size other root (409)", () => {
  assert.equal(checkAddCheckpoint(state(0), req(0, 5)).kind, "cosign");
  assert.equal(checkAddCheckpoint(state(5), req(5, 20)).kind, "cosign");
  assert.equal(checkAddCheckpoint(state(5), req(5, 5)).kind, "cosign");
  // A checkpoint signed by another key of the same name: untrusted, before anything else is looked at.
  const other = generateNoteSigner(log.name);
  const foreign = signCheckpoint({ origin: log.name, size: 5, rootHash: tree.rootAt(5), extensions: [] }, other);
  assert.equal(code(() => checkAddCheckpoint(state(9), { oldSize: 99, proof: [], checkpoint: foreign })), "WITNESS_UNTRUSTED_CHECKPOINT");
  assert.equal(code(() => checkAddCheckpoint(state(5), { oldSize: 6, proof: [], checkpoint: note(5) })), "WITNESS_BAD_REQUEST");
  assert.deepEqual(checkAddCheckpoint(state(5), req(3, 20)), { kind: "conflict", size: 5 });
  assert.deepEqual(checkAddCheckpoint(state(5), req(0, 20)), { kind: "conflict", size: 5 });
  assert.equal(code(() => checkAddCheckpoint(state(5), req(5, 20, tree.consistencyProof(4, 20)))), "WITNESS_BAD_PROOF");
  assert.equal(code(() => checkAddCheckpoint(state(5), req(5, 20, []))), "WITNESS_BAD_PROOF");
  assert.equal(code(() => checkAddCheckpoint(state(0), req(0, 5, tree.consistencyProof(4, 5)))), "WITNESS_BAD_PROOF");
  // The same size with another root is a fork: 409, never a cosignature.
  const forked: WitnessedLogState = { ...state(5), root: tree.rootAt(6) };
  assert.deepEqual(checkAddCheckpoint(forked, req(5, 5)), { kind: "conflict", size: 5 });
  // A cosigned root that the proof does not lead from is a bad proof.
  assert.equal(code(() => checkAddCheckpoint(forked, req(5, 20))), "WITNESS_BAD_PROOF");
});

test("the tlog-cosignature example line decodes as the spec's example message says: time 1679315147", () => {
  // From c2sp.org/tlog-cosignature §Format and §Ed25519 signed message (no key is published, so only the
  // layout can be checked: key ID, big-endian u64 timestamp, 64-byte signature).
  const line =
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
  const [sig] = parseSignatureLines(line);
  assert.equal(sig!.name, "witness.example.com/w1");
  const { timestamp, signature } = decodeTimestampedSignature(sig!.signature);
  assert.equal(timestamp, 1679315147);
  assert.equal(signature.length, 64);
  assert.equal(utf8.decode(cosignedMessage("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", timestamp)).split("\n")[1], "time 1679315147");
});
