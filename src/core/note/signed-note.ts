import { concatBytes, ed25519Sign, ed25519Verify, fromBase64, toBase64, utf8 } from "../crypto/index.js";
import { cosignedMessage, decodeTimestampedSignature } from "./cosigned-message.js";
import { NoteError } from "./note-errors.js";
import { isValidKeyName, type NoteKeyType, type NoteSigner, type NoteVerifier } from "./note-keys.js";

/** One signature line: key name, key ID, and the signature bytes without the 4-byte key ID. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
}

/** A syntactically valid, not yet verified, signed note. */
export interface ParsedNote {
  readonly text: string;
  readonly signatures: NoteSignature[];
}

/** The (name, key ID) pair that identifies a key in a signature line (signed-note §Signatures). */
export interface NoteKeyRef {
  readonly name: string;
  readonly keyId: number;
}

/** A signature that verified against a known key; `timestamp` is set for cosignature/v1 keys. */
export interface VerifiedNoteSignature extends NoteKeyRef {
  readonly type: NoteKeyType;
  readonly timestamp?: number;
}

/** The result of {@link openNote}: the now-trusted text, who vouched for it, and the ignored unknown keys. */
export interface OpenedNote {
  readonly text: string;
  readonly verified: VerifiedNoteSignature[];
  readonly unknown: NoteKeyRef[];
}

/**
 * Most signature lines accepted in one note. signed-note §Format: verifiers SHOULD cap the count but
 * MUST accept at least 16; 100 is the reference implementation's cap.
 */
export const MAX_NOTE_SIGNATURES = 100;

/** Every signature line starts with an em dash (U+2014) and a space (signed-note §Format). */
const SIG_PREFIX = "\u2014 ";

// signed-note §Format: valid UTF-8 (no lone surrogates in a JS string) and no ASCII control
// characters other than newline.
const FORBIDDEN = /[\x00-\x09\x0b-\x1f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function malformed(message: string, details?: Record<string, unknown>): NoteError {
  return new NoteError("NOTE_MALFORMED", message, details === undefined ? {} : { details });
}

/** True when `s` could be part of a note: valid UTF-8 and no control characters but newline. */
export function isValidNoteString(s: string): boolean {
  return !FORBIDDEN.test(s);
}

function decodeNote(note: string | Uint8Array): string {
  let s: string;
  if (typeof note === "string") {
    s = note;
  } else {
    try {
      s = fatalUtf8.decode(note);
    } catch (cause) {
      throw new NoteError("NOTE_MALFORMED", "note is not valid UTF-8", { cause });
    }
  }
  if (!isValidNoteString(s)) throw malformed("note is not valid UTF-8 or contains control characters");
  return s;
}

function assertText(text: string): void {
  // The text includes its final newline (signed-note §Format); an unterminated text could not be
  // told apart from the signature block.
  if (!text.endsWith("\n")) throw malformed("note text must end with a newline");
  if (!isValidNoteString(text)) throw malformed("note text is not valid UTF-8 or contains control characters");
}

/** Parses one or more signature lines, each "— <name> <base64(key ID || signature)>\n"; throws NOTE_MALFORMED. */
export function parseSignatureLines(block: string): NoteSignature[] {
  if (block.length === 0 || !block.endsWith("\n")) throw malformed("signature block must be non-empty and end with a newline");
  const lines = block.slice(0, -1).split("\n");
  // Checked before decoding anything: a flood of lines is refused cheaply.
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed("too many signature lines", { count: lines.length });
  return lines.map((line) => {
    if (!line.startsWith(SIG_PREFIX)) throw malformed("signature line must start with an em dash and a space");
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(" ");
    if (space < 0) throw malformed("signature line has no signature");
    const name = rest.slice(0, space);
    if (!isValidKeyName(name)) throw malformed("invalid key name in signature line", { name });
    const raw = fromBase64(rest.slice(space + 1));
    // 4 bytes of key ID plus at least one byte of signature.
    if (raw === undefined || raw.length < 5) throw malformed("signature is not base64 of key ID and signature", { name });
    const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, false);
    return { name, keyId, signature: raw.slice(4) };
  });
}

/** Splits a signed note into its text and signature lines, checking syntax only (no signature is verified). */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const s = decodeNote(note);
  // signed-note §Format: the text MAY contain empty lines; the LAST empty line separates it from the
  // signatures, and signature lines can never be empty.
  const split = s.lastIndexOf("\n\n");
  if (split < 0) throw malformed("note has no blank line before its signatures");
  return { text: s.slice(0, split + 1), signatures: parseSignatureLines(s.slice(split + 2)) };
}

function keyIdBytes(keyId: number): Uint8Array {
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) throw malformed("key ID must be a uint32", { keyId });
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, keyId, false);
  return b;
}

/** Formats one signature line, "— <name> <base64(key ID || signature)>\n". */
export function formatSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) throw new NoteError("NOTE_BAD_KEY", "invalid key name", { details: { name: sig.name } });
  if (sig.signature.length === 0) throw malformed("empty signature");
  return `${SIG_PREFIX}${sig.name} ${toBase64(concatBytes(keyIdBytes(sig.keyId), sig.signature))}\n`;
}

/** Assembles text, blank line and signature lines into a signed note (no signing, no verification). */
export function formatNote(text: string, signatures: readonly NoteSignature[]): string {
  assertText(text);
  if (signatures.length === 0) throw malformed("a note needs at least one signature");
  if (signatures.length > MAX_NOTE_SIGNATURES) throw malformed("too many signatures", { count: signatures.length });
  return `${text}\n${signatures.map(formatSignatureLine).join("")}`;
}

const sameKey = (a: NoteKeyRef, b: NoteKeyRef): boolean => a.name === b.name && a.keyId === b.keyId;

/** Signs `text` (which must end in a newline) with Ed25519 signers and returns the signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertText(text);
  if (signers.length === 0) throw new NoteError("NOTE_BAD_KEY", "at least one signer is required");
  const message = utf8.encode(text);
  const signatures: NoteSignature[] = [];
  for (const signer of signers) {
    // A cosignature/v1 key signs a timestamped message, not the text: see cosignCheckpoint.
    if (signer.type !== "ed25519") throw new NoteError("NOTE_BAD_KEY", "signNote takes Ed25519 note keys only", { details: { name: signer.name } });
    if (signatures.some((s) => sameKey(s, signer))) continue;
    signatures.push({ name: signer.name, keyId: signer.keyId, signature: ed25519Sign(signer.seed, message) });
  }
  return formatNote(text, signatures);
}

/**
 * Adds signature lines (each "— name base64\n", e.g. from {@link signNote} or cosignCheckpoint) to a
 * note; a new line replaces an existing one from the same (name, key ID). Nothing is verified.
 */
export function addSignatures(note: string, lines: string | readonly string[]): string {
  const parsed = parseNote(note);
  const added = parseSignatureLines(typeof lines === "string" ? lines : lines.join(""));
  const kept = parsed.signatures.filter((s) => !added.some((a) => sameKey(a, s)));
  return formatNote(parsed.text, [...kept, ...added]);
}

/** Verifies one signature with one key; the timestamp is returned for cosignatures. */
function verifyWith(verifier: NoteVerifier, text: string, signature: Uint8Array): { ok: boolean; timestamp?: number } {
  if (verifier.type === "ed25519") return { ok: ed25519Verify(verifier.publicKey, utf8.encode(text), signature) };
  // tlog-cosignature §Ed25519 signed message: the signature covers a header, the time and the body.
  const { timestamp, signature: sig } = decodeTimestampedSignature(signature);
  return { ok: ed25519Verify(verifier.publicKey, cosignedMessage(text, timestamp), sig), timestamp };
}

/**
 * Verifies a note against trusted keys (signed-note §Signatures): signatures of unknown (name, key ID)
 * pairs are ignored and reported; a known key's failing signature throws NOTE_BAD_SIGNATURE; with no
 * verified signature it throws NOTE_NO_VERIFIED_SIGNATURE.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  return verifyParsedNote(parseNote(note), verifiers);
}

/** openNote's checks on a note parseNote already read (a caller that needed its text first parses it once). */
export function verifyParsedNote({ text, signatures }: ParsedNote, verifiers: readonly NoteVerifier[]): OpenedNote {
  const verified: VerifiedNoteSignature[] = [];
  const unknown: NoteKeyRef[] = [];
  for (const sig of signatures) {
    // Both name and ID must match: a key sharing only one of them is unknown (signed-note §Signatures).
    const verifier = verifiers.find((v) => sameKey(v, sig));
    if (verifier === undefined) {
      if (!unknown.some((u) => sameKey(u, sig))) unknown.push({ name: sig.name, keyId: sig.keyId });
      continue;
    }
    // Every line from a known key is checked, duplicates included, so a bad copy cannot hide behind a good one.
    const result = verifyWith(verifier, text, sig.signature);
    if (!result.ok) {
      throw new NoteError("NOTE_BAD_SIGNATURE", "signature from a known key does not verify", {
        details: { name: sig.name, keyId: sig.keyId },
      });
    }
    if (!verified.some((v) => sameKey(v, sig))) {
      verified.push(
        result.timestamp === undefined
          ? { name: sig.name, keyId: sig.keyId, type: verifier.type }
          : { name: sig.name, keyId: sig.keyId, type: verifier.type, timestamp: result.timestamp },
      );
    }
  }
  if (verified.length === 0) {
    throw new NoteError("NOTE_NO_VERIFIED_SIGNATURE", "no signature from a known key", { details: { unknown } });
  }
  return { text, verified, unknown };
}
