import { fromBase64, toBase64, utf8 } from "../crypto/index.js";
import type { VerifiedCosignature } from "./cosigned-message.js";
import { NoteError } from "./note-errors.js";
import type { NoteSigner, NoteVerifier } from "./note-keys.js";
import { isValidNoteString, openNote, parseNote, signNote, verifyParsedNote, type NoteKeyRef, type OpenedNote, type ParsedNote } from "./signed-note.js";

/** A transparency log checkpoint: the note text of tlog-checkpoint §Note text, decoded. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
}

/** A checkpoint whose log signature verified, with the verified witness cosignatures. */
export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The whole signed note as received (decoded to a string). */
  readonly note: string;
  /** The checkpoint body: the note text the signatures cover. */
  readonly text: string;
  readonly cosignatures: VerifiedCosignature[];
  readonly unknown: NoteKeyRef[];
}

/** RFC 6962 root hashes are SHA-256 digests. */
export const CHECKPOINT_ROOT_HASH_BYTES = 32;

// tlog-checkpoint §Note text item 2: ASCII decimal, no leading zeroes unless the tree is empty.
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function malformed(message: string, details?: Record<string, unknown>): NoteError {
  return new NoteError("CHECKPOINT_MALFORMED", message, details === undefined ? {} : { details });
}

function parseSize(line: string): number {
  // 16 digits bound the Number() conversion; anything past 2^53 − 1 would silently round.
  if (!DECIMAL.test(line) || line.length > 16) throw malformed("tree size is not a canonical decimal", { line });
  const size = Number(line);
  if (!Number.isSafeInteger(size)) throw malformed("tree size beyond 2^53 − 1", { line });
  return size;
}

/** A line that fits in a checkpoint: non-empty (tlog-checkpoint §Note text), no newline, note-legal characters. */
function isValidLine(line: string): boolean {
  return line.length > 0 && !line.includes("\n") && isValidNoteString(line);
}

/** Serialises a checkpoint to its note text (origin, size, base64 root hash, extension lines; each ending "\n"). */
export function formatCheckpoint(c: Checkpoint): string {
  if (!isValidLine(c.origin)) throw malformed("origin must be one non-empty line");
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw malformed("tree size must be an integer in [0, 2^53 − 1]", { size: c.size });
  if (c.rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) throw malformed("root hash must be 32 bytes", { length: c.rootHash.length });
  for (const ext of c.extensions) if (!isValidLine(ext)) throw malformed("extension lines must be single non-empty lines");
  return [c.origin, String(c.size), toBase64(c.rootHash), ...c.extensions].map((l) => `${l}\n`).join("");
}

/** Parses a checkpoint body (the note text, not the signed note); throws CHECKPOINT_MALFORMED. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!isValidNoteString(text)) throw malformed("checkpoint is not valid UTF-8 or contains control characters");
  if (!text.endsWith("\n")) throw malformed("checkpoint must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed("checkpoint needs origin, size and root hash lines");
  // tlog-checkpoint §Note text: every line, extensions included, is non-empty.
  if (lines.some((l) => l.length === 0)) throw malformed("checkpoint lines must be non-empty");
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  const size = parseSize(sizeLine);
  const rootHash = fromBase64(rootLine);
  if (rootHash === undefined || rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) {
    throw malformed("root hash is not base64 of 32 bytes", { line: rootLine });
  }
  return { origin, size, rootHash, extensions };
}

function assertOriginIsKey(origin: string, keyName: string): void {
  // tlog-checkpoint §Signatures: the log's key name SHOULD match the origin; Tocsin makes it a rule,
  // so one string names the log everywhere.
  if (origin !== keyName) {
    throw new NoteError("CHECKPOINT_ORIGIN_MISMATCH", "checkpoint origin must equal the log key name", {
      details: { origin, keyName },
    });
  }
}

/** Signs a checkpoint with the log key (whose name must be the origin) and returns the signed note. */
export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  assertOriginIsKey(c.origin, signer.name);
  return signNote(formatCheckpoint(c), [signer]);
}

/**
 * Opens a signed checkpoint: the log key's signature must verify (unknown lines are ignored), the body
 * must parse, its origin must equal the log key name and `expectedOrigin` if given; cosignatures of
 * `witnesses` are verified and returned (a bad one throws NOTE_BAD_SIGNATURE).
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifier: NoteVerifier,
  expectedOrigin?: string,
  witnesses: readonly NoteVerifier[] = [],
): OpenedCheckpoint {
  const isLog = (k: NoteKeyRef): boolean => k.name === verifier.name && k.keyId === verifier.keyId;
  const opened = openNote(note, [verifier, ...witnesses.filter((w) => !isLog(w))]);
  return checkOpened(typeof note === "string" ? note : utf8.decode(note), opened, verifier, expectedOrigin, undefined);
}

/** A checkpoint note read (signature lines split off, body parsed as a checkpoint) but not yet verified. */
export interface ParsedCheckpointNote {
  readonly note: string;
  readonly parsed: ParsedNote;
  readonly checkpoint: Checkpoint;
}

/** Reads a checkpoint note without verifying it (to learn its origin, hence its key); malformed throws. */
export function parseCheckpointNote(note: string): ParsedCheckpointNote {
  const parsed = parseNote(note);
  return { note, parsed, checkpoint: parseCheckpoint(parsed.text) };
}

/** openCheckpoint (no witness keys) on a note parseCheckpointNote read: each byte is parsed once. */
export function openParsedCheckpoint(p: ParsedCheckpointNote, verifier: NoteVerifier, expectedOrigin?: string): OpenedCheckpoint {
  return checkOpened(p.note, verifyParsedNote(p.parsed, [verifier]), verifier, expectedOrigin, p.checkpoint);
}

/** The checks after the signatures: the log's own must be among them, and the origin must be its key's name. */
function checkOpened(note: string, opened: OpenedNote, verifier: NoteVerifier, expectedOrigin: string | undefined, parsed: Checkpoint | undefined): OpenedCheckpoint {
  const isLog = (k: NoteKeyRef): boolean => k.name === verifier.name && k.keyId === verifier.keyId;
  // A witness signature alone is not enough: the checkpoint is the log's statement (tlog-checkpoint §Signatures).
  if (!opened.verified.some(isLog)) {
    throw new NoteError("NOTE_NO_VERIFIED_SIGNATURE", "checkpoint is not signed by the log key", {
      details: { name: verifier.name, keyId: verifier.keyId },
    });
  }
  const checkpoint = parsed ?? parseCheckpoint(opened.text);
  assertOriginIsKey(checkpoint.origin, verifier.name);
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    throw new NoteError("CHECKPOINT_ORIGIN_MISMATCH", "checkpoint origin is not the expected one", {
      details: { origin: checkpoint.origin, expectedOrigin },
    });
  }
  const cosignatures = opened.verified.flatMap((v) =>
    !isLog(v) && v.type === "cosignature/v1" && v.timestamp !== undefined
      ? [{ name: v.name, keyId: v.keyId, timestamp: v.timestamp }]
      : [],
  );
  return { checkpoint, note, text: opened.text, cosignatures, unknown: opened.unknown };
}
