import { fromBase64, sha256, toBase64 } from "../crypto/index.js";
import { isValidNoteString, openNote, signNote, type NoteSigner, type NoteVerifier } from "../note/index.js";
import { isStixId } from "../record/index.js";
import { BundleError } from "./bundle-errors.js";

/*
 * The thread statement (docs/formats.md §3.1): the log's signed word that a bundle holds every record
 * about its warning up to one checkpoint. It is a C2SP signed note, signed with the log key, whose text
 * is seven lines:
 *
 *   tocsin/thread-statement/v1
 *   <origin: the log's name, which is also the log key's name>
 *   <warning id>
 *   <checkpoint size S, canonical decimal>
 *   <base64 root hash of the tree of size S>
 *   <count N: records about the warning among the first S log entries, canonical decimal>
 *   <base64 thread digest: SHA-256 of the N leaf hashes, 32 bytes each, in log order>
 *
 * Domain separation from checkpoints, which the same key signs: a checkpoint's first line is the origin,
 * which must equal the key name, and its second a decimal size; a statement's first line is the fixed
 * header and its second the origin. A note that parsed as both would need an origin equal to the header
 * and made of digits at once, so no statement is ever a checkpoint, nor a checkpoint a statement.
 */

export const THREAD_STATEMENT_HEADER = "tocsin/thread-statement/v1";

export interface ThreadStatement {
  /** The log's origin (its key name). */
  readonly origin: string;
  readonly warning: string;
  /** The checkpoint the statement speaks up to: tree size and root hash. */
  readonly size: number;
  readonly root: Uint8Array;
  /** How many records about the warning the first `size` log entries hold. */
  readonly count: number;
  /** SHA-256 of their leaf hashes in log order ({@link threadDigest}). */
  readonly digest: Uint8Array;
}

const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

function malformed(message: string): BundleError {
  return new BundleError("THREAD_STATEMENT_MALFORMED", message);
}

/** SHA-256 of the concatenated 32-byte leaf hashes of a thread, in log order. */
export function threadDigest(leafHashes: readonly Uint8Array[]): Uint8Array {
  return sha256(...leafHashes);
}

/** The statement's note text (seven lines, each ending in a newline). */
export function formatThreadStatement(s: ThreadStatement): string {
  if (!isStixId(s.warning, "report")) throw malformed("warning must be a report id");
  if (!Number.isSafeInteger(s.size) || s.size < 1 || !Number.isSafeInteger(s.count) || s.count < 1 || s.count > s.size) {
    throw malformed("size and count must be integers with 1 ≤ count ≤ size");
  }
  if (s.root.length !== 32 || s.digest.length !== 32) throw malformed("root and digest are 32-byte hashes");
  if (s.origin.length === 0 || s.origin.includes("\n") || !isValidNoteString(s.origin)) throw malformed("origin must be one line");
  return [THREAD_STATEMENT_HEADER, s.origin, s.warning, String(s.size), toBase64(s.root), String(s.count), toBase64(s.digest)].map((l) => `${l}\n`).join("");
}

/** Signs a statement with the log key; the origin must be the key's name, as for checkpoints. */
export function signThreadStatement(s: ThreadStatement, logKey: NoteSigner): string {
  if (s.origin !== logKey.name) throw malformed("the statement's origin must be the log key's name");
  return signNote(formatThreadStatement(s), [logKey]);
}

/** Parses a statement's note text strictly (exactly the canonical seven lines); THREAD_STATEMENT_MALFORMED otherwise. */
export function parseThreadStatement(text: string): ThreadStatement {
  const lines = text.split("\n");
  if (lines.length !== 8 || lines[7] !== "") throw malformed("a thread statement is exactly seven lines");
  const [header, origin, warning, size, root, count, digest] = lines as [string, string, string, string, string, string, string];
  if (header !== THREAD_STATEMENT_HEADER) throw malformed(`the first line must be ${THREAD_STATEMENT_HEADER}`);
  if (!DECIMAL.test(size) || !DECIMAL.test(count)) throw malformed("size and count must be canonical decimals");
  const rootBytes = fromBase64(root);
  const digestBytes = fromBase64(digest);
  if (!rootBytes || !digestBytes) throw malformed("root and digest must be base64");
  const s: ThreadStatement = { origin, warning, size: Number(size), root: rootBytes, count: Number(count), digest: digestBytes };
  // Round trip: one statement has one text (no other base64 spelling, no extra zeros).
  if (formatThreadStatement(s) !== text) throw malformed("not the canonical form of a thread statement");
  return s;
}

/**
 * Verifies a signed statement with the log key and parses it; its origin must be the key's name.
 * Throws the note's error (NOTE_…) when the log did not sign it, THREAD_STATEMENT_MALFORMED when it
 * is not a statement.
 */
export function openThreadStatement(note: string, logKey: NoteVerifier): ThreadStatement {
  const opened = openNote(note, [logKey]);
  if (!opened.verified.some((v) => v.name === logKey.name && v.keyId === logKey.keyId)) throw malformed("not signed by the log key");
  const s = parseThreadStatement(opened.text);
  if (s.origin !== logKey.name) throw malformed("the statement's origin is not the log key's name");
  return s;
}
