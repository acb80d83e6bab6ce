import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "../../testing/repo-root.js";
import { sha256, toBase64, utf8 } from "../crypto/index.js";
import { formatCheckpoint, openCheckpoint, openParsedCheckpoint, parseCheckpoint, parseCheckpointNote, signCheckpoint, type Checkpoint } from "./checkpoint.js";
import { cosignCheckpoint } from "./cosignature.js";
import { NoteError, type NoteErrorCode } from "./note-errors.js";
import { generateNoteSigner, verifierFromSigner } from "./note-keys.js";
import { addSignatures, signNote } from "./signed-note.js";

const throwsCode = (fn: () => unknown, code: NoteErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof NoteError && e.code === code);

const example: string = readVector("merkle.json").signedNote.checkpointExample.text;
const ROOT_B64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

const origin = "log.example/tocsin";
const logKey = generateNoteSigner(origin);
const logV = verifierFromSigner(logKey);
const cp: Checkpoint = { origin, size: 42, rootHash: sha256(utf8.encode("root")), extensions: [] };

test("the tlog-checkpoint example parses and re-formats identically", () => {
  const c = parseCheckpoint(example);
  assert.equal(c.origin, "example.com/behind-the-sofa");
  assert.equal(c.size, 20852163);
  assert.equal(toBase64(c.rootHash), ROOT_B64);
  assert.deepEqual(c.extensions, []);
  assert.equal(formatCheckpoint(c), example);
});

test("checkpoints round-trip, with extensions, size 0 and size 2^53 − 1", () => {
  for (const c of [
    cp,
    { ...cp, size: 0 },
    { ...cp, size: Number.MAX_SAFE_INTEGER },
    { ...cp, extensions: ["ext one", "— looks like a signature but is not"] },
  ]) {
    const text = formatCheckpoint(c);
    assert.deepEqual(parseCheckpoint(text), { ...c, rootHash: Uint8Array.from(c.rootHash) });
  }
  assert.equal(formatCheckpoint({ ...cp, size: 0 }).split("\n")[1], "0");
});

test("malformed checkpoint bodies are CHECKPOINT_MALFORMED", () => {
  const body = (size: string, root = ROOT_B64, extra = ""): string => `example.com/behind-the-sofa\n${size}\n${root}\n${extra}`;
  const cases: Record<string, string> = {
    "leading zero": body("020852163"),
    "leading zeros on zero": body("00"),
    negative: body("-1"),
    "plus sign": body("+1"),
    "non-numeric": body("abc"),
    exponent: body("1e3"),
    "hex": body("0x10"),
    "space": body(" 1"),
    "empty size": body(""),
    "2^53": body("9007199254740992"),
    "way too big": body("123456789012345678901234567890"),
    "root 31 bytes": body("1", toBase64(new Uint8Array(31))),
    "root 33 bytes": body("1", toBase64(new Uint8Array(33))),
    "root bad base64": body("1", ROOT_B64.slice(0, -1)),
    "root url-safe base64": body("1", toBase64(new Uint8Array(32).fill(0xfb)).replace(/\+/g, "-")),
    "empty extension line": body("1", ROOT_B64, "\n"),
    "empty line between extensions": body("1", ROOT_B64, "a\n\nb\n"),
    "missing final newline": example.slice(0, -1),
    "two lines": "origin\n1\n",
    "empty origin": `\n1\n${ROOT_B64}\n`,
    "control character": example.replace("sofa", "so\rfa"),
    "empty": "",
  };
  for (const [what, text] of Object.entries(cases)) {
    assert.throws(() => parseCheckpoint(text), (e: unknown) => e instanceof NoteError && e.code === "CHECKPOINT_MALFORMED", what);
  }
  throwsCode(() => formatCheckpoint({ ...cp, size: -1 }), "CHECKPOINT_MALFORMED");
  throwsCode(() => formatCheckpoint({ ...cp, size: 1.5 }), "CHECKPOINT_MALFORMED");
  throwsCode(() => formatCheckpoint({ ...cp, size: 2 ** 53 }), "CHECKPOINT_MALFORMED");
  throwsCode(() => formatCheckpoint({ ...cp, rootHash: new Uint8Array(31) }), "CHECKPOINT_MALFORMED");
  throwsCode(() => formatCheckpoint({ ...cp, origin: "" }), "CHECKPOINT_MALFORMED");
  throwsCode(() => formatCheckpoint({ ...cp, origin: "a\nb" }), "CHECKPOINT_MALFORMED");
  throwsCode(() => formatCheckpoint({ ...cp, extensions: [""] }), "CHECKPOINT_MALFORMED");
  throwsCode(() => formatCheckpoint({ ...cp, extensions: ["a\nb"] }), "CHECKPOINT_MALFORMED");
});

test("a signed checkpoint opens with the log key and fails with another", () => {
  const note = signCheckpoint(cp, logKey);
  const opened = openCheckpoint(note, logV, origin);
  assert.deepEqual(opened.checkpoint, { ...cp, rootHash: Uint8Array.from(cp.rootHash) });
  assert.equal(opened.note, note);
  assert.equal(opened.text, formatCheckpoint(cp));
  assert.deepEqual(opened.cosignatures, []);
  assert.equal(openCheckpoint(utf8.encode(note), logV).checkpoint.size, 42);
  // Same name, different key: its key ID differs, so the log line is unknown.
  throwsCode(() => openCheckpoint(note, verifierFromSigner(generateNoteSigner(origin))), "NOTE_NO_VERIFIED_SIGNATURE");
  throwsCode(() => openCheckpoint(note.replace("\n42\n", "\n43\n"), logV), "NOTE_BAD_SIGNATURE");
});

test("a checkpoint read first (parseCheckpointNote) opens as openCheckpoint opens it, with the same refusals", () => {
  const note = signCheckpoint(cp, logKey);
  const read = parseCheckpointNote(note);
  assert.equal(read.checkpoint.origin, origin);
  assert.deepEqual(openParsedCheckpoint(read, logV, origin), openCheckpoint(note, logV, origin));
  throwsCode(() => openParsedCheckpoint(read, verifierFromSigner(generateNoteSigner(origin))), "NOTE_NO_VERIFIED_SIGNATURE");
  throwsCode(() => openParsedCheckpoint(parseCheckpointNote(note.replace("\n42\n", "\n43\n")), logV), "NOTE_BAD_SIGNATURE");
  throwsCode(() => openParsedCheckpoint(read, logV, "other.example/log"), "CHECKPOINT_ORIGIN_MISMATCH");
  const otherOrigin = signNote(formatCheckpoint({ ...cp, origin: "other.example/log" }), [logKey]);
  throwsCode(() => openParsedCheckpoint(parseCheckpointNote(otherOrigin), logV), "CHECKPOINT_ORIGIN_MISMATCH");
  // Malformed notes and bodies are refused while reading, before any key is looked up.
  throwsCode(() => parseCheckpointNote(`${origin}\n42\n`), "NOTE_MALFORMED");
  throwsCode(() => parseCheckpointNote(signNote(`${origin}\nnot a size\n`, [logKey])), "CHECKPOINT_MALFORMED");
});

test("origin must equal the log key name and the expected origin", () => {
  throwsCode(() => signCheckpoint({ ...cp, origin: "other.example/log" }, logKey), "CHECKPOINT_ORIGIN_MISMATCH");
  throwsCode(() => openCheckpoint(signCheckpoint(cp, logKey), logV, "other.example/log"), "CHECKPOINT_ORIGIN_MISMATCH");
  // Signed by the log key through signNote with a different origin line.
  const otherOrigin = signNote(formatCheckpoint({ ...cp, origin: "other.example/log" }), [logKey]);
  throwsCode(() => openCheckpoint(otherOrigin, logV), "CHECKPOINT_ORIGIN_MISMATCH");
  // A validly signed note that is not a checkpoint.
  throwsCode(() => openCheckpoint(signNote(`${origin}\nnot a size\n`, [logKey]), logV), "CHECKPOINT_MALFORMED");
});

test("openCheckpoint returns verified cosignatures and needs the log's own signature", () => {
  const w1 = generateNoteSigner("witness.example/w1", "cosignature/v1");
  const w2 = generateNoteSigner("witness.example/w2", "cosignature/v1");
  const body = formatCheckpoint(cp);
  const note = addSignatures(signCheckpoint(cp, logKey), [cosignCheckpoint(body, w1, 1679315147), cosignCheckpoint(body, w2, 1700000000)]);
  const opened = openCheckpoint(note, logV, origin, [verifierFromSigner(w1)]);
  assert.deepEqual(opened.cosignatures, [{ name: w1.name, keyId: w1.keyId, timestamp: 1679315147 }]);
  assert.deepEqual(opened.unknown, [{ name: w2.name, keyId: w2.keyId }]);
  const both = openCheckpoint(note, logV, origin, [verifierFromSigner(w1), verifierFromSigner(w2)]);
  assert.deepEqual(both.cosignatures.map((c) => c.timestamp), [1679315147, 1700000000]);
  // Only witnesses signed: the log key's signature is missing.
  const witnessOnly = `${body}\n${cosignCheckpoint(body, w1, 1)}`;
  throwsCode(() => openCheckpoint(witnessOnly, logV, origin, [verifierFromSigner(w1)]), "NOTE_NO_VERIFIED_SIGNATURE");
});
