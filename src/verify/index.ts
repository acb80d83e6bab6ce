/**
 * tocsin/verify — everything an auditor checks, with no Node-only API, so it runs in a browser as well
 * as in `tocsin audit`. It is the core's own verification, re-exported: on Node the core's cryptography
 * is node:crypto, in a browser @noble/curves and @noble/hashes (package.json "imports", "#crypto";
 * docs/decisions.md). Every function here is synchronous.
 */

// Bytes.
export { toHex, fromHex, toBase64, fromBase64, utf8, sha256 } from "../core/crypto/index.js";

// Records and their signatures (docs/formats.md §2: the signed bytes, the signature extension).
export {
  RECORD_SIGNING_PREFIX,
  RECORD_SIGNATURE_ALGORITHM,
  SIGNATURE_EXT,
  canonicalJson,
  canonicalBytes,
  keyIdOf,
  recordSigningBytes,
  readSignatureExtension,
  verifyRecordSignature,
  recordDigest,
  recordDigestHex,
  recordKindOf,
  warningRefOf,
  RecordError,
} from "../core/record/index.js";
export type { SignatureExtension, VerifiedRecordSignature, RecordKeyResolver, RecordKind } from "../core/record/index.js";

// Log leaves.
export { decodeRecordLeaf, encodeRecordLeaf, recordLeafOf, leafCommitmentProblem } from "../core/record/index.js";
export type { RecordLeaf, LeafKind, ThreadPosition } from "../core/record/index.js";

// Merkle trees (RFC 9162): leaf and node hashes, inclusion and consistency proofs.
export { EMPTY_ROOT, HASH_BYTES, hashLeaf, hashChildren, rootFromInclusionProof, verifyInclusion, verifyConsistency, MerkleError } from "../core/merkle/index.js";

// Checkpoints (C2SP signed notes, tlog-checkpoint) and cosignatures (tlog-cosignature, cosignature/v1).
export {
  parseVerifierKey,
  formatVerifierKey,
  makeNoteVerifier,
  parseNote,
  openNote,
  parseCheckpoint,
  openCheckpoint,
  verifyCosignature,
  collectCosignatures,
  cosignatureKeyId,
  NoteError,
} from "../core/note/index.js";
export type { NoteVerifier, ParsedNote, OpenedNote, Checkpoint, OpenedCheckpoint, VerifiedCosignature } from "../core/note/index.js";

// Key histories (key transparency).
export { KeyHistories, KeyHistoryError, isKeyRecord } from "../core/keys/index.js";
export type { KeyChange, KeyRecordEntry, KeyVerdict, LoggedKey, PartyHistory } from "../core/keys/index.js";

// Whole accountability bundles.
export { parseBundle, auditBundle, parseRecordProof, checkOmission, openThreadStatement, BundleError } from "../core/bundle/index.js";
export type { AccountabilityBundle, AuditCheck, AuditProblem, AuditedEntry, BundleAudit, AuditOptions, RecordProof, OmissionCheck } from "../core/bundle/index.js";
export { verifyBundle } from "./verify-bundle.js";
export type { BundleVerdict, UnreadableBundle, VerifyBundleOptions } from "./verify-bundle.js";

export { isTocsinError } from "../core/errors/tocsin-error.js";
