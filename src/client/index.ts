/**
 * tocsin/client: a party's own tools. Build every kind of record, sign it here with the party's key
 * (a PKCS#8 PEM file; the key never leaves the process), and talk to any node over HTTP (records API
 * and TAXII 2.1). Every failure is a TocsinError with a registered `code` (docs/errors.md).
 * Guide: docs/client.md.
 */
export { PartySession, checkKey } from "./party-session.js";
export type { NewWarning, PartySessionOptions, Posted } from "./party-session.js";
export { TocsinClient } from "./tocsin-client.js";
export type {
  AdmittedRecord,
  PartyIdentity,
  RecipientRow,
  RecordProof,
  SavedBoardVersion,
  TaxiiEnvelope,
  TaxiiStatus,
  Timeline,
  TimelineEntry,
  TocsinClientOptions,
  WarningRow,
  Webhook,
  WebhookDelivery,
} from "./tocsin-client.js";
export { generatePartyKey, partyKeyOf, partyKeyPem, readPartyKey } from "./party-key.js";
export type { PartyKey } from "./party-key.js";
export {
  buildAction,
  buildAssessment,
  buildReceipt,
  buildResolution,
  buildReveal,
  buildWarning,
  newSalt,
  reviseWarning,
  sealEvidence,
  sign,
} from "./record-builders.js";
export type { Author, Opinion, SealedEvidence, WarningChanges, WarningInput } from "./record-builders.js";
export { ClientError, nodeAnswerError } from "./client-error.js";
export type { ClientErrorCode } from "./client-error.js";
export { TocsinError, isTocsinError } from "../core/errors/tocsin-error.js";
export { OPINIONS, OUTCOMES, ACTION_STATUSES } from "../core/lifecycle/index.js";
export { DISMISSING_OPINIONS } from "../core/scoring/recipient-record.js";
