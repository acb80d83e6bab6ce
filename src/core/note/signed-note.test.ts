import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "../../testing/repo-root.js";
import { utf8 } from "../crypto/index.js";
import { NoteError, type NoteErrorCode } from "./note-errors.js";
import { generateNoteSigner, parseSignerKey, parseVerifierKey, verifierFromSigner } from "./note-keys.js";
import {
  MAX_NOTE_SIGNATURES,
  addSignatures,
  formatNote,
  formatSignatureLine,
  openNote,
  parseNote,
  signNote,
} from "./signed-note.js";

const throwsCode = (fn: () => unknown, code: NoteErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof NoteError && e.code === code);

interface Vector { vkey: string; note?: string; signatureLine?: string; verifiedHere: { signedMessage: string } }
const vectors: Vector[] = readVector("merkle.json").signedNote.vectors;
const [spec, peter, enoch] = vectors as [Vector, Vector, Vector];

const PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const peterV = parseVerifierKey(peter.vkey);
const enochV = parseVerifierKey(enoch.vkey);
const peterNote = peter.note!;
const twoSigner = peterNote + enoch.signatureLine!;

/** Replaces one character of the base64 part of the last signature line (flips bits of the signature). */
function flipLastSigChar(note: string): string {
  const i = note.length - 4; // inside the base64, before any "=" padding and the final newline
  const c = note[i] === "A" ? "B" : "A";
  return note.slice(0, i) + c + note.slice(i + 1);
}

test("every vector note verifies with its key and yields the signed message", () => {
  for (const v of vectors.filter((x) => x.note !== undefined)) {
    const verifier = parseVerifierKey(v.vkey);
    const opened = openNote(v.note!, [verifier]);
    assert.equal(opened.text, v.verifiedHere.signedMessage);
    assert.deepEqual(opened.verified, [{ name: verifier.name, keyId: verifier.keyId, type: "ed25519" }]);
    assert.deepEqual(opened.unknown, []);
    const parsed = parseNote(v.note!);
    assert.equal(formatNote(parsed.text, parsed.signatures), v.note);
  }
  assert.equal(openNote(spec.note!, [parseVerifierKey(spec.vkey)]).text, "This is an example message.\n");
});

test("signing the golden text with the PeterNeumann key reproduces the golden note byte for byte", () => {
  const signer = parseSignerKey(PETER_SKEY);
  assert.equal(signNote(peter.verifiedHere.signedMessage, [signer]), peterNote);
  // Bytes in, same result.
  assert.equal(openNote(utf8.encode(peterNote), [peterV]).text, peter.verifiedHere.signedMessage);
});

test("the two-signer note verifies with either or both keys", () => {
  const both = openNote(twoSigner, [peterV, enochV]);
  assert.deepEqual(both.verified.map((v) => v.name), ["PeterNeumann", "EnochRoot"]);
  assert.deepEqual(both.unknown, []);
  const onlyPeter = openNote(twoSigner, [peterV]);
  assert.deepEqual(onlyPeter.verified.map((v) => v.name), ["PeterNeumann"]);
  assert.deepEqual(onlyPeter.unknown, [{ name: "EnochRoot", keyId: enochV.keyId }]);
  const onlyEnoch = openNote(twoSigner, [enochV]);
  assert.deepEqual(onlyEnoch.verified.map((v) => v.name), ["EnochRoot"]);
  assert.deepEqual(onlyEnoch.unknown, [{ name: "PeterNeumann", keyId: peterV.keyId }]);
  // addSignatures builds the same note from the single-signer one.
  assert.equal(addSignatures(peterNote, enoch.signatureLine!), twoSigner);
});

test("unknown keys are ignored, including a key sharing only the name or only the ID", () => {
  const stranger = generateNoteSigner("stranger.example/k");
  const withStranger = addSignatures(peterNote, signNote(peter.verifiedHere.signedMessage, [stranger]).split("\n\n")[1]!);
  assert.deepEqual(openNote(withStranger, [peterV]).unknown, [{ name: stranger.name, keyId: stranger.keyId }]);
  const sameNameOtherId = { ...peterV, keyId: (peterV.keyId ^ 1) >>> 0 };
  throwsCode(() => openNote(peterNote, [sameNameOtherId]), "NOTE_NO_VERIFIED_SIGNATURE");
  const sameIdOtherName = { ...peterV, name: "PeterNeumann2" };
  throwsCode(() => openNote(peterNote, [sameIdOtherName]), "NOTE_NO_VERIFIED_SIGNATURE");
  throwsCode(() => openNote(peterNote, []), "NOTE_NO_VERIFIED_SIGNATURE");
  throwsCode(() => openNote(peterNote, [verifierFromSigner(stranger)]), "NOTE_NO_VERIFIED_SIGNATURE");
});

test("16 and up to 100 signature lines are accepted, 101 are malformed", () => {
  const text = "many signers\n";
  const signers = Array.from({ length: MAX_NOTE_SIGNATURES + 1 }, (_, i) => generateNoteSigner(`s${i}.example`));
  const lines = signers.map((s) => signNote(text, [s]).slice(text.length + 1));
  for (const n of [16, 17, MAX_NOTE_SIGNATURES]) {
    const note = text + "\n" + lines.slice(0, n).join("");
    const opened = openNote(note, signers.slice(0, n).map(verifierFromSigner));
    assert.equal(opened.verified.length, n);
    assert.equal(openNote(note, [verifierFromSigner(signers[n - 1]!)]).unknown.length, n - 1);
  }
  throwsCode(() => parseNote(text + "\n" + lines.join("")), "NOTE_MALFORMED");
  throwsCode(() => signNote(text, signers), "NOTE_MALFORMED");
});

test("a failing signature from a known key is NOTE_BAD_SIGNATURE", () => {
  const tampered = peterNote.replace("cryptography", "Cryptography");
  throwsCode(() => openNote(tampered, [peterV]), "NOTE_BAD_SIGNATURE");
  throwsCode(() => openNote(flipLastSigChar(peterNote), [peterV]), "NOTE_BAD_SIGNATURE");
  // One good and one bad known signature: still rejected.
  throwsCode(() => openNote(flipLastSigChar(twoSigner), [peterV, enochV]), "NOTE_BAD_SIGNATURE");
  // A bad signature from an unknown key is just ignored.
  assert.equal(openNote(flipLastSigChar(twoSigner), [peterV]).verified.length, 1);
  // A duplicate line from a known key cannot hide a bad copy behind a good one.
  const dup = peterNote + flipLastSigChar(peterNote).slice(peter.verifiedHere.signedMessage.length + 1);
  throwsCode(() => openNote(dup, [peterV]), "NOTE_BAD_SIGNATURE");
  // A wrong-length signature from a known Ed25519 key.
  const short = formatNote(peter.verifiedHere.signedMessage, [{ name: peterV.name, keyId: peterV.keyId, signature: new Uint8Array(63) }]);
  throwsCode(() => openNote(short, [peterV]), "NOTE_BAD_SIGNATURE");
});

test("a wrong key ID turns the signature into an unknown one", () => {
  const parsed = parseNote(peterNote);
  const sig = parsed.signatures[0]!;
  const wrongId = formatNote(parsed.text, [{ ...sig, keyId: (sig.keyId + 1) >>> 0 }]);
  throwsCode(() => openNote(wrongId, [peterV]), "NOTE_NO_VERIFIED_SIGNATURE");
});

test("syntax errors are NOTE_MALFORMED", () => {
  const text = peter.verifiedHere.signedMessage;
  const sigLine = peterNote.slice(text.length + 1);
  const cases: Record<string, string | Uint8Array> = {
    "missing final newline": peterNote.slice(0, -1),
    "missing blank line": text + sigLine,
    "no signatures": text + "\n",
    "hyphen instead of em dash": text + "\n" + sigLine.replace("\u2014", "-"),
    "en dash": text + "\n" + sigLine.replace("\u2014", "\u2013"),
    "no space after dash": text + "\n" + sigLine.replace("\u2014 ", "\u2014"),
    "bad base64": text + "\n" + sigLine.replace("=\n", "\n"),
    "base64 with a space": text + "\n" + sigLine.replace("x08g", "x08g "),
    "too short signature": text + "\n\u2014 PeterNeumann AAAAAA==\n",
    "name with plus": text + "\n" + sigLine.replace("PeterNeumann", "Peter+Neumann"),
    "empty name": text + "\n" + sigLine.replace("PeterNeumann", ""),
    "carriage return": peterNote.replace("problem,\n", "problem,\r\n"),
    "tab": peterNote.replace("think", "\tthink"),
    "NUL": peterNote.replace("think", "\0think"),
    "lone surrogate": peterNote.replace("think", "\ud800think"),
    "trailing garbage line": peterNote + "garbage\n",
    "non-UTF-8 bytes": Uint8Array.from([...utf8.encode(text.slice(0, 5)), 0xff, ...utf8.encode(text.slice(5) + "\n" + sigLine)]),
    "truncated em dash bytes": utf8.encode(peterNote).subarray(0, -1),
  };
  for (const [what, note] of Object.entries(cases)) {
    assert.throws(() => openNote(note, [peterV]), (e: unknown) => e instanceof NoteError && e.code === "NOTE_MALFORMED", what);
  }
});

test("text may contain empty lines; the last blank line separates the signatures", () => {
  // A blank line inside the signature block moves the lines before it into the text.
  const shifted = peterNote + "\n" + enoch.signatureLine!;
  assert.equal(parseNote(shifted).text, peterNote);
  throwsCode(() => openNote(shifted, [peterV]), "NOTE_NO_VERIFIED_SIGNATURE");
  throwsCode(() => openNote(shifted, [peterV, enochV]), "NOTE_BAD_SIGNATURE");
  const signer = generateNoteSigner("quasimodo.example/salvatore");
  const text = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n";
  const note = signNote(text, [signer]);
  assert.equal(openNote(note, [verifierFromSigner(signer)]).text, text);
  const endsBlank = "a\n\n";
  assert.equal(openNote(signNote(endsBlank, [signer]), [verifierFromSigner(signer)]).text, endsBlank);
});

test("signNote and addSignatures: validation, de-duplication and replacement", () => {
  const a = generateNoteSigner("a.example");
  const b = generateNoteSigner("b.example");
  throwsCode(() => signNote("no newline", [a]), "NOTE_MALFORMED");
  throwsCode(() => signNote("ctl\u0007\n", [a]), "NOTE_MALFORMED");
  throwsCode(() => signNote("x\n", []), "NOTE_BAD_KEY");
  throwsCode(() => signNote("x\n", [generateNoteSigner("w.example", "cosignature/v1")]), "NOTE_BAD_KEY");
  assert.equal(parseNote(signNote("x\n", [a, a])).signatures.length, 1);
  const noteA = signNote("x\n", [a]);
  const noteB = signNote("x\n", [b]);
  const lineB = noteB.slice("x\n\n".length);
  const ab = addSignatures(noteA, [lineB]);
  assert.equal(openNote(ab, [verifierFromSigner(a), verifierFromSigner(b)]).verified.length, 2);
  // Re-adding b's line replaces the old one rather than duplicating it.
  assert.equal(addSignatures(ab, lineB), ab);
  throwsCode(() => addSignatures(noteA, "not a signature line\n"), "NOTE_MALFORMED");
  throwsCode(() => addSignatures(noteA, lineB.slice(0, -1)), "NOTE_MALFORMED");
  throwsCode(() => formatSignatureLine({ name: "a b", keyId: 1, signature: new Uint8Array(64) }), "NOTE_BAD_KEY");
  throwsCode(() => formatNote("x\n", [{ name: "a", keyId: 2 ** 32, signature: new Uint8Array(64) }]), "NOTE_MALFORMED");
});
