import { bytesEqual } from "../crypto/index.js";
import { canonicalBytes } from "./canonical-json.js";
import { RecordError } from "./record-errors.js";
import { RECORD_KINDS, RECORD_KIND_STIX_TYPE, recordKindOf, type RecordKind } from "./record-kind.js";
import { readSignatureExtension, recordDigestHex } from "./record-signature.js";
import { isHex64, isKeyIdHex, isPlainObject, isStixId, isTimestamp, stixIdType } from "./stix-syntax.js";

/*
 * The transparency-log leaf of a record (design README, "Transparency log"): the JCS bytes of
 *
 *   {"author":…,"custodial":…,"digest":…,"id":…,"key_id":…,"kind":…,"logged_at":…,"modified":…,"v":1}
 *
 * Digests and public metadata only, never content: a TLP:RED warning's leaf reveals that a warning with
 * this id and version exists, who signed it and when it was logged — nothing it says. The leaf bytes are
 * what RFC 9162 hashes as SHA-256(0x00 || leaf). Being JCS, a leaf has exactly one byte form, and
 * decoding insists on it, so one logical entry can never appear in the log under two leaf hashes.
 */

/** A leaf kind: a record kind, or `tombstone` (a deletion of a record version, logged like a record). */
export type LeafKind = RecordKind | "tombstone";

/** The leaf format version this code writes and reads. */
export const RECORD_LEAF_VERSION = 1;

/** Far above any valid leaf (ids are at most ~290 characters); refused before parsing. */
export const MAX_RECORD_LEAF_BYTES = 2048;

/** The fields of a v1 leaf, camel-cased; the wire names are in {@link encodeRecordLeaf}. */
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
}

const LEAF_KINDS: ReadonlySet<string> = new Set<string>([...RECORD_KINDS, "tombstone"]);
const WIRE_KEYS = ["author", "custodial", "digest", "id", "key_id", "kind", "logged_at", "modified", "v"] as const;

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
}

/** The leaf bytes: JCS of `{v: 1, kind, id, modified, author, key_id, custodial, digest, logged_at}`. RECORD_LEAF_MALFORMED on a bad field. */
export function encodeRecordLeaf(leaf: RecordLeaf): Uint8Array {
  checkLeaf(leaf);
  return canonicalBytes({
    v: RECORD_LEAF_VERSION,
    kind: leaf.kind,
    id: leaf.id,
    modified: leaf.modified,
    author: leaf.author,
    key_id: leaf.keyId,
    custodial: leaf.custodial,
    digest: leaf.digest,
    logged_at: leaf.loggedAt,
  });
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses leaf bytes strictly (they come from a log we do not trust): valid UTF-8 JSON, exactly the nine
 * members with `v` 1, every field well formed, an id whose type fits the kind, and the bytes exactly the
 * canonical encoding. Anything else is RECORD_LEAF_MALFORMED.
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
  const keys = Object.keys(parsed).sort();
  if (keys.length !== WIRE_KEYS.length || keys.some((k, i) => k !== WIRE_KEYS[i])) {
    throw bad("a v1 leaf has exactly the members " + WIRE_KEYS.join(", "), { members: keys });
  }
  if (parsed.v !== RECORD_LEAF_VERSION) throw bad("unsupported leaf version", { v: parsed.v });
  const leaf = {
    kind: parsed.kind,
    id: parsed.id,
    modified: parsed.modified,
    author: parsed.author,
    keyId: parsed.key_id,
    custodial: parsed.custodial,
    digest: parsed.digest,
    loggedAt: parsed.logged_at,
  } as RecordLeaf;
  const canonical = encodeRecordLeaf(leaf); // checks every field
  if (!bytesEqual(canonical, bytes)) throw bad("leaf bytes are not in canonical (RFC 8785) form");
  return leaf;
}

/**
 * The leaf of a signed record, logged at `loggedAt`. Reads the signature extension strictly but does not
 * verify the signature: verify first ({@link verifyRecordSignature}), then log. A caller that has
 * already computed the record's digest passes it, saving a second canonicalisation.
 */
export function recordLeafOf(record: unknown, loggedAt: string, digestHex?: string): RecordLeaf {
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
  };
  checkLeaf(leaf);
  return leaf;
}
