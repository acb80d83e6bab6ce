import type { ErrorCode, InternalErrorCode, PublicErrorCode } from "../core/errors/error-codes.js";

interface Answer {
  readonly status: number;
  readonly title: string;
}

/**
 * The one table from error code to HTTP status and title: every public code of the registry
 * (src/core/errors/error-codes.ts) must be here, and nothing else, or the build fails. docs/errors.md
 * documents every code, and errors.test.ts keeps the two in step.
 */
export const ERROR_TABLE = {
  // HTTP layer
  HTTP_BAD_PARAMETER: { status: 400, title: "Bad parameter" },
  HTTP_MALFORMED_JSON: { status: 400, title: "Malformed JSON" },
  HTTP_BAD_REQUEST_BODY: { status: 400, title: "Bad request body" },
  HTTP_JSON_TOO_DEEP: { status: 400, title: "JSON nested too deep" },
  HTTP_MALFORMED_REQUEST: { status: 400, title: "Malformed HTTP request" },
  HTTP_REQUEST_TIMEOUT: { status: 408, title: "Request timeout" },
  HTTP_URI_TOO_LONG: { status: 414, title: "URI too long" },
  HTTP_HEADERS_TOO_LARGE: { status: 431, title: "Request headers too large" },
  HTTP_NOT_FOUND: { status: 404, title: "Not found" },
  HTTP_METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  HTTP_BODY_TOO_LARGE: { status: 413, title: "Request body too large" },
  HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  HTTP_INTERNAL: { status: 500, title: "Internal error" },
  RECORD_CORRUPTED: { status: 500, title: "Stored record corrupted" },
  // Log reads
  LOG_SIZE_BEYOND_TREE: { status: 400, title: "Size beyond the tree" },
  LOG_ENTRY_NOT_FOUND: { status: 404, title: "No such log entry" },
  LOG_TILE_NOT_FOUND: { status: 404, title: "No such tile" },
  LOG_NO_CHECKPOINT: { status: 503, title: "No checkpoint yet" },
  TILE_PATH_MALFORMED: { status: 400, title: "Malformed tile path" },
  // Merkle
  MERKLE_BAD_SIZE: { status: 400, title: "Bad tree size" },
  MERKLE_INDEX_OUT_OF_RANGE: { status: 400, title: "Index out of range" },
  MERKLE_BAD_HASH: { status: 400, title: "Bad hash" },
  MERKLE_PROOF_WRONG_LENGTH: { status: 422, title: "Proof has the wrong length" },
  MERKLE_ROOT_MISMATCH: { status: 422, title: "Proof does not match the root" },
  // Log writes
  LOG_ENTRY_TOO_LARGE: { status: 413, title: "Log entry too large" },
  SEQUENCER_NOT_LEADER: { status: 503, title: "Not the sequencing process" },
  SEQUENCER_STOPPED: { status: 503, title: "Sequencer stopped" },
  STORE_FENCED: { status: 503, title: "Writer fenced off" },
  STORE_UNAVAILABLE: { status: 503, title: "Store unavailable" },
  CLUSTER_ENTRIES_MALFORMED: { status: 400, title: "Malformed hand-over" },
  // STIX validation
  STIX_NOT_OBJECT: { status: 400, title: "Not object" },
  STIX_SCHEMA: { status: 400, title: "Schema" },
  STIX_UNKNOWN_TYPE: { status: 400, title: "Unknown type" },
  STIX_ID_FORMAT: { status: 400, title: "Id format" },
  STIX_MODIFIED_BEFORE_CREATED: { status: 400, title: "Modified before created" },
  STIX_TIME_ORDER: { status: 400, title: "Time order" },
  STIX_TIMESTAMP: { status: 400, title: "Timestamp" },
  STIX_SPEC_VERSION: { status: 400, title: "Spec version" },
  STIX_REF_TYPE: { status: 400, title: "Ref type" },
  STIX_UNKNOWN_MARKING: { status: 400, title: "Unknown marking" },
  STIX_TLP_MISMATCH: { status: 400, title: "Tlp mismatch" },
  STIX_CIRCULAR_MARKING: { status: 400, title: "Circular marking" },
  STIX_CUSTOM_PROPERTY_NAME: { status: 400, title: "Custom property name" },
  STIX_EXTENSION_KEY: { status: 400, title: "Extension key" },
  STIX_EXTENSION_SCHEMA: { status: 400, title: "Extension schema" },
  STIX_EXTENSION_MISSING: { status: 400, title: "Extension missing" },
  STIX_SCHEMA_LOAD: { status: 500, title: "Schema load" },
  STIX_EXTENSION_REGISTRATION: { status: 500, title: "Extension registration" },
  // Signed records
  RECORD_NOT_CANONICALIZABLE: { status: 400, title: "Not canonicalizable" },
  RECORD_MALFORMED: { status: 400, title: "Malformed" },
  RECORD_UNSIGNED: { status: 400, title: "Unsigned" },
  RECORD_SIGNATURE_MALFORMED: { status: 400, title: "Signature malformed" },
  RECORD_SIGNER_MISMATCH: { status: 400, title: "Signer mismatch" },
  RECORD_BAD_KEY: { status: 400, title: "Bad key" },
  RECORD_UNKNOWN_KEY: { status: 400, title: "Unknown key" },
  RECORD_BAD_SIGNATURE: { status: 400, title: "Bad signature" },
  RECORD_LEAF_MALFORMED: { status: 400, title: "Leaf malformed" },
  RECORD_COMMITMENT_SALT_LENGTH: { status: 400, title: "Commitment salt length" },
  // Lifecycle rules
  LIFECYCLE_MALFORMED_EVENT: { status: 400, title: "Malformed event" },
  LIFECYCLE_UNKNOWN_WARNING: { status: 404, title: "Unknown warning" },
  LIFECYCLE_RECORD_IN_FUTURE: { status: 422, title: "Record in future" },
  LIFECYCLE_NO_RECIPIENTS: { status: 422, title: "No recipients" },
  LIFECYCLE_SELF_ADDRESSED: { status: 422, title: "Self addressed" },
  LIFECYCLE_DUPLICATE_RECIPIENT: { status: 422, title: "Duplicate recipient" },
  LIFECYCLE_WINDOW_INVERTED: { status: 422, title: "Window inverted" },
  LIFECYCLE_DEADLINE_BEFORE_CREATED: { status: 422, title: "Deadline before created" },
  LIFECYCLE_DEADLINES_OUT_OF_ORDER: { status: 422, title: "Deadlines out of order" },
  LIFECYCLE_WARNING_IN_FUTURE: { status: 422, title: "Warning in future" },
  LIFECYCLE_MODIFIED_BEFORE_CREATED: { status: 422, title: "Modified before created" },
  LIFECYCLE_VERSION_WRONG_AUTHOR: { status: 422, title: "Version wrong author" },
  LIFECYCLE_VERSION_NOT_NEWER: { status: 422, title: "Version not newer" },
  LIFECYCLE_VERSION_CHANGES_CREATED: { status: 422, title: "Version changes created" },
  LIFECYCLE_VERSION_DROPS_RECIPIENT: { status: 422, title: "Version drops recipient" },
  LIFECYCLE_DEADLINE_RETROACTIVE: { status: 422, title: "Deadline retroactive" },
  LIFECYCLE_WARNING_RESOLVED: { status: 422, title: "Warning resolved" },
  LIFECYCLE_NOT_A_RECIPIENT: { status: 422, title: "Not a recipient" },
  LIFECYCLE_UNKNOWN_VERSION: { status: 422, title: "Unknown version" },
  LIFECYCLE_DUPLICATE_RECEIPT: { status: 422, title: "Duplicate receipt" },
  LIFECYCLE_RECEIPT_BEFORE_VERSION: { status: 422, title: "Receipt before version" },
  LIFECYCLE_NOT_RECEIVED: { status: 422, title: "Not received" },
  LIFECYCLE_NOT_ASSESSED: { status: 422, title: "Not assessed" },
  LIFECYCLE_NO_STANDING: { status: 422, title: "No standing" },
  LIFECYCLE_ALREADY_RESOLVED: { status: 422, title: "Already resolved" },
  LIFECYCLE_EVENT_TIME_MISSING: { status: 422, title: "Event time missing" },
  LIFECYCLE_EVENT_TIME_IN_FUTURE: { status: 422, title: "Event time in future" },
  LIFECYCLE_REVEAL_NOT_AUTHOR: { status: 422, title: "Reveal not author" },
  LIFECYCLE_UNKNOWN_COMMITMENT: { status: 422, title: "Unknown commitment" },
  LIFECYCLE_REVEAL_MISMATCH: { status: 422, title: "Reveal mismatch" },
  LIFECYCLE_DUPLICATE_REVEAL: { status: 422, title: "Duplicate reveal" },
  LIFECYCLE_ESCALATION_NOT_NODE: { status: 422, title: "Escalation not node" },
  LIFECYCLE_NO_SUCH_DEADLINE: { status: 422, title: "No such deadline" },
  LIFECYCLE_ESCALATION_DEADLINE_MISMATCH: { status: 422, title: "Escalation deadline mismatch" },
  LIFECYCLE_DEADLINE_NOT_PASSED: { status: 422, title: "Deadline not passed" },
  LIFECYCLE_DEADLINE_EXCUSED: { status: 422, title: "Deadline excused" },
  LIFECYCLE_DEADLINE_MET: { status: 422, title: "Deadline met" },
  LIFECYCLE_DUPLICATE_ESCALATION: { status: 422, title: "Duplicate escalation" },
  // Parties, authentication and admission
  PARTY_SLUG_INVALID: { status: 400, title: "Slug invalid" },
  PARTY_NOT_FOUND: { status: 404, title: "Not found" },
  PARTY_EXISTS: { status: 409, title: "Party exists" },
  PARTY_KEY_INVALID: { status: 400, title: "Key invalid" },
  PARTY_NOT_CUSTODIAL: { status: 400, title: "Not custodial" },
  PARTY_TOKEN_NOT_FOUND: { status: 404, title: "No such token" },
  PARTY_KEY_CHANGE_UNSIGNED: { status: 400, title: "Key change not signed by the party" },
  KEY_CHANGE_UNAUTHORISED: { status: 403, title: "Key change not signed as required" },
  KEY_CHANGE_INVALID: { status: 422, title: "Key change does not fit the key history" },
  AUTH_REQUIRED: { status: 401, title: "Required" },
  AUTH_INVALID: { status: 401, title: "Invalid" },
  RECORD_NOT_FOUND: { status: 404, title: "Not found" },
  RECORD_KEY_RETIRED: { status: 400, title: "Key retired" },
  RECORD_AUTHOR_MISMATCH: { status: 403, title: "Author mismatch" },
  RECORD_VERSION_CONFLICT: { status: 409, title: "Version conflict" },
  RECORD_VERSION_NOT_AUTHOR: { status: 403, title: "Not the object's creator" },
  RECORD_VERSION_KIND_CHANGED: { status: 409, title: "Version changes the kind" },
  RECORD_TOO_LARGE: { status: 413, title: "Record too large" },
  RECORD_UNKNOWN_PARTY: { status: 422, title: "Unknown party" },
  RECORD_FUTURE_DATED: { status: 422, title: "Future dated" },
  RECORD_COMMITMENT_DUPLICATE: { status: 422, title: "Commitment duplicate" },
  RECORD_COMMITMENT_RESEALED: { status: 422, title: "Commitment resealed" },
  BATCH_TOO_LARGE: { status: 413, title: "Too large" },
  BATCH_EMPTY: { status: 400, title: "Empty" },
  // TAXII 2.1
  HTTP_NOT_ACCEPTABLE: { status: 406, title: "Not acceptable" },
  TAXII_COLLECTION_NOT_FOUND: { status: 404, title: "No such collection" },
  TAXII_STATUS_NOT_FOUND: { status: 404, title: "No such status" },
  TAXII_NOT_PERMITTED: { status: 403, title: "Not permitted" },
  // Attribution boards (ACH)
  ACH_BOARD_INVALID: { status: 400, title: "Board invalid" },
  ACH_DUPLICATE_ID: { status: 400, title: "Duplicate id" },
  ACH_NAME_TAKEN: { status: 409, title: "Board name taken" },
  ACH_UNKNOWN_REFERENCE: { status: 400, title: "Unknown reference" },
  ACH_RATING_INVALID: { status: 400, title: "Rating invalid" },
  ACH_LEVEL_INVALID: { status: 400, title: "Credibility or relevance invalid" },
  ACH_EVIDENCE_SOURCE_MISSING: { status: 400, title: "Evidence source missing" },
  ACH_PRIORS_INVALID: { status: 400, title: "Priors invalid" },
  ACH_EDIT_INVALID: { status: 400, title: "Edit invalid" },
  ACH_FORBIDDEN: { status: 403, title: "Not an editor of the board" },
  ACH_BOARD_NOT_FOUND: { status: 404, title: "Board not found" },
  ACH_VERSION_CONFLICT: { status: 409, title: "Board version conflict" },
  ACH_SIGNATURE_REQUIRED: { status: 422, title: "Signature required" },
  // CAP 1.2
  CAP_XML_TOO_LARGE: { status: 413, title: "CAP document too large" },
  CAP_XML_MALFORMED: { status: 400, title: "Malformed XML" },
  CAP_XML_DOCTYPE: { status: 400, title: "XML document type declaration refused" },
  CAP_SCHEMA_INVALID: { status: 422, title: "Invalid against the CAP 1.2 schema" },
  CAP_NOT_ACK: { status: 422, title: "Not a CAP Ack" },
  CAP_ACK_UNKNOWN_ALERT: { status: 404, title: "Unknown CAP alert" },
  CAP_ACK_SENDER_MISMATCH: { status: 403, title: "CAP Ack sender is not the caller" },
  CAP_ACK_NOT_CUSTODIAL: { status: 403, title: "Not a custodial party" },
  // TLP
  TLP_RELATIONS_CYCLE: { status: 500, title: "Relations cycle" },
  TLP_UNKNOWN_LEVEL: { status: 500, title: "Unknown level" },
  WITNESS_BAD_REQUEST: { status: 400, title: "Bad add-checkpoint request" },
  WITNESS_UNKNOWN_LOG: { status: 404, title: "Unknown log" },
  WITNESS_UNTRUSTED_CHECKPOINT: { status: 403, title: "Untrusted checkpoint" },
  WITNESS_BAD_PROOF: { status: 422, title: "Bad consistency proof" },
} as const satisfies Readonly<Record<PublicErrorCode, Answer>>;

/**
 * Internal codes the shell answers under a public code: the core speaks of queries, not of HTTP, and
 * clients keep seeing the code they always saw. Every other internal code reaching HTTP is a bug.
 */
export const ANSWERED_AS = {
  TAXII_QUERY_INVALID: "HTTP_BAD_PARAMETER",
} as const satisfies Partial<Readonly<Record<InternalErrorCode, PublicErrorCode>>>;

/**
 * The code, status and title a client receives for an error of this code: its own row if public, the
 * row it is answered as if translated, else HTTP_INTERNAL (an internal code reaching HTTP is a bug).
 */
export function answerFor(code: ErrorCode): Answer & { readonly code: PublicErrorCode } {
  // By own key, not by type: a code that crossed a worker or the wire may be one this build lacks.
  const shown = isPublic(code) ? code : ((ANSWERED_AS as Partial<Record<string, PublicErrorCode>>)[code] ?? "HTTP_INTERNAL");
  return { code: shown, ...ERROR_TABLE[shown] };
}

function isPublic(code: string): code is PublicErrorCode {
  return Object.hasOwn(ERROR_TABLE, code);
}
