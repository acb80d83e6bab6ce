import { TocsinError } from "../errors/tocsin-error.js";

/** Why a record, its canonical form, its signature, its log leaf or a commitment was refused; tests assert these codes. */
export type RecordErrorCode =
  | "RECORD_NOT_CANONICALIZABLE" // the value has no RFC 8785 form: undefined, NaN/±Infinity, BigInt, a non-plain object, a lone surrogate, a cycle, a hole, too deep
  | "RECORD_MALFORMED" // not a STIX-shaped object (a plain object with string `type` and `id`, `extensions` an object)
  | "RECORD_UNSIGNED" // no Tocsin signature extension on the object
  | "RECORD_SIGNATURE_MALFORMED" // the signature extension is there but wrong: field, algorithm, key id, base64 or length
  | "RECORD_SIGNER_MISMATCH" // signer_ref differs from created_by_ref (or is not an identity id)
  | "RECORD_BAD_KEY" // signing key material unusable: not 32 bytes, or the public key is not the seed's
  | "RECORD_UNKNOWN_KEY" // the key resolver knows no key (or a key of another id) for signer_ref + key_id
  | "RECORD_BAD_SIGNATURE" // the Ed25519 signature does not verify over the signing bytes
  | "RECORD_LEAF_MALFORMED" // transparency-log leaf bytes (or leaf fields to encode) outside the v1 leaf format
  | "RECORD_COMMITMENT_SALT_LENGTH"; // a commitment salt not exactly 32 bytes (the salt/evidence split would be ambiguous)

/** The error thrown by the record core (canonical JSON, signatures, log leaves, commitments). */
export class RecordError extends TocsinError<RecordErrorCode> {}
