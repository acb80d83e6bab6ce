import { fromBase64, fromHex, toHex } from "../crypto/index.js";
import { hashLeaf, verifyInclusion } from "../merkle/index.js";
import { openCheckpoint, type NoteVerifier } from "../note/index.js";
import { decodeRecordLeaf, isPlainObject, leafCommitmentProblem, type RecordLeaf } from "../record/index.js";
import { FederationError } from "./federation-errors.js";

/*
 * The origin proof of a record delivered from one node to another (docs/formats.md §4): where the
 * record is in its origin log — its leaf and index — and an RFC 9162 inclusion proof in a checkpoint of
 * that log, signed by the origin's log key. Carried beside the record in the TAXII envelope
 * (`x_tocsin_origin`), kept by the receiver, and written into bundles (`origins`).
 */

export interface OriginProof {
  /** The origin log (its checkpoints' origin line). */
  readonly origin: string;
  /** The record's leaf index in the origin log. */
  readonly index: number;
  /** The leaf bytes, base64. */
  readonly leaf: string;
  /** The size of the checkpoint the proof is against. */
  readonly size: number;
  /** The inclusion proof, hex hashes. */
  readonly hashes: readonly string[];
  /** The origin's signed checkpoint (C2SP signed note) of that size. */
  readonly checkpoint: string;
}

const unverified = (message: string): FederationError => new FederationError("FEDERATION_RECORD_UNVERIFIED", message);

/** Checks the shape of an origin proof from the wire (anything else is FEDERATION_PROOF_MISSING). */
export function parseOriginProof(v: unknown, where: string): OriginProof {
  const ok =
    isPlainObject(v) &&
    typeof v.origin === "string" &&
    Number.isSafeInteger(v.index) &&
    (v.index as number) >= 0 &&
    typeof v.leaf === "string" &&
    Number.isSafeInteger(v.size) &&
    (v.size as number) > (v.index as number) &&
    Array.isArray(v.hashes) &&
    v.hashes.length <= 64 &&
    v.hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h)) &&
    typeof v.checkpoint === "string" &&
    v.checkpoint.length <= 16_384;
  if (!ok) throw new FederationError("FEDERATION_PROOF_MISSING", `${where}: an origin proof needs origin, index, leaf (base64), size > index, hashes (hex) and checkpoint`);
  return v as unknown as OriginProof;
}

/**
 * Verifies that `record` is logged in the origin log: the checkpoint is signed by the pinned origin
 * key `logKey` (and names `origin`), the leaf commits to exactly this record, and the inclusion proof
 * leads from the leaf to the checkpoint's root. Returns the decoded leaf (author, key id, log time);
 * the caller checks the author's key against the origin's key history at `proof.index`.
 */
export function verifyOriginProof(record: Record<string, unknown>, proof: OriginProof, logKey: NoteVerifier): RecordLeaf {
  let root: Uint8Array;
  try {
    const opened = openCheckpoint(proof.checkpoint, logKey, proof.origin);
    if (opened.checkpoint.size !== proof.size) throw new Error(`the checkpoint is of size ${opened.checkpoint.size}, not ${proof.size}`);
    root = opened.checkpoint.rootHash;
  } catch (e) {
    throw unverified(`the origin checkpoint does not verify with the pinned key of ${proof.origin}: ${(e as Error).message}`);
  }
  const bytes = fromBase64(proof.leaf);
  if (!bytes) throw unverified("the origin leaf is not base64");
  let leaf: RecordLeaf;
  try {
    leaf = decodeRecordLeaf(bytes);
  } catch (e) {
    throw unverified(`the origin leaf does not decode: ${(e as Error).message}`);
  }
  const problem = leafCommitmentProblem(leaf, record);
  if (problem) throw unverified(`the origin leaf does not commit to this record: ${problem}`);
  try {
    verifyInclusion(proof.index, proof.size, hashLeaf(bytes), proof.hashes.map((h) => fromHex(h)!), root);
  } catch (e) {
    throw unverified(`the inclusion proof in ${proof.origin} does not verify: ${(e as Error).message}`);
  }
  return leaf;
}

/** The hex leaf hash of an origin proof's leaf (for messages and keys). */
export function originLeafHash(proof: OriginProof): string {
  return toHex(hashLeaf(fromBase64(proof.leaf) ?? new Uint8Array()));
}
