import { bytesEqual, utf8 } from "../crypto/index.js";
import { RecordError } from "./record-errors.js";
import { RECORD_KINDS, RECORD_KIND_STIX_TYPE, recordKindOf, warningRefOf, type RecordKind } from "./record-kind.js";
import { readSignatureExtension, recordDigestHex } from "./record-signature.js";
import { isHex64, isKeyIdHex, isPlainObject, isStixId, isTimestamp, stixIdType } from "./stix-syntax.js";

/*
 * The transparency-log leaf of a record (design README, "Transparency log"): the JCS bytes of
 *
 *   v1: {"author":…,"custodial":…,"digest":…,"id":…,"key_id":…,"kind":…,"logged_at":…,"modified":…,"v":1}
 *   v2: the same members with "v":2, plus "warning" (the warning the record is about) and "seq" (its
 *       position in that warning's thread: 0 for the warning's first version, then every later record
 *       about the warning in log order, without gaps)
 *
 * A record about a warning is logged as v2 (docs/formats.md §2.7); every other leaf as v1, and v1 leaves
 * of logs written before thread positions existed keep decoding. The thread position is what lets an
 * auditor see that a record about the warning was left out of a bundle (src/core/bundle/thread-completeness.ts).
 *
 * Digests and public metadata only, never content: a TLP:RED warning's leaf reveals that a warning with
 * this id and version exists, who signed it and when it was logged — nothing it says. The leaf bytes are
 * what RFC 9162 hashes as SHA-256(0x00 || leaf). Being JCS, a leaf has exactly one byte form, and
 * decoding insists on it, so one logical entry can never appear in the log under two leaf hashes.
 */

/** A leaf kind: a record kind, or `tombstone` (a deletion of a record version, logged like a record). */
export type LeafKind = RecordKind | "tombstone";

/** The leaf format of a record that is not about a warning (and of every leaf of older logs). */
export const RECORD_LEAF_VERSION = 1;
/** The leaf format of a record about a warning: v1 plus the warning and the record's position in its thread. */
export const THREAD_LEAF_VERSION = 2;

/** The kinds of record that belong to a warning's thread (the only kinds a v2 leaf may have). */
export const THREAD_KINDS: ReadonlySet<LeafKind> = new Set<LeafKind>(["warning", "receipt", "assessment", "action", "resolution", "reveal", "escalation"]);

/** Far above any valid leaf (ids are at most ~290 characters); refused before parsing. */
export const MAX_RECORD_LEAF_BYTES = 2048;

/** The fields of a leaf, camel-cased; the wire names are in {@link encodeRecordLeaf}. */
export interface RecordLeaf {
  kind: LeafKind;
  /** The STIX id of the record (for a tombstone: of the deleted record). */
  id: string;
  /** The record version: its `modified`, or `created` for objects without versions. */
  modified: string;
  /** The signer's identity id: the record's created_by_ref, or for a relayed object the relaying party (formats §2.10). */
  author: string;
  /** The signer's key id (32 hex digits). */
  keyId: string;
  /** The node signed with a key it holds for the author. */
  custodial: boolean;
  /** The record's envelope digest (64 hex digits). */
  digest: string;
  /** When the node logged it (RFC 3339 UTC, the node's clock). */
  loggedAt: string;
  /** v2 only: the warning (report id) the record is about; a warning's own id for a warning version. */
  warning?: string | undefined;
  /** v2 only: the record's position in the warning's thread (0 = the warning's first version). */
  seq?: number | undefined;
}

/** A record's place in its warning's thread, as the admission assigns it. */
export interface ThreadPosition {
  readonly warning: string;
  readonly seq: number;
}

const LEAF_KINDS: ReadonlySet<string> = new Set<string>([...RECORD_KINDS, "tombstone"]);
const WIRE_KEYS_V1 = ["author", "custodial", "digest", "id", "key_id", "kind", "logged_at", "modified", "v"] as const;
const WIRE_KEYS_V2 = ["author", "custodial", "digest", "id", "key_id", "kind", "logged_at", "modified", "seq", "v", "warning"] as const;

function bad(message: string, details?: Record<string, unknown>): RecordError {
  return new RecordError("RECORD_LEAF_MALFORMED", message, details === undefined ? {} : { details });
}

/** Checks every field of a leaf (shared by encode and decode). */
function checkLeaf(leaf: RecordLeaf): void {
  if (typeof leaf.kind !== "string" || !LEAF_KINDS.has(leaf.kind)) throw bad("unknown leaf kind", { kind: leaf.kind });
  if (!isStixId(leaf.id)) throw bad("id must be a STIX identifier");
  if (leaf.kind !== "other" && leaf.kind !== "tombstone" && stixIdType(leaf.id) !== RECORD_KIND_STIX_TYPE[leaf.kind]) {
    throw bad(`a ${leaf.kind} leaf needs a ${RECORD_KIND_STIX_TYPE[leaf.kind]} id`, { kind: leaf.kind, id: leaf.id });
  }
  if (!isTimestamp(leaf.modified)) throw bad("modified must be an RFC 3339 UTC timestamp");
  if (!isStixId(leaf.author, "identity")) throw bad("author must be an identity id");
  if (!isKeyIdHex(leaf.keyId)) throw bad("key_id must be 32 lowercase hex digits");
  if (typeof leaf.custodial !== "boolean") throw bad("custodial must be a boolean");
  if (!isHex64(leaf.digest)) throw bad("digest must be 64 lowercase hex digits");
  if (!isTimestamp(leaf.loggedAt)) throw bad("logged_at must be an RFC 3339 UTC timestamp");
  if (leaf.warning === undefined && leaf.seq === undefined) return;
  if (leaf.warning === undefined || leaf.seq === undefined) throw bad("warning and seq come together (leaf v2)");
  if (!THREAD_KINDS.has(leaf.kind)) throw bad(`a ${leaf.kind} leaf is not about a warning and has no thread position`, { kind: leaf.kind });
  if (!isStixId(leaf.warning, "report")) throw bad("warning must be a report id");
  if (typeof leaf.seq !== "number" || !Number.isSafeInteger(leaf.seq) || leaf.seq < 0) throw bad("seq must be a non-negative integer");
  if (leaf.kind === "warning" && leaf.warning !== leaf.id) throw bad("a warning version is in its own thread", { id: leaf.id, warning: leaf.warning });
}

/**
 * The leaf bytes: JCS of `{v: 1, kind, id, modified, author, key_id, custodial, digest, logged_at}`, or
 * with `warning` and `seq` set, `{v: 2, …, warning, seq}`. RECORD_LEAF_MALFORMED on a bad field.
 */
export function encodeRecordLeaf(leaf: RecordLeaf): Uint8Array {
  checkLeaf(leaf);
  return writeLeaf(leaf);
}

/** The leaf bytes of a leaf {@link checkLeaf} has passed. */
function writeLeaf(leaf: RecordLeaf): Uint8Array {
  // Written out member by member, in JCS order (keys sorted by UTF-16 code units: author, custodial,
  // digest, id, key_id, kind, logged_at, modified, [seq,] v[, warning]): checkLeaf has held every string
  // to a leaf kind, ASCII ids, timestamps and hex digits (no quote, backslash or control character), whose
  // JCS form is the string between quotes, and seq to a safe non-negative integer. The same bytes as
  // canonicalBytes() of the object (log-leaf.test.ts holds them equal), without a generic
  // canonicalisation per logged record, nor JSON.stringify's 0.2 µs a string.
  const q = (s: string): string => `"${s}"`;
  const head = `{"author":${q(leaf.author)},"custodial":${leaf.custodial},"digest":${q(leaf.digest)},"id":${q(leaf.id)},"key_id":${q(leaf.keyId)},"kind":${q(leaf.kind)},"logged_at":${q(leaf.loggedAt)},"modified":${q(leaf.modified)}`;
  const text = leaf.warning === undefined ? `${head},"v":${RECORD_LEAF_VERSION}}` : `${head},"seq":${leaf.seq},"v":${THREAD_LEAF_VERSION},"warning":${q(leaf.warning)}}`;
  return utf8.encode(text);
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses leaf bytes strictly (they come from a log we do not trust): valid UTF-8 JSON, exactly the nine
 * members of `v` 1 or the eleven of `v` 2, every field well formed, an id whose type fits the kind, and
 * the bytes exactly the canonical encoding. Anything else is RECORD_LEAF_MALFORMED.
 */
export function decodeRecordLeaf(bytes: Uint8Array): RecordLeaf {
  if (bytes.length > MAX_RECORD_LEAF_BYTES) throw bad("leaf too large", { bytes: bytes.length });
  let parsed: unknown;
  try {
    parsed = JSON.parse(fatalUtf8.decode(bytes));
  } catch (cause) {
    throw new RecordError("RECORD_LEAF_MALFORMED", "a leaf must be UTF-8 JSON", { cause });
  }
  if (!isPlainObject(parsed)) throw bad("a leaf must be a JSON object");
  if (parsed.v !== RECORD_LEAF_VERSION && parsed.v !== THREAD_LEAF_VERSION) throw bad("unsupported leaf version", { v: parsed.v });
  const wire = parsed.v === RECORD_LEAF_VERSION ? WIRE_KEYS_V1 : WIRE_KEYS_V2;
  const keys = Object.keys(parsed).sort();
  if (keys.length !== wire.length || keys.some((k, i) => k !== wire[i])) {
    throw bad(`a v${parsed.v} leaf has exactly the members ${wire.join(", ")}`, { members: keys });
  }
  const leaf = {
    kind: parsed.kind,
    id: parsed.id,
    modified: parsed.modified,
    author: parsed.author,
    keyId: parsed.key_id,
    custodial: parsed.custodial,
    digest: parsed.digest,
    loggedAt: parsed.logged_at,
    ...(parsed.v === THREAD_LEAF_VERSION ? { warning: parsed.warning, seq: parsed.seq } : {}),
  } as RecordLeaf;
  const canonical = encodeRecordLeaf(leaf); // checks every field
  if (!bytesEqual(canonical, bytes)) throw bad("leaf bytes are not in canonical (RFC 8785) form");
  return leaf;
}

/**
 * The leaf of a signed record, logged at `loggedAt`. Reads the signature extension strictly but does not
 * verify the signature: verify first ({@link verifyRecordSignature}), then log. A caller that has
 * already computed the record's digest passes it, saving a second canonicalisation. A record about a
 * warning gets its thread position (`thread`), which makes its leaf v2.
 */
export function recordLeafOf(record: unknown, loggedAt: string, digestHex?: string, thread?: ThreadPosition): RecordLeaf {
  const sig = readSignatureExtension(record);
  const r = record as Record<string, unknown>;
  const modified = r.modified ?? r.created;
  const leaf: RecordLeaf = {
    kind: recordKindOf(record),
    id: r.id as string,
    modified: modified as string,
    author: sig.signer_ref,
    keyId: sig.key_id,
    custodial: sig.custodial === true,
    digest: digestHex ?? recordDigestHex(record),
    loggedAt,
    ...(thread ? { warning: thread.warning, seq: thread.seq } : {}),
  };
  if (thread && warningRefOf(record) !== thread.warning) throw bad("the record is not about the warning of its thread position", { warning: thread.warning });
  checkLeaf(leaf);
  return leaf;
}

/**
 * The leaf bytes of a signed record: {@link encodeRecordLeaf} of {@link recordLeafOf}, with the leaf's
 * fields checked once (recordLeafOf checks them) instead of twice — this runs for every admitted record.
 */
export function encodeRecordLeafOf(record: unknown, loggedAt: string, digestHex?: string, thread?: ThreadPosition): Uint8Array {
  return writeLeaf(recordLeafOf(record, loggedAt, digestHex, thread));
}
