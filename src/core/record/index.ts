/** Tocsin's signed records, a pure core: canonical JSON, record signatures, kinds, log leaves, commitments, extension definitions. */
export { RecordError } from "./record-errors.js";
export type { RecordErrorCode } from "./record-errors.js";
export {
  TOCSIN_IDENTITY_ID,
  SIGNATURE_EXT,
  WARNING_EXT,
  ACTION_EXT,
  RESOLUTION_EXT,
  RECEIPT_EXT,
  REVEAL_EXT,
  ESCALATION_EXT,
  KEY_EVENT_EXT,
  WITNESS_ALARM_EXT,
  PARTY_EXT,
  BOARD_EXT,
  RECEIPT_TYPE,
  REVEAL_TYPE,
  ESCALATION_TYPE,
  KEY_EVENT_TYPE,
  WITNESS_ALARM_TYPE,
  DETERMINATION_EXT,
  DUTY_DECISION_EXT,
  DUTY_APPROVAL_EXT,
  DUTY_POLICY_EXT,
  DUTY_ESCALATION_EXT,
  DUTY_REVEAL_EXT,
  DETERMINATION_TYPE,
  DUTY_DECISION_TYPE,
  DUTY_APPROVAL_TYPE,
  DUTY_POLICY_TYPE,
  DUTY_ESCALATION_TYPE,
  DUTY_REVEAL_TYPE,
} from "./extension-ids.js";
export {
  TOCSIN_DEFINITIONS_TIMESTAMP,
  TOCSIN_IDENTITY,
  TOCSIN_EXTENSIONS,
  TOCSIN_EXTENSION_DEFINITIONS,
  tocsinExtension,
} from "./extension-definitions.js";
export type { StixExtensionDefinition, TocsinExtension, TocsinExtensionType } from "./extension-definitions.js";
export { MAX_JSON_DEPTH, canonicalJson, canonicalBytes, canonicalJsonLocating } from "./canonical-json.js";
export type { JsonValue, JsonObject, MemberSpan } from "./canonical-json.js";
export {
  RECORD_SIGNING_PREFIX,
  RECORD_SIGNATURE_ALGORITHM,
  keyIdOf,
  assertStixObject,
  recordSigningBytes,
  recordCanonicalForms,
  signRecord,
  readSignatureExtension,
  verifyRecordSignature,
  recordDigest,
  recordDigestHex,
} from "./record-signature.js";
export type {
  SignatureExtension,
  StixObject,
  SignedRecord,
  SignRecordOptions,
  VerifiedRecordSignature,
  RecordKeyResolver,
} from "./record-signature.js";
export { DUTY_KINDS, RECORD_KINDS, RECORD_KIND_STIX_TYPE, RELAYABLE_KINDS, isRelayable, recordKindOf, warningRefOf } from "./record-kind.js";
export type { RecordKind } from "./record-kind.js";
export { RECORD_LEAF_VERSION, THREAD_LEAF_VERSION, THREAD_KINDS, MAX_RECORD_LEAF_BYTES, encodeRecordLeaf, encodeRecordLeafOf, decodeRecordLeaf, recordLeafOf } from "./log-leaf.js";
export type { LeafKind, RecordLeaf, ThreadPosition } from "./log-leaf.js";
export { leafCommitmentProblem } from "./leaf-commitment.js";
export { COMMITMENT_SALT_BYTES, commitmentDigest, checkReveal } from "./commitment.js";
export { UUID_PATTERN, isStixId, stixIdType, isTimestamp, isHex64, isKeyIdHex, isPlainObject } from "./stix-syntax.js";
export { ThreadPositionCheck } from "./thread-positions.js";
