import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "../../testing/repo-root.js";
import { fromBase64, sha256, utf8 } from "../crypto/index.js";
import { formatCheckpoint, signCheckpoint } from "./checkpoint.js";
import { cosignedMessage, decodeTimestampedSignature } from "./cosigned-message.js";
import { collectCosignatures, cosignatureKeyId, cosignCheckpoint, verifyCosignature } from "./cosignature.js";
import { NoteError, type NoteErrorCode } from "./note-errors.js";
import { formatVerifierKey, generateNoteSigner, noteKeyId, parseVerifierKey, verifierFromSigner } from "./note-keys.js";
import { addSignatures, formatSignatureLine, openNote, parseSignatureLines } from "./signed-note.js";

const throwsCode = (fn: () => unknown, code: NoteErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof NoteError && e.code === code);

const example: string = readVector("merkle.json").signedNote.checkpointExample.text;
const witness = generateNoteSigner("witness.example.com/w1", "cosignature/v1");
const witnessV = verifierFromSigner(witness);
const T = 1679315147;

test("cosign and verify round trip; the payload is key ID || u64 BE time || signature", () => {
  const line = cosignCheckpoint(example, witness, T);
  assert.match(line, /^\u2014 witness\.example\.com\/w1 [A-Za-z0-9+/]+=*\n$/);
  assert.deepEqual(verifyCosignature(example, line, witnessV), { name: witness.name, keyId: witness.keyId, timestamp: T });
  const raw = fromBase64(line.slice(line.lastIndexOf(" ") + 1, -1))!;
  assert.equal(raw.length, 4 + 8 + 64);
  assert.equal(new DataView(raw.buffer).getUint32(0), witness.keyId);
  assert.equal(new DataView(raw.buffer).getBigUint64(4), BigInt(T));
  // Ed25519 is deterministic: same inputs, same line.
  assert.equal(cosignCheckpoint(example, witness, T), line);
  assert.equal(verifyCosignature(example, line.slice(0, -1), witnessV).timestamp, T);
});

test("the signed message is the tlog-cosignature header, time line and whole body", () => {
  assert.equal(utf8.decode(cosignedMessage(example, T)), `cosignature/v1\ntime ${T}\n${example}`);
  assert.equal(utf8.decode(cosignedMessage(example, 0)), `cosignature/v1\ntime 0\n${example}`);
});

test("the cosigner key ID uses signature type 0x04", () => {
  assert.equal(witness.keyId, noteKeyId(witness.name, 0x04, witness.publicKey));
  assert.equal(witness.keyId, cosignatureKeyId(witness.name, witness.publicKey));
  assert.notEqual(witness.keyId, noteKeyId(witness.name, 0x01, witness.publicKey));
  const vkey = formatVerifierKey(witnessV);
  assert.equal(fromBase64(vkey.split("+").slice(2).join("+"))![0], 0x04);
  assert.deepEqual(parseVerifierKey(vkey), witnessV);
});

test("the tlog-cosignature example line decodes to key ID 0x8d66cf3f and time 1679315147", () => {
  // From c2sp.org/tlog-cosignature: the witness key is not published, so only the layout is checkable.
  const [sig] = parseSignatureLines(
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n",
  );
  assert.equal(sig!.keyId, 0x8d66cf3f);
  assert.equal(decodeTimestampedSignature(sig!.signature).timestamp, T);
});

test("a changed time, body, key or key ID fails", () => {
  const line = cosignCheckpoint(example, witness, T);
  const sig = parseSignatureLines(line)[0]!;
  const otherTime = new Uint8Array(sig.signature);
  otherTime[7] = otherTime[7]! ^ 1;
  throwsCode(() => verifyCosignature(example, formatSignatureLine({ ...sig, signature: otherTime }), witnessV), "NOTE_BAD_SIGNATURE");
  throwsCode(() => verifyCosignature(example.replace("20852163", "20852164"), line, witnessV), "NOTE_BAD_SIGNATURE");
  const flipped = new Uint8Array(sig.signature);
  flipped[40] = flipped[40]! ^ 0x80;
  throwsCode(() => verifyCosignature(example, formatSignatureLine({ ...sig, signature: flipped }), witnessV), "NOTE_BAD_SIGNATURE");
  const other = verifierFromSigner(generateNoteSigner(witness.name, "cosignature/v1"));
  throwsCode(() => verifyCosignature(example, line, other), "NOTE_NO_VERIFIED_SIGNATURE");
  throwsCode(() => verifyCosignature(example, line, { ...witnessV, keyId: witness.keyId ^ 1 }), "NOTE_NO_VERIFIED_SIGNATURE");
  throwsCode(() => verifyCosignature(example, line, { ...other, keyId: witness.keyId }), "NOTE_BAD_SIGNATURE");
  throwsCode(() => verifyCosignature(example, line + line, witnessV), "NOTE_MALFORMED");
});

test("malformed times and payloads are COSIGNATURE_MALFORMED; wrong key types NOTE_BAD_KEY", () => {
  for (const t of [-1, 1.5, 2 ** 53, Number.NaN]) throwsCode(() => cosignCheckpoint(example, witness, t), "COSIGNATURE_MALFORMED");
  const sig = parseSignatureLines(cosignCheckpoint(example, witness, T))[0]!;
  const huge = new Uint8Array(sig.signature);
  huge[0] = 0x80; // timestamp ≥ 2^63
  throwsCode(() => verifyCosignature(example, formatSignatureLine({ ...sig, signature: huge }), witnessV), "COSIGNATURE_MALFORMED");
  const short = sig.signature.slice(0, 71);
  throwsCode(() => verifyCosignature(example, formatSignatureLine({ ...sig, signature: short }), witnessV), "COSIGNATURE_MALFORMED");
  const plain = generateNoteSigner("plain.example");
  throwsCode(() => cosignCheckpoint(example, plain, T), "NOTE_BAD_KEY");
  throwsCode(() => verifyCosignature(example, cosignCheckpoint(example, witness, T), verifierFromSigner(plain)), "NOTE_BAD_KEY");
  throwsCode(() => cosignCheckpoint("not a checkpoint\n", witness, T), "CHECKPOINT_MALFORMED");
});

test("collectCosignatures and openNote find cosignatures among other lines", () => {
  const logKey = generateNoteSigner("log.example/x");
  const cp = { origin: logKey.name, size: 7, rootHash: sha256(utf8.encode("r")), extensions: ["ext"] };
  const body = formatCheckpoint(cp);
  const w2 = generateNoteSigner("witness.example.com/w2", "cosignature/v1");
  const note = addSignatures(signCheckpoint(cp, logKey), [cosignCheckpoint(body, witness, T), cosignCheckpoint(body, w2, T + 1)]);
  assert.deepEqual(collectCosignatures(note, [witnessV]), [{ name: witness.name, keyId: witness.keyId, timestamp: T }]);
  assert.equal(collectCosignatures(note, [witnessV, verifierFromSigner(w2)]).length, 2);
  assert.deepEqual(collectCosignatures(note, []), []);
  const opened = openNote(note, [witnessV]);
  assert.deepEqual(opened.verified, [{ name: witness.name, keyId: witness.keyId, type: "cosignature/v1", timestamp: T }]);
  assert.equal(opened.unknown.length, 2);
  // A cosignature made over a different body is rejected once its key is known.
  const stale = addSignatures(note, cosignCheckpoint(example, witness, T));
  throwsCode(() => collectCosignatures(stale, [witnessV]), "NOTE_BAD_SIGNATURE");
  throwsCode(() => openNote(stale, [witnessV]), "NOTE_BAD_SIGNATURE");
});
