import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "../../testing/repo-root.js";
import { fromBase64 } from "../crypto/index.js";
import { NoteError, type NoteErrorCode } from "./note-errors.js";
import {
  formatKeyId,
  formatSignerKey,
  formatVerifierKey,
  generateNoteSigner,
  isValidKeyName,
  makeNoteVerifier,
  noteKeyId,
  parseSignerKey,
  parseVerifierKey,
  verifierFromSigner,
} from "./note-keys.js";

const throwsCode = (fn: () => unknown, code: NoteErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof NoteError && e.code === code);

interface Vector { vkey: string }
const vectors: Vector[] = readVector("merkle.json").signedNote.vectors;

const PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

test("every vector's key ID recomputes from name, 0x01 and the public key", () => {
  assert.ok(vectors.length >= 3);
  for (const { vkey } of vectors) {
    const [name, hex, b64] = vkey.split("+") as [string, string, string];
    const raw = fromBase64(vkey.slice(name.length + hex.length + 2))!;
    assert.ok(b64.length > 0);
    assert.equal(raw[0], 0x01);
    assert.equal(formatKeyId(noteKeyId(name, 0x01, raw.subarray(1))), hex);
    const v = parseVerifierKey(vkey);
    assert.equal(v.name, name);
    assert.equal(v.type, "ed25519");
    assert.equal(formatVerifierKey(v), vkey);
  }
});

test("the PeterNeumann signer key round-trips and derives the published verifier key", () => {
  const signer = parseSignerKey(PETER_SKEY);
  assert.equal(signer.name, "PeterNeumann");
  assert.equal(signer.keyId, 0xc74f20a3);
  assert.equal(signer.seed.length, 32);
  assert.equal(formatSignerKey(signer), PETER_SKEY);
  assert.equal(formatVerifierKey(verifierFromSigner(signer)), PETER_VKEY);
  assert.equal(formatVerifierKey(signer), PETER_VKEY);
});

test("generated signers round-trip for both key types and the cosigner key ID uses 0x04", () => {
  for (const type of ["ed25519", "cosignature/v1"] as const) {
    const s = generateNoteSigner("example.com/k1", type);
    const back = parseSignerKey(formatSignerKey(s));
    assert.deepEqual(back, s);
    const v = parseVerifierKey(formatVerifierKey(s));
    assert.deepEqual(v, verifierFromSigner(s));
    assert.deepEqual(makeNoteVerifier(s.name, s.publicKey, type), v);
    const alg = type === "ed25519" ? 0x01 : 0x04;
    assert.equal(s.keyId, noteKeyId(s.name, alg, s.publicKey));
    const vkey = formatVerifierKey(s); // name+8hex+base64(alg || key)
    assert.equal(fromBase64(vkey.slice(s.name.length + 10))![0], alg);
    if (type === "cosignature/v1") assert.notEqual(s.keyId, noteKeyId(s.name, 0x01, s.publicKey));
  }
});

test("formatKeyId pads to 8 lowercase hex digits", () => {
  assert.equal(formatKeyId(0), "00000000");
  assert.equal(formatKeyId(0xabc), "00000abc");
  assert.equal(formatKeyId(0xffffffff), "ffffffff");
});

test("key names: non-empty, no Unicode spaces, no plus, no control characters", () => {
  for (const ok of ["a", "example.com/log", "oid/1.3.6.1", "é/ü"]) assert.ok(isValidKeyName(ok), ok);
  for (const bad of ["", "a b", "a+b", "a\u00a0b", "a\u2003b", "a\u0085b", "a\tb", "a\nb", "a\u0001b", "\ud800"]) {
    assert.ok(!isValidKeyName(bad), JSON.stringify(bad));
    throwsCode(() => generateNoteSigner(bad), "NOTE_BAD_KEY");
  }
});

test("malformed or inconsistent key strings are NOTE_BAD_KEY", () => {
  const bad = [
    "",
    "PeterNeumann",
    "PeterNeumann+c74f20a3",
    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // wrong id
    "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // short id
    "PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // alg 0x02
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", // bad base64
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy", // short key
    "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  ];
  for (const s of bad) throwsCode(() => parseVerifierKey(s), "NOTE_BAD_KEY");
  const badSigner = [
    "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    "PRIVATE+KEX+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKD",
    PETER_VKEY,
  ];
  for (const s of badSigner) throwsCode(() => parseSignerKey(s), "NOTE_BAD_KEY");
  const v = parseVerifierKey(PETER_VKEY);
  throwsCode(() => formatVerifierKey({ ...v, keyId: v.keyId ^ 1 }), "NOTE_BAD_KEY");
  throwsCode(() => makeNoteVerifier("x", new Uint8Array(31)), "NOTE_BAD_KEY");
});
