import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "../testing/repo-root.js";
import { workedExample } from "../testing/worked-example.js";
import { addSignatures, cosignCheckpoint, formatVerifierKey, generateNoteSigner, signCheckpoint, verifierFromSigner } from "../core/note/index.js";
import * as verify from "./index.js";
import {
  MerkleError,
  NoteError,
  SIGNATURE_EXT,
  decodeRecordLeaf,
  encodeRecordLeaf,
  fromBase64,
  fromHex,
  hashLeaf,
  openCheckpoint,
  openNote,
  parseVerifierKey,
  recordDigestHex,
  recordLeafOf,
  rootFromInclusionProof,
  toHex,
  verifyBundle,
  verifyConsistency,
  verifyCosignature,
  verifyInclusion,
  verifyRecordSignature,
} from "./index.js";

// The verify library's public API (tocsin/verify) on published vectors: what a browser gets is what is tested here.

const v = readVector("merkle.json");
const hex = (s: string): Uint8Array => fromHex(s)!;

test("the package exports the library as tocsin/verify, the same API as src/verify/index.ts", async () => {
  const exported = await import("tocsin/verify");
  assert.deepEqual(Object.keys(exported).sort(), Object.keys(verify).sort());
});

test("RFC 9162 inclusion and consistency proofs: the published tree8 and Rekor vectors verify, altered ones do not", () => {
  for (const p of v.tree8.inclusionProofs) {
    verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), p.proof.map(hex), hex(p.root));
    if (p.proof.length > 0) {
      const bad = p.proof.map(hex);
      bad[0]![0]! ^= 1;
      assert.throws(() => verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), bad, hex(p.root)), MerkleError);
    }
  }
  for (const p of v.tree8.consistencyProofs) {
    verifyConsistency(p.size1, p.size2, hex(p.root1), hex(p.root2), p.proof.map(hex));
    const otherRoot = hex(p.root2);
    otherRoot[31]! ^= 1;
    assert.throws(() => verifyConsistency(p.size1, p.size2, hex(p.root1), otherRoot, p.proof.map(hex)), MerkleError);
  }
  const r = v.rekorProductionInclusion;
  assert.equal(toHex(rootFromInclusionProof(r.leafIndex, r.treeSize, hashLeaf(hex(r.leafInputHex)), r.proof.map(hex))), r.root);
});

test("C2SP signed notes: the spec's and Go's examples open with their keys, and not with another's", () => {
  const spec = v.signedNote.vectors[0];
  const opened = openNote(spec.note, [parseVerifierKey(spec.vkey)]);
  assert.equal(opened.text, spec.verifiedHere.signedMessage);
  const go = v.signedNote.vectors[1];
  assert.equal(openNote(go.note, [parseVerifierKey(go.vkey)]).text, go.verifiedHere.signedMessage);
  const both = addSignatures(go.note, v.signedNote.vectors[2].signatureLine);
  assert.equal(openNote(both, [parseVerifierKey(go.vkey), parseVerifierKey(v.signedNote.vectors[2].vkey)]).verified.length, 2);
  assert.throws(() => openNote(spec.note, [parseVerifierKey(go.vkey)]), NoteError);
});

test("checkpoints and cosignature/v1: the log's signature and a witness's timestamped one verify; another key's do not", () => {
  const log = generateNoteSigner("example.com/log");
  const witness = generateNoteSigner("example.com/witness", "cosignature/v1");
  const body = { origin: "example.com/log", size: 8, rootHash: hex(v.tree8.rootsBySize["8"]), extensions: [] };
  const note = signCheckpoint(body, log);
  const text = note.slice(0, note.indexOf("\n\n") + 1);
  const line = cosignCheckpoint(text, witness, 1_764_000_000);
  const cosigned = addSignatures(note, line);
  const logKey = parseVerifierKey(formatVerifierKey(verifierFromSigner(log)));
  const witnessKey = parseVerifierKey(formatVerifierKey(verifierFromSigner(witness)));
  const opened = openCheckpoint(cosigned, logKey, "example.com/log", [witnessKey]);
  assert.equal(opened.checkpoint.size, 8);
  assert.deepEqual(opened.cosignatures.map((c) => [c.name, c.timestamp]), [["example.com/witness", 1_764_000_000]]);
  assert.equal(verifyCosignature(text, line, witnessKey).timestamp, 1_764_000_000);
  const impostor = verifierFromSigner(generateNoteSigner("example.com/log"));
  assert.throws(() => openCheckpoint(cosigned, impostor), NoteError);
  const otherWitness = verifierFromSigner(generateNoteSigner("example.com/witness", "cosignature/v1"));
  assert.throws(() => verifyCosignature(text, line, otherWitness), NoteError);
  // A cosignature over another checkpoint does not carry over.
  const other = signCheckpoint({ ...body, size: 7, rootHash: hex(v.tree8.rootsBySize["7"]) }, log);
  assert.throws(() => verifyCosignature(other.slice(0, other.indexOf("\n\n") + 1), line, witnessKey), NoteError);
});

test("records: docs/formats.md's worked example verifies with its key, its leaf commits to it, a changed byte breaks both", () => {
  const ex = workedExample();
  const key = hex(ex.publicKeyHex);
  const resolve = (signer: string, keyId: string) => (signer === ex.signed.created_by_ref && keyId === ex.keyId ? key : undefined);
  const ok = verifyRecordSignature(ex.signed, resolve);
  assert.equal(ok.signerRef, ex.signed.created_by_ref);
  assert.equal(recordDigestHex(ex.signed), ex.digest);
  const leafBytes = encodeRecordLeaf(recordLeafOf(ex.signed, "2026-11-25T09:00:01.000Z", undefined, { warning: ex.signed.id, seq: 0 }));
  assert.equal(decodeRecordLeaf(leafBytes).digest, ex.digest);
  const altered = { ...ex.signed, description: ex.signed.description + "." };
  assert.throws(() => verifyRecordSignature(altered, resolve), verify.RecordError);
  assert.notEqual(recordDigestHex(altered), ex.digest);
  const sig = fromBase64(ex.signature)!;
  sig[0]! ^= 1;
  const forged = { ...ex.signed, extensions: { ...ex.signed.extensions, [SIGNATURE_EXT]: { ...ex.signed.extensions[SIGNATURE_EXT], signature: verify.toBase64(sig) } } };
  assert.throws(() => verifyRecordSignature(forged, resolve), verify.RecordError);
});

test("verifyBundle never throws: text that is not JSON, or JSON that is not a bundle, is a verdict of its own", () => {
  const notJson = verifyBundle("{", {}, "x.json");
  assert.equal(notJson.ok, false);
  assert.ok("unreadable" in notJson);
  assert.equal(notJson.problems[0]!.subject, "x.json");
  assert.match(notJson.problems[0]!.message, /^not JSON/);
  const notBundle = verifyBundle({ format: "something else" });
  assert.ok("unreadable" in notBundle);
  assert.match(notBundle.problems[0]!.message, /^BUNDLE_MALFORMED/);
  for (const junk of [null, 7, "[]", '"x"', { format: "tocsin-accountability-bundle", version: 1, warning: 3 }]) {
    assert.equal(verifyBundle(junk).ok, false, JSON.stringify(junk));
  }
});
