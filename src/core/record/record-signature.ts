import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SEED_BYTES,
  ED25519_SIGNATURE_BYTES,
  bytesEqual,
  concatBytes,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  fromBase64,
  publicBytesEqual,
  sha256,
  toBase64,
  toHex,
  utf8,
} from "../crypto/index.js";
import { canonicalBytes, canonicalJson, canonicalJsonLocating } from "./canonical-json.js";
import { SIGNATURE_EXT } from "./extension-ids.js";
import { RecordError } from "./record-errors.js";
import { isRelayable } from "./record-kind.js";
import { isKeyIdHex, isPlainObject, isStixId } from "./stix-syntax.js";

/*
 * A record is a STIX object signed in place (docs/formats.md, "Record signatures").
 *
 *   signing bytes = UTF-8("tocsin-record-v1\n") || JCS(object with extensions[SIGNATURE_EXT].signature removed)
 *   signature     = Ed25519(seed, signing bytes)                      (RFC 8032 §5.1.6, pure Ed25519)
 *   key id        = hex(SHA-256(raw 32-byte public key)[0..16])
 *   digest        = SHA-256(JCS(the whole signed object))           ("envelope digest")
 *
 * Only the `signature` member is taken out before signing; the rest of the signature extension —
 * extension_type, signer_ref, key_id, algorithm and custodial — stays in the signed bytes, so none of it
 * can be changed without breaking the signature:
 *   - signer_ref: a relay cannot re-attribute a record to another party that happens to share the key;
 *   - key_id: the signer committed to which of its keys it used, so a record cannot be "re-homed" onto
 *     a rotated or revoked key to dodge (or fake) a revocation;
 *   - custodial: whoever holds the record cannot flip a party-signed record into "the node signed it for
 *     us" (which would make it deniable: "our host did that, not us"), nor the reverse (which would claim
 *     a party signed in person what its node signed for it);
 *   - algorithm: no downgrade or cross-algorithm confusion once other algorithms exist.
 * Removing the whole extension entry (as the first design note said) would leave all of these
 * unauthenticated; removing only the signature value is the smallest cut that makes signing possible.
 *
 * The prefix separates these bytes from every other thing Tocsin (or anyone) signs with Ed25519 keys
 * — checkpoints, cosignatures — so a signature over one can never be replayed as the other. Its version
 * number changes if the signed form ever does.
 */

/** Domain-separation prefix of the signing bytes (see the comment above). */
export const RECORD_SIGNING_PREFIX = "tocsin-record-v1\n";

/** The only signature algorithm of record format v1. */
export const RECORD_SIGNATURE_ALGORITHM = "ed25519";

/** The value of `extensions[SIGNATURE_EXT]` (schema signature-v1). */
export interface SignatureExtension {
  extension_type: "property-extension";
  signer_ref: string;
  key_id: string;
  algorithm: "ed25519";
  signature: string;
  /** Present (and true) only when the node signed with a key it holds for the author. */
  custodial?: true;
}

/** The minimal STIX shape the record core relies on; everything else passes through untouched. */
export interface StixObject {
  type: string;
  id: string;
  created_by_ref?: string;
  created?: string;
  modified?: string;
  extensions?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A STIX object carrying a Tocsin signature extension. */
export type SignedRecord<T extends StixObject = StixObject> = T & {
  extensions: Record<string, unknown> & { [SIGNATURE_EXT]: SignatureExtension };
};

export interface SignRecordOptions {
  /** The identity id of the author; MUST equal the object's `created_by_ref`. */
  signerRef: string;
  /** The author's 32-byte Ed25519 private key (RFC 8032 seed). */
  seed: Uint8Array;
  /** The matching 32-byte public key (checked against the seed). */
  publicKey: Uint8Array;
  /** The node signs with a key it holds for the author (custodial mode). */
  custodial?: boolean;
  /**
   * The signer relays an object it did not create: `created_by_ref` may be absent or name someone else.
   * Only for relayable kinds (`other`, `identity`; see record-kind.ts); the signature then says "signerRef
   * logged this", never "created_by_ref said this".
   */
  relay?: boolean;
}

/** What a successful verification establishes. */
export interface VerifiedRecordSignature {
  signerRef: string;
  keyId: string;
  custodial: boolean;
}

/** Looks up the public key a party uses under a key id; undefined if unknown (or not valid for that party). */
export type RecordKeyResolver = (signerRef: string, keyId: string) => Uint8Array | undefined;

/**
 * The last key {@link keyIdOf} was asked about (a copy) and its id. Every record a check worker verifies
 * asks for its key's id, and a request's records are nearly always one poster's under one key: 32 bytes
 * compared instead of a SHA-256 and a hex (2.0 µs a record). Compared by content, never by identity, so
 * a caller's array changed after the call cannot be given a stale id.
 */
let lastKey: Uint8Array | undefined;
let lastKeyId = "";

/** The Tocsin key id of a raw 32-byte Ed25519 public key: the first 16 bytes of its SHA-256, lowercase hex. */
export function keyIdOf(publicKey: Uint8Array): string {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RecordError("RECORD_BAD_KEY", `an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, not ${publicKey.length}`);
  }
  if (lastKey !== undefined && publicBytesEqual(lastKey, publicKey)) return lastKeyId;
  const keyId = toHex(sha256(publicKey).subarray(0, 16));
  lastKey = new Uint8Array(publicKey);
  lastKeyId = keyId;
  return keyId;
}

/** Checks the STIX shape the record core needs: a plain object, string `type` and `id`, `extensions` a plain object if present. */
export function assertStixObject(obj: unknown): asserts obj is StixObject {
  if (!isPlainObject(obj)) throw new RecordError("RECORD_MALFORMED", "a record must be a JSON object");
  if (typeof obj.type !== "string" || typeof obj.id !== "string") {
    throw new RecordError("RECORD_MALFORMED", "a record needs string `type` and `id` properties");
  }
  if (obj.extensions !== undefined && !isPlainObject(obj.extensions)) {
    throw new RecordError("RECORD_MALFORMED", "`extensions` must be an object");
  }
}

/**
 * The bytes a record's signature covers: the prefix, then the JCS of the object with only
 * `extensions[SIGNATURE_EXT].signature` removed. The signature extension must be present (its other
 * members are signed); RECORD_UNSIGNED otherwise.
 */
export function recordSigningBytes(obj: unknown): Uint8Array {
  assertStixObject(obj);
  const ext = obj.extensions?.[SIGNATURE_EXT];
  if (!isPlainObject(ext)) throw new RecordError("RECORD_UNSIGNED", "the record carries no Tocsin signature extension");
  const { signature: _omitted, ...unsignedExt } = ext;
  const unsigned = { ...obj, extensions: { ...obj.extensions, [SIGNATURE_EXT]: unsignedExt } };
  return concatBytes(utf8.encode(RECORD_SIGNING_PREFIX), canonicalBytes(unsigned));
}

/**
 * A signed record's two canonical forms from one canonicalisation: its JCS (the stored body, hashed as
 * the envelope digest) and {@link recordSigningBytes}. Undefined when the object has no signature
 * extension object (then there are no signing bytes: verifying names what is missing). Throws
 * RECORD_NOT_CANONICALIZABLE, as canonicalJson does, when the object has no canonical form.
 */
export function recordCanonicalForms(obj: unknown): { body: string; signingBytes: Uint8Array } | undefined {
  if (!isPlainObject(obj) || !isPlainObject(obj.extensions) || !isPlainObject(obj.extensions[SIGNATURE_EXT])) return undefined;
  const { text, member } = canonicalJsonLocating(obj, ["extensions", SIGNATURE_EXT, "signature"]);
  const unsigned = member === undefined ? text : text.slice(0, member.start) + text.slice(member.end);
  return { body: text, signingBytes: utf8.encode(RECORD_SIGNING_PREFIX + unsigned) };
}

/**
 * Signs `obj` in place of its author: returns a deep copy with the signature extension added (or
 * replaced). The input is not modified. RECORD_SIGNER_MISMATCH unless `created_by_ref` is `signerRef`
 * (an identity id) — or, with `relay`, the object is of a relayable kind; RECORD_BAD_KEY if the keys
 * are not a matching Ed25519 pair.
 */
export function signRecord<T extends StixObject>(obj: T, options: SignRecordOptions): SignedRecord<T> {
  assertStixObject(obj);
  const { signerRef, seed, publicKey } = options;
  if (obj.created_by_ref !== signerRef && !(options.relay === true && isRelayable(obj))) {
    throw new RecordError("RECORD_SIGNER_MISMATCH", "only the author named in created_by_ref may sign a record", {
      details: { created_by_ref: obj.created_by_ref, signer_ref: signerRef },
    });
  }
  if (!isStixId(signerRef, "identity")) {
    throw new RecordError("RECORD_SIGNER_MISMATCH", "signer_ref must be an identity id", { details: { signer_ref: signerRef } });
  }
  if (seed.length !== ED25519_SEED_BYTES || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RecordError("RECORD_BAD_KEY", "Ed25519 seeds and public keys are 32 bytes");
  }
  if (!bytesEqual(ed25519PublicKey(seed), publicKey)) {
    throw new RecordError("RECORD_BAD_KEY", "the public key does not belong to the seed");
  }
  // The JCS walk refuses anything that is not plain JSON data, which also makes structuredClone exact.
  canonicalJson(obj);
  const copy = structuredClone(obj) as StixObject;
  const ext: Omit<SignatureExtension, "signature"> & { signature?: string } = {
    extension_type: "property-extension",
    signer_ref: signerRef,
    key_id: keyIdOf(publicKey),
    algorithm: RECORD_SIGNATURE_ALGORITHM,
  };
  if (options.custodial === true) ext.custodial = true;
  copy.extensions = { ...copy.extensions, [SIGNATURE_EXT]: ext };
  ext.signature = toBase64(ed25519Sign(seed, recordSigningBytes(copy)));
  return copy as SignedRecord<T>;
}

const SIGNATURE_EXT_KEYS = new Set(["extension_type", "signer_ref", "key_id", "algorithm", "signature", "custodial"]);

function malformed(message: string, details?: Record<string, unknown>): RecordError {
  return new RecordError("RECORD_SIGNATURE_MALFORMED", message, details === undefined ? {} : { details });
}

/**
 * Reads the signature extension strictly (attacker-controlled input): RECORD_UNSIGNED if absent,
 * RECORD_SIGNATURE_MALFORMED for any member outside schema signature-v1, including an unknown member, a
 * non-canonical base64 spelling of the signature (which would give the same signature two envelope
 * digests) or a decoded length other than 64 bytes. Does not check the signature itself.
 */
export function readSignatureExtension(obj: unknown): SignatureExtension {
  return readSignature(obj).ext;
}

/** {@link readSignatureExtension}, and the signature's bytes it decoded on the way (the verify needs them). */
function readSignature(obj: unknown): { ext: SignatureExtension; signature: Uint8Array } {
  assertStixObject(obj);
  const ext = obj.extensions?.[SIGNATURE_EXT];
  if (ext === undefined) throw new RecordError("RECORD_UNSIGNED", "the record carries no Tocsin signature extension");
  if (!isPlainObject(ext)) throw malformed("the signature extension must be an object");
  for (const k of Object.keys(ext)) {
    if (!SIGNATURE_EXT_KEYS.has(k)) throw malformed(`unknown member ${JSON.stringify(k)} in the signature extension`, { member: k });
  }
  if (ext.extension_type !== "property-extension") throw malformed("extension_type must be property-extension");
  if (ext.algorithm !== RECORD_SIGNATURE_ALGORITHM) {
    throw malformed("unsupported signature algorithm", { algorithm: ext.algorithm });
  }
  if (!isStixId(ext.signer_ref, "identity")) throw malformed("signer_ref must be an identity id");
  if (!isKeyIdHex(ext.key_id)) throw malformed("key_id must be 32 lowercase hex digits");
  if (ext.custodial !== undefined && ext.custodial !== true) throw malformed("custodial, when present, must be true");
  if (typeof ext.signature !== "string") throw malformed("signature must be a base64 string");
  const sig = fromBase64(ext.signature);
  if (sig === undefined || sig.length !== ED25519_SIGNATURE_BYTES || toBase64(sig) !== ext.signature) {
    throw malformed("signature must be the padded standard base64 of exactly 64 bytes");
  }
  const out: SignatureExtension = {
    extension_type: "property-extension",
    signer_ref: ext.signer_ref,
    key_id: ext.key_id,
    algorithm: RECORD_SIGNATURE_ALGORITHM,
    signature: ext.signature,
  };
  if (ext.custodial === true) out.custodial = true;
  return { ext: out, signature: sig };
}

/**
 * Verifies a record's signature. Checks, in order: the extension is there (RECORD_UNSIGNED) and well
 * formed (RECORD_SIGNATURE_MALFORMED); signer_ref is the object's created_by_ref, unless the object is
 * of a relayable kind, whose signer may be a party relaying it (RECORD_SIGNER_MISMATCH); `resolveKey` knows a key for signer_ref + key_id whose own key id matches
 * (RECORD_UNKNOWN_KEY); the Ed25519 signature holds over {@link recordSigningBytes} (RECORD_BAD_SIGNATURE).
 * `signingBytes`: those bytes when the caller has them already ({@link recordCanonicalForms}).
 */
export function verifyRecordSignature(obj: unknown, resolveKey: RecordKeyResolver, signingBytes?: Uint8Array): VerifiedRecordSignature {
  const { ext, signature } = readSignature(obj);
  const record = obj as StixObject;
  if (record.created_by_ref !== ext.signer_ref && !isRelayable(record)) {
    throw new RecordError("RECORD_SIGNER_MISMATCH", "signer_ref differs from created_by_ref", {
      details: { created_by_ref: record.created_by_ref, signer_ref: ext.signer_ref },
    });
  }
  const publicKey = resolveKey(ext.signer_ref, ext.key_id);
  // A resolver that hands back some other key is a bug on our side, but must not turn into "valid".
  if (publicKey === undefined || publicKey.length !== ED25519_PUBLIC_KEY_BYTES || keyIdOf(publicKey) !== ext.key_id) {
    throw new RecordError("RECORD_UNKNOWN_KEY", "no known key for this signer and key id", {
      details: { signer_ref: ext.signer_ref, key_id: ext.key_id },
    });
  }
  if (!ed25519Verify(publicKey, signingBytes ?? recordSigningBytes(record), signature)) {
    throw new RecordError("RECORD_BAD_SIGNATURE", "the record signature does not verify", {
      details: { id: record.id, signer_ref: ext.signer_ref, key_id: ext.key_id },
    });
  }
  return { signerRef: ext.signer_ref, keyId: ext.key_id, custodial: ext.custodial === true };
}

/** The envelope digest: SHA-256 of the JCS of the whole object, signature included (receipts, dedupe, the log). */
export function recordDigest(obj: unknown): Uint8Array {
  return sha256(canonicalBytes(obj));
}

/** {@link recordDigest} as 64 lowercase hex digits, the form used in receipts and log leaves. */
export function recordDigestHex(obj: unknown): string {
  return toHex(recordDigest(obj));
}
