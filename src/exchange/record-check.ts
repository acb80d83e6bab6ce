import { sha256Utf8 } from "../core/crypto/index.js";
import type { ErrorCode } from "../core/errors/error-codes.js";
import { isTocsinError, TocsinError } from "../core/errors/tocsin-error.js";
import {
  SIGNATURE_EXT,
  canonicalJson,
  recordCanonicalForms,
  recordKindOf,
  verifyRecordSignature,
  warningRefOf,
  type RecordKind,
  type StixObject,
} from "../core/record/index.js";

/** A key the poster may have signed with (the author's registered keys). */
export interface PosterKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

/** A coded error as data, so it can cross a worker boundary and be thrown again unchanged. */
export interface CodedFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown> | undefined;
}

/**
 * The CPU-heavy, state-free part of admitting one record: schema validation, the signature check and
 * the canonical form. The admission decides what to make of it, in its own order of checks (schema
 * first, then authorship and dates, then the signature), so this records each stage's outcome
 * instead of throwing the first failure.
 */
export type RecordCheck =
  | { readonly invalid: CodedFailure }
  | {
      readonly invalid?: undefined;
      /** The record carries no signature extension (a custodial author's node may sign it). */
      readonly unsigned: boolean;
      /** The verified signature, or why it failed (absent when unsigned). */
      readonly signature?: { readonly keyId: string; readonly custodial: boolean } | { readonly failed: CodedFailure };
      /** The canonical JSON of the signed object and its SHA-256: the stored body and the record's digest. */
      readonly body?: string | undefined;
      readonly digest?: Uint8Array | undefined;
      /**
       * Why the object has no canonical form (then no body or digest). Not a schema failure: the admission
       * raises it only after authorship, dates and the signature, where canonicalising always happened.
       */
      readonly notCanonical?: CodedFailure | undefined;
      readonly kind: RecordKind;
      readonly warningId: string | undefined;
    };

/** Checks one record posted by `posterId`, whose registered keys are `keys`; pure. */
export function checkRecord(raw: unknown, posterId: string, keys: readonly PosterKey[], validate: (obj: unknown) => void): RecordCheck {
  try {
    validate(raw);
  } catch (e) {
    return { invalid: failureOf(e) };
  }
  const obj = raw as StixObject;
  const unsigned = obj.extensions?.[SIGNATURE_EXT] === undefined;
  // The body and the signing bytes from one canonicalisation; on any trouble, the separate steps below
  // run as they always did and fail with their own errors, in their own order.
  let forms: { body: string; signingBytes: Uint8Array } | undefined;
  try {
    forms = recordCanonicalForms(obj);
  } catch (e) {
    if (!isTocsinError(e)) throw e;
  }
  let signature: { keyId: string; custodial: boolean } | { failed: CodedFailure } | undefined;
  if (!unsigned) {
    try {
      const v = verifyRecordSignature(obj, (signer, id) => posterKey(keys, posterId, signer, id), forms?.signingBytes);
      signature = { keyId: v.keyId, custodial: v.custodial };
    } catch (e) {
      signature = { failed: failureOf(e) };
    }
  }
  const kind = recordKindOf(obj);
  const warningId = warningRefOf(obj);
  let canonical: { body: string; digest: Uint8Array };
  try {
    canonical = forms ? { body: forms.body, digest: sha256Utf8(forms.body) } : canonicalForm(obj);
  } catch (e) {
    return { unsigned, signature, notCanonical: failureOf(e), kind, warningId };
  }
  return { unsigned, signature, ...canonical, kind, warningId };
}

/** The record's canonical JSON (its stored body) and the SHA-256 of it (its digest), canonicalised once. */
export function canonicalForm(obj: StixObject): { body: string; digest: Uint8Array } {
  const body = canonicalJson(obj);
  return { body, digest: sha256Utf8(body) };
}

/** A record verifies only under a key registered to the party that posted it. */
function posterKey(keys: readonly PosterKey[], posterId: string, signer: string, keyId: string): Uint8Array | undefined {
  if (signer !== posterId) return undefined;
  return keys.find((k) => k.keyId === keyId)?.publicKey;
}

/** Only coded errors become failures; anything else is a bug and propagates. */
function failureOf(e: unknown): CodedFailure {
  if (!isTocsinError(e)) throw e;
  return { code: e.code, message: e.message, details: e.details };
}

/** Throws a failure again as a coded error. */
export function raise(f: CodedFailure): never {
  throw new TocsinError(f.code, f.message, f.details === undefined ? {} : { details: f.details });
}
