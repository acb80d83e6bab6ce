import { TocsinError } from "../core/errors/tocsin-error.js";

/** Errors of the application services (parties, admission, reads). */
export type ExchangeErrorCode =
  | "PARTY_SLUG_INVALID" // slug not [a-z0-9-], 2–63 characters
  | "PARTY_NOT_FOUND" // no party with that id or slug
  | "PARTY_KEY_INVALID" // a public key that is not 32 bytes of base64/hex
  | "PARTY_NOT_CUSTODIAL" // the node was asked to sign for a party whose key it does not hold
  | "PARTY_TOKEN_NOT_FOUND" // the party has no token with that id
  | "PARTY_KEY_CHANGE_UNSIGNED" // a self-signing party's key change needs its signature, or an explicit operator reset
  | "AUTH_REQUIRED" // no or malformed credentials
  | "AUTH_INVALID" // credentials that match no party
  | "RECORD_NOT_FOUND" // no such record, or none the reader may see (TLP: existence is not revealed)
  | "RECORD_KEY_RETIRED" // signed with a key the party retired before this record was admitted
  | "RECORD_AUTHOR_MISMATCH" // a record posted by one party but authored by another (not custodial for it)
  | "RECORD_VERSION_CONFLICT" // the same id and version with different content
  | "RECORD_VERSION_NOT_AUTHOR" // a new version of an id by another party than the one that logged its first version
  | "RECORD_VERSION_KIND_CHANGED" // a new version of another kind (or about another warning) than the id's first version
  | "RECORD_TOO_LARGE" // a record whose canonical JSON exceeds the per-record limit
  | "RECORD_UNKNOWN_PARTY" // a warning naming a recipient or arbiter that is not a party of the node
  | "RECORD_FUTURE_DATED" // created or modified later than the node's clock allows
  | "RECORD_COMMITMENT_DUPLICATE" // one warning lists a commitment id twice
  | "RECORD_COMMITMENT_RESEALED" // a new version gives a logged commitment id another digest
  | "RECORD_CORRUPTED" // a stored record no longer hashes to its digest, or its digest is not the one its leaf logged
  | "BATCH_TOO_LARGE" // more records in one request than allowed
  | "BATCH_EMPTY"; // a batch with no records

export class ExchangeError extends TocsinError<ExchangeErrorCode> {}
