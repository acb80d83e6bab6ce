/**
 * The one registry of Tocsin's error codes: every code a TocsinError may carry, with the module family
 * that raises it and a one-line meaning. TocsinError accepts only these keys, so an unregistered code is
 * a compile error; each family's error class narrows to its own codes (ErrorCodeOf).
 *
 * The core knows no transport: statuses live in src/http/error-table.ts, which must map every public
 * code (`satisfies Record<PublicErrorCode, …>`). A code marked `internal` never reaches a client under
 * its own name — the reason says why (start-up only, CLI only, or translated by the shell); if one does
 * reach HTTP it is a bug, answered as HTTP_INTERNAL and logged. docs/errors.md documents every code;
 * error-codes.test.ts checks that every code thrown in src/ is here and every code here is thrown.
 */

export type ErrorFamily =
  | "http"
  | "taxii"
  | "log"
  | "sequencer"
  | "cluster"
  | "tiles"
  | "merkle"
  | "note"
  | "store"
  | "stix"
  | "record"
  | "lifecycle"
  | "exchange"
  | "keys"
  | "ach"
  | "duty"
  | "tlp"
  | "bundle"
  | "config"
  | "report"
  | "witness"
  | "federation"
  | "cap"
  | "client";

export interface ErrorCodeEntry {
  readonly family: ErrorFamily;
  readonly meaning: string;
  /** Why this code never reaches a client under its own name; absent for public codes. */
  readonly internal?: string;
}

/** The node signs notes and checkpoints; only audits and clients verify them. */
const VERIFYING_ONLY = "met when verifying checkpoints (audits, clients), never by a request";

/** The client's own codes: raised in a party's process before or after talking to a node. */
const CLIENT_SIDE = "raised by tocsin/client in the party's own process, never by a node";

export const ERROR_CODES = {
  // The HTTP shell (src/http) — transport codes: only src/http throws them
  HTTP_BAD_PARAMETER: { family: "http", meaning: "a query or path parameter missing, unknown, or not in its required form; `details.parameter` names it" },
  HTTP_MALFORMED_JSON: { family: "http", meaning: "the request body is not valid JSON" },
  HTTP_BAD_REQUEST_BODY: { family: "http", meaning: "the JSON body does not have the required shape" },
  HTTP_JSON_TOO_DEEP: { family: "http", meaning: "the JSON body nests deeper than the limit; refused before it is parsed" },
  HTTP_MALFORMED_REQUEST: { family: "http", meaning: "the bytes received are not a valid HTTP/1.1 request" },
  HTTP_REQUEST_TIMEOUT: { family: "http", meaning: "the request was not received in time" },
  HTTP_URI_TOO_LONG: { family: "http", meaning: "a path parameter longer than the limit" },
  HTTP_HEADERS_TOO_LARGE: { family: "http", meaning: "the request line and headers exceed Node's limit" },
  HTTP_NOT_FOUND: { family: "http", meaning: "no such route" },
  HTTP_METHOD_NOT_ALLOWED: { family: "http", meaning: "the route exists, but not for this method" },
  HTTP_BODY_TOO_LARGE: { family: "http", meaning: "the request body exceeds the node's maxBodyBytes" },
  HTTP_UNSUPPORTED_MEDIA_TYPE: { family: "http", meaning: "the request's Content-Type is not one the route accepts" },
  HTTP_NOT_ACCEPTABLE: { family: "http", meaning: "the Accept header admits no media type the endpoint answers" },
  HTTP_INTERNAL: { family: "http", meaning: "a bug, or an internal code that reached the transport: the server logged it" },
  // TAXII 2.1
  TAXII_QUERY_INVALID: { family: "taxii", meaning: "a TAXII filter, timestamp or page token the core cannot read; `details.parameter` names it", internal: "translated: the HTTP layer answers it as HTTP_BAD_PARAMETER, the code clients always saw" },
  TAXII_COLLECTION_NOT_FOUND: { family: "taxii", meaning: "no collection with that id or alias" },
  TAXII_STATUS_NOT_FOUND: { family: "taxii", meaning: "no status with that id for this caller (statuses are kept for 7 days)" },
  TAXII_NOT_PERMITTED: { family: "taxii", meaning: "the collection does not let this party read or write it" },
  // The log: reads, the sequencer, the cluster hand-over, tiles
  LOG_SIZE_BEYOND_TREE: { family: "log", meaning: "a proof or tile asked about more leaves than the log holds" },
  LOG_ENTRY_NOT_FOUND: { family: "log", meaning: "no leaf at that index" },
  LOG_TILE_NOT_FOUND: { family: "log", meaning: "the tile does not exist (yet) at that width" },
  LOG_NO_CHECKPOINT: { family: "log", meaning: "nothing has been signed yet" },
  SEQUENCER_NOT_LEADER: { family: "sequencer", meaning: "another process holds the lease" },
  SEQUENCER_STOPPED: { family: "sequencer", meaning: "the sequencer was stopped or lost its lease" },
  SEQUENCER_HANDOVER_FAILED: { family: "sequencer", meaning: "the sequencing process answered a hand-over with neither success nor \"not the leader\"; `details.status`", internal: "a failure inside the node: answered as HTTP_INTERNAL and logged" },
  CLUSTER_ENTRIES_MALFORMED: { family: "cluster", meaning: "a hand-over to the sequencing process whose entries are not the wire form (a follower's bug)" },
  TILE_PATH_MALFORMED: { family: "tiles", meaning: "a tile path that is not in C2SP tlog-tiles form" },
  LOG_ENTRY_TOO_LARGE: { family: "tiles", meaning: "a log entry over 65 535 bytes: its uint16 length prefix could not frame it in an entry bundle" },
  ENTRY_BUNDLE_MALFORMED: { family: "tiles", meaning: "an entry bundle whose length prefixes do not frame its bytes", internal: "met by tile clients (audits), never by a request" },
  MERKLE_BAD_SIZE: { family: "merkle", meaning: "a tree size that is negative, not an integer or beyond 2^53 − 1" },
  MERKLE_INDEX_OUT_OF_RANGE: { family: "merkle", meaning: "leaf index ≥ tree size, or consistency sizes out of order" },
  MERKLE_BAD_HASH: { family: "merkle", meaning: "a hash that is not 32 bytes" },
  MERKLE_PROOF_WRONG_LENGTH: { family: "merkle", meaning: "more or fewer proof hashes than the sizes imply" },
  MERKLE_ROOT_MISMATCH: { family: "merkle", meaning: "the proof recomputes a root other than the one claimed" },
  NOTE_MALFORMED: { family: "note", meaning: "not a well-formed signed note (signed-note §Format)", internal: VERIFYING_ONLY },
  NOTE_BAD_KEY: { family: "note", meaning: "an unparseable or inconsistent signer/verifier key, or an invalid key name", internal: VERIFYING_ONLY },
  NOTE_NO_VERIFIED_SIGNATURE: { family: "note", meaning: "no signature from a known key verified (signed-note §Signatures: MUST reject)", internal: VERIFYING_ONLY },
  NOTE_BAD_SIGNATURE: { family: "note", meaning: "a known key's signature failed to verify (signed-note §Signatures: SHOULD reject)", internal: VERIFYING_ONLY },
  CHECKPOINT_MALFORMED: { family: "note", meaning: "the note text is not a tlog-checkpoint body (tlog-checkpoint §Note text)", internal: VERIFYING_ONLY },
  CHECKPOINT_ORIGIN_MISMATCH: { family: "note", meaning: "origin differs from the log key name or from the expected origin", internal: VERIFYING_ONLY },
  COSIGNATURE_MALFORMED: { family: "note", meaning: "a cosignature payload or timestamp outside tlog-cosignature §Format", internal: VERIFYING_ONLY },
  // The store
  STORE_FENCED: { family: "store", meaning: "the writer's lease epoch is stale, or the log grew under it" },
  STORE_UNAVAILABLE: { family: "store", meaning: "the database cannot be opened or reached" },
  STORE_SCHEMA_TOO_NEW: { family: "store", meaning: "the database was migrated by a newer Tocsin", internal: "start-up only" },
  PARTY_EXISTS: { family: "store", meaning: "a party with that slug or id is already registered" },
  STORE_NOT_EMPTY: { family: "store", meaning: "`tocsin import` into a database that already holds a log or parties", internal: "`tocsin import` only" },
  STORE_IMPORT_INVALID: { family: "store", meaning: "an export file that is truncated, malformed or of another schema", internal: "`tocsin import` only" },
  // STIX validation (sections of STIX Version 2.1, OASIS Standard, 10 June 2021)
  STIX_NOT_OBJECT: { family: "stix", meaning: "the value is not a JSON object (§2: every STIX Object is a JSON object)" },
  STIX_SCHEMA: { family: "stix", meaning: "the official OASIS JSON schema (or a spec-required property it misses) rejects the object" },
  STIX_UNKNOWN_TYPE: { family: "stix", meaning: "`type` has no official schema and no registered new-sdo extension (§3.1, §7.3)" },
  STIX_ID_FORMAT: { family: "stix", meaning: "an `id` or reference is not `<type>--<RFC 4122 UUID>`, or `id` names another type (§2.9)" },
  STIX_MODIFIED_BEFORE_CREATED: { family: "stix", meaning: "`modified` is earlier than `created` (§3.2)" },
  STIX_TIME_ORDER: { family: "stix", meaning: "another ordered timestamp pair is out of order (e.g. sighting last_seen < first_seen)" },
  STIX_TIMESTAMP: { family: "stix", meaning: "not an RFC 3339 UTC `Z` timestamp, an impossible date, or below the required precision (§2.15)" },
  STIX_SPEC_VERSION: { family: "stix", meaning: "`spec_version` is not \"2.1\" (§3.2)" },
  STIX_REF_TYPE: { family: "stix", meaning: "a `*_ref`/`*_refs` value points to an object type the spec does not allow there" },
  STIX_UNKNOWN_MARKING: { family: "stix", meaning: "a marking reference that is neither TLP nor in the caller's known set" },
  STIX_TLP_MISMATCH: { family: "stix", meaning: "a marking-definition that reuses a TLP id but differs from the published object (§7.2.1.4)" },
  STIX_CIRCULAR_MARKING: { family: "stix", meaning: "a marking-definition that marks itself (§7.2.1)" },
  STIX_CUSTOM_PROPERTY_NAME: { family: "stix", meaning: "a property name outside `^[a-z][a-z0-9_]{2,249}$` (§3.1, §11.1)" },
  STIX_EXTENSION_KEY: { family: "stix", meaning: "an `extensions` key that is neither an extension-definition id nor predefined (§7.3)" },
  STIX_EXTENSION_SCHEMA: { family: "stix", meaning: "an extension value, or a new-sdo object, rejected by its registered schema" },
  STIX_EXTENSION_MISSING: { family: "stix", meaning: "a registered new-sdo object that does not name its extension definition" },
  STIX_SCHEMA_LOAD: { family: "stix", meaning: "the schema directory is missing, unreadable, or lacks an official schema" },
  STIX_EXTENSION_REGISTRATION: { family: "stix", meaning: "an extension schema passed to the validator is ill-formed or conflicting" },
  // Signed records
  RECORD_NOT_CANONICALIZABLE: { family: "record", meaning: "the value has no RFC 8785 form: undefined, NaN/±Infinity, BigInt, a non-plain object, a lone surrogate, a cycle, a hole, too deep" },
  RECORD_MALFORMED: { family: "record", meaning: "not a STIX-shaped object (a plain object with string `type` and `id`, `extensions` an object)" },
  RECORD_UNSIGNED: { family: "record", meaning: "no Tocsin signature extension on the object" },
  RECORD_SIGNATURE_MALFORMED: { family: "record", meaning: "the signature extension is there but wrong: field, algorithm, key id, base64 or length" },
  RECORD_SIGNER_MISMATCH: { family: "record", meaning: "signer_ref differs from created_by_ref (or is not an identity id)" },
  RECORD_BAD_KEY: { family: "record", meaning: "signing key material unusable: not 32 bytes, or the public key is not the seed's" },
  RECORD_UNKNOWN_KEY: { family: "record", meaning: "the key resolver knows no key (or a key of another id) for signer_ref + key_id" },
  RECORD_BAD_SIGNATURE: { family: "record", meaning: "the Ed25519 signature does not verify over the signing bytes" },
  RECORD_LEAF_MALFORMED: { family: "record", meaning: "transparency-log leaf bytes (or leaf fields to encode) outside the v1 leaf format" },
  RECORD_COMMITMENT_SALT_LENGTH: { family: "record", meaning: "a commitment salt not exactly 32 bytes (the salt/evidence split would be ambiguous)" },
  // Lifecycle rules
  LIFECYCLE_MALFORMED_EVENT: { family: "lifecycle", meaning: "a missing or empty id, a time that is not a finite integer, an unknown enum value" },
  LIFECYCLE_UNKNOWN_WARNING: { family: "lifecycle", meaning: "the event names a warning other than the state's (or one the caller has no state for)" },
  LIFECYCLE_RECORD_IN_FUTURE: { family: "lifecycle", meaning: "created > now + skew, created > loggedAt + skew, or loggedAt > now + skew" },
  LIFECYCLE_NO_RECIPIENTS: { family: "lifecycle", meaning: "recipients is empty" },
  LIFECYCLE_SELF_ADDRESSED: { family: "lifecycle", meaning: "the author is among the recipients" },
  LIFECYCLE_DUPLICATE_RECIPIENT: { family: "lifecycle", meaning: "a recipient is listed twice" },
  LIFECYCLE_WINDOW_INVERTED: { family: "lifecycle", meaning: "windowEnd < windowStart" },
  LIFECYCLE_DEADLINE_BEFORE_CREATED: { family: "lifecycle", meaning: "a deadline at or before the warning's created time" },
  LIFECYCLE_DEADLINES_OUT_OF_ORDER: { family: "lifecycle", meaning: "not receipt ≤ assessment ≤ action (among those present)" },
  LIFECYCLE_WARNING_IN_FUTURE: { family: "lifecycle", meaning: "created or modified > now + skew (or > loggedAt + skew)" },
  LIFECYCLE_MODIFIED_BEFORE_CREATED: { family: "lifecycle", meaning: "modified < created" },
  LIFECYCLE_VERSION_WRONG_AUTHOR: { family: "lifecycle", meaning: "a new version signed by someone other than the warning's author" },
  LIFECYCLE_VERSION_NOT_NEWER: { family: "lifecycle", meaning: "a new version whose modified is not after the latest version's" },
  LIFECYCLE_VERSION_CHANGES_CREATED: { family: "lifecycle", meaning: "a new version with another created time (STIX versioning keeps it)" },
  LIFECYCLE_VERSION_DROPS_RECIPIENT: { family: "lifecycle", meaning: "a new version drops a recipient who already has a receipt or an escalation" },
  LIFECYCLE_DEADLINE_RETROACTIVE: { family: "lifecycle", meaning: "a new version adds or moves a deadline to at or before its own modified time" },
  LIFECYCLE_WARNING_RESOLVED: { family: "lifecycle", meaning: "a new version, assessment or action after the warning was resolved" },
  LIFECYCLE_NOT_A_RECIPIENT: { family: "lifecycle", meaning: "the author (or an escalation's recipient) is not a recipient of the warning" },
  LIFECYCLE_UNKNOWN_VERSION: { family: "lifecycle", meaning: "a receipt for a warning version (modified time) never seen" },
  LIFECYCLE_DUPLICATE_RECEIPT: { family: "lifecycle", meaning: "a second receipt by the same recipient for the same version" },
  LIFECYCLE_RECEIPT_BEFORE_VERSION: { family: "lifecycle", meaning: "a receipt dated before the version it acknowledges was modified" },
  LIFECYCLE_NOT_RECEIVED: { family: "lifecycle", meaning: "an assessment before the recipient's receipt" },
  LIFECYCLE_NOT_ASSESSED: { family: "lifecycle", meaning: "an action before the recipient's assessment" },
  LIFECYCLE_NO_STANDING: { family: "lifecycle", meaning: "a resolution by a party that is not the author, a recipient or an arbiter" },
  LIFECYCLE_ALREADY_RESOLVED: { family: "lifecycle", meaning: "a second resolution, unless an arbiter overrules a non-arbiter's" },
  LIFECYCLE_EVENT_TIME_MISSING: { family: "lifecycle", meaning: "outcome \"materialized\" without eventTime" },
  LIFECYCLE_EVENT_TIME_IN_FUTURE: { family: "lifecycle", meaning: "eventTime > now + skew (or > loggedAt + skew)" },
  LIFECYCLE_REVEAL_NOT_AUTHOR: { family: "lifecycle", meaning: "a reveal by someone other than the warning's author" },
  LIFECYCLE_UNKNOWN_COMMITMENT: { family: "lifecycle", meaning: "a reveal of a commitment id no version of the warning carries" },
  LIFECYCLE_REVEAL_MISMATCH: { family: "lifecycle", meaning: "the evidence does not hash to the commitment" },
  LIFECYCLE_DUPLICATE_REVEAL: { family: "lifecycle", meaning: "a second reveal of the same commitment" },
  LIFECYCLE_ESCALATION_NOT_NODE: { family: "lifecycle", meaning: "an escalation not authored by \"node\"" },
  LIFECYCLE_NO_SUCH_DEADLINE: { family: "lifecycle", meaning: "the warning sets no deadline of that kind" },
  LIFECYCLE_ESCALATION_DEADLINE_MISMATCH: { family: "lifecycle", meaning: "the escalation names another time than the warning's deadline" },
  LIFECYCLE_DEADLINE_NOT_PASSED: { family: "lifecycle", meaning: "deadline > now (or > the escalation's loggedAt)" },
  LIFECYCLE_DEADLINE_EXCUSED: { family: "lifecycle", meaning: "the deadline passed before the recipient was addressed, or after resolution" },
  LIFECYCLE_DEADLINE_MET: { family: "lifecycle", meaning: "the recipient reached the required stage before the deadline" },
  LIFECYCLE_DUPLICATE_ESCALATION: { family: "lifecycle", meaning: "an escalation already recorded for this recipient and deadline kind" },
  // Parties, authentication and admission
  PARTY_SLUG_INVALID: { family: "exchange", meaning: "slug not [a-z0-9-], 2–63 characters" },
  PARTY_NOT_FOUND: { family: "exchange", meaning: "no party with that id or slug" },
  PARTY_KEY_INVALID: { family: "exchange", meaning: "a public key that is not 32 bytes of base64/hex" },
  PARTY_NOT_CUSTODIAL: { family: "exchange", meaning: "the node was asked to sign for a party whose key it does not hold" },
  PARTY_TOKEN_NOT_FOUND: { family: "exchange", meaning: "the party has no token with that id" },
  PARTY_KEY_CHANGE_UNSIGNED: { family: "exchange", meaning: "a self-signing party's key change needs its signature, or an explicit operator reset" },
  AUTH_REQUIRED: { family: "exchange", meaning: "no or malformed credentials" },
  AUTH_INVALID: { family: "exchange", meaning: "credentials that match no party" },
  RECORD_NOT_FOUND: { family: "exchange", meaning: "no such record, or none the reader may see (TLP: existence is not revealed)" },
  RECORD_KEY_RETIRED: { family: "exchange", meaning: "signed with a key the party retired before this record was admitted" },
  RECORD_AUTHOR_MISMATCH: { family: "exchange", meaning: "a record posted by one party but authored by another (not custodial for it)" },
  RECORD_VERSION_CONFLICT: { family: "exchange", meaning: "the same id and version with different content" },
  RECORD_VERSION_NOT_AUTHOR: { family: "exchange", meaning: "a new version of an id by another party than the one that logged its first version" },
  RECORD_VERSION_KIND_CHANGED: { family: "exchange", meaning: "a new version of another kind (or about another warning) than the id's first version" },
  RECORD_TOO_LARGE: { family: "exchange", meaning: "a record whose canonical JSON exceeds the per-record limit" },
  RECORD_UNKNOWN_PARTY: { family: "exchange", meaning: "a warning naming a recipient or arbiter that is not a party of the node" },
  RECORD_FUTURE_DATED: { family: "exchange", meaning: "created or modified later than the node's clock allows" },
  RECORD_COMMITMENT_DUPLICATE: { family: "exchange", meaning: "one warning lists a commitment id twice" },
  RECORD_COMMITMENT_RESEALED: { family: "exchange", meaning: "a new version gives a logged commitment id another digest" },
  RECORD_CORRUPTED: { family: "exchange", meaning: "a stored record no longer hashes to its digest, or its digest is not the one its leaf logged" },
  BATCH_TOO_LARGE: { family: "exchange", meaning: "more records in one request than allowed" },
  BATCH_EMPTY: { family: "exchange", meaning: "a batch with no records" },
  KEY_CHANGE_UNAUTHORISED: { family: "keys", meaning: "a key record not signed by whom its kind requires" },
  KEY_CHANGE_INVALID: { family: "keys", meaning: "a key record that does not fit the history (unknown party, reused key, second registration, a key of small order…)" },
  // Notifications (event stream and webhooks)
  NOTIFY_BAD_EVENT_ID: { family: "exchange", meaning: "a Last-Event-ID that is not an event id of this node (`<log index>.<sub-index>.<notice number>`)" },
  NOTIFY_UNKNOWN_EVENT_TYPE: { family: "exchange", meaning: "an event type (stream `types`, webhook `events`) that is not one of inbox, record, escalation, deadline, delivery-failed, witness-alarm" },
  NOTIFY_TOO_MANY_STREAMS: { family: "exchange", meaning: "the party already holds the most event streams allowed at once (`details.limit`); close one" },
  NOTIFY_WEBHOOK_URL_INVALID: { family: "exchange", meaning: "a webhook URL that is not http(s), carries credentials or a fragment, is too long, or does not resolve" },
  NOTIFY_WEBHOOK_URL_FORBIDDEN: { family: "exchange", meaning: "a webhook URL outside the operator's allowed hosts, or resolving to an internal (loopback, private, link-local) address the node may not call" },
  NOTIFY_WEBHOOK_LIMIT: { family: "exchange", meaning: "the party has registered the most webhook endpoints allowed (`details.limit`)" },
  NOTIFY_WEBHOOK_NOT_FOUND: { family: "exchange", meaning: "no webhook endpoint of the caller with that id" },
  // Attribution boards (ACH)
  // Duty to warn (ICD 191): determinations, decisions, approvals, sealed waivers, escalations (src/core/duty)
  DUTY_RECORD_INVALID: { family: "duty", meaning: "a duty-to-warn record or request whose fields do not fit together (a warn without warnings, a waiver both sealed and open, a deadline not after the determination)" },
  DUTY_UNKNOWN_GROUND: { family: "duty", meaning: "a waiver ground outside the closed list of ICD 191 (docs/duty-to-warn.md)" },
  DUTY_DETERMINATION_NOT_FOUND: { family: "duty", meaning: "no determination with that id (or none the reader may see)" },
  DUTY_DECISION_NOT_FOUND: { family: "duty", meaning: "no decision with that id (or none the reader may see)" },
  DUTY_NOT_AUTHOR: { family: "duty", meaning: "a decision or reveal not by the determination's author, or a duty escalation not by the node" },
  DUTY_NOT_APPROVER: { family: "duty", meaning: "an approval by the determination's own author: a party cannot approve its own decision" },
  DUTY_DIGEST_MISMATCH: { family: "duty", meaning: "the record names a determination version (digest) that is not the determination's latest" },
  DUTY_ALREADY_DECIDED: { family: "duty", meaning: "the determination already has its decision (warn or waive), or an approval comes after it" },
  DUTY_APPROVALS_MISSING: { family: "duty", meaning: "the decision lacks an approval the party's policy requires; `details.missing` names the approvers" },
  DUTY_APPROVAL_MISMATCH: { family: "duty", meaning: "a listed approval is unknown, or approves another determination, decision or ground" },
  DUTY_WARNING_NOT_FOUND: { family: "duty", meaning: "a warn decision names a warning this node has not logged" },
  DUTY_WARNING_NOT_DERIVED: { family: "duty", meaning: "a warning the decision names does not commit to the determination (no commitment, another author, or the salt does not open it)" },
  DUTY_NOT_SEALED: { family: "duty", meaning: "a reveal of a decision that sealed no reasons" },
  DUTY_REVEAL_MISMATCH: { family: "duty", meaning: "the revealed reasons and salt do not open the waiver's sealed commitment" },
  DUTY_ESCALATION_NOT_DUE: { family: "duty", meaning: "a duty escalation before the determination's deadline, for another deadline, or of a determination already decided" },
  // Split views (witness alarms) and the gossip of checkpoints between nodes
  ALARM_INVALID: { family: "witness", meaning: "a witness alarm whose evidence proves no split view: a checkpoint not signed by the log key, one tree, or a consistency path that leads elsewhere", internal: "met by `tocsin alarm verify` (offline), never by a request" },
  GOSSIP_BAD_REQUEST: { family: "witness", meaning: "a gossip body that is not a list of at most 64 signed checkpoint notes" },
  DUTY_DUPLICATE_ESCALATION: { family: "duty", meaning: "the determination was already escalated" },
  ACH_BOARD_INVALID: { family: "ach", meaning: "the board's shape is wrong: a missing or mistyped field, an empty title, no subject" },
  ACH_DUPLICATE_ID: { family: "ach", meaning: "two hypotheses, evidence items or source groups share an id, or an analyst rates a cell twice" },
  ACH_NAME_TAKEN: { family: "ach", meaning: "another board on the node has this name" },
  ACH_UNKNOWN_REFERENCE: { family: "ach", meaning: "a rating, comment, prior or interest names a hypothesis, evidence item or source group the board lacks" },
  ACH_RATING_INVALID: { family: "ach", meaning: "a rating outside the scale CC, C, N, I, II, NA (blank is no rating)" },
  ACH_LEVEL_INVALID: { family: "ach", meaning: "a credibility or relevance outside low, medium, high" },
  ACH_EVIDENCE_SOURCE_MISSING: { family: "ach", meaning: "an evidence item with no source or no source group" },
  ACH_PRIORS_INVALID: { family: "ach", meaning: "priors not all stated, not in (0, 1], or not summing to 1" },
  ACH_EDIT_INVALID: { family: "ach", meaning: "an edit operation that is unknown or malformed" },
  ACH_FORBIDDEN: { family: "ach", meaning: "the party is neither the board's owner nor granted editing rights by it" },
  ACH_BOARD_NOT_FOUND: { family: "ach", meaning: "no board with that id or name (or none the reader may see)" },
  ACH_VERSION_CONFLICT: { family: "ach", meaning: "the edit was based on a version that is no longer the latest, or breaks the version chain" },
  ACH_SIGNATURE_REQUIRED: { family: "ach", meaning: "the party signs its own records: the node returns the next version for it to sign" },
  // TLP
  TLP_RELATIONS_CYCLE: { family: "tlp", meaning: "the organisation map has a unit that is (transitively) its own parent" },
  TLP_UNKNOWN_LEVEL: { family: "tlp", meaning: "a value that is not one of TLP_LEVELS was passed where a level is required" },
  // Accountability bundles (`tocsin audit`)
  BUNDLE_MALFORMED: { family: "bundle", meaning: "an accountability bundle without the bundle's shape (the JSON path is named)", internal: "read by `tocsin audit`, never by a request" },
  THREAD_STATEMENT_MALFORMED: { family: "bundle", meaning: "a thread statement that is not the canonical statement of docs/formats.md §3.1, or not for the log's origin", internal: "read by `tocsin audit`; an export builds statements it signed itself" },
  OMISSION_PROOF_MALFORMED: { family: "bundle", meaning: "a record proof file without the shape of GET /api/v1/records/<id>/proof", internal: "read by `tocsin audit --against`" },
  BUNDLE_FILE_EXISTS: { family: "bundle", meaning: "a command asked to write a bundle over an existing file: bundles are evidence, never overwritten", internal: "`tocsin export-bundle --out`, `tocsin report --bundle` only" },
  // The witness (C2SP tlog-witness add-checkpoint): each code is one answer the spec defines
  WITNESS_BAD_REQUEST: { family: "witness", meaning: "an add-checkpoint body that is not old size, proof lines, an empty line and a checkpoint, or an old size beyond the checkpoint's" },
  WITNESS_UNKNOWN_LOG: { family: "witness", meaning: "this witness does not witness the checkpoint's origin (`tocsin witness add-log`)" },
  WITNESS_UNTRUSTED_CHECKPOINT: { family: "witness", meaning: "no signature from the log key the witness trusts for the origin verifies" },
  WITNESS_BAD_PROOF: { family: "witness", meaning: "the consistency proof from the old size to the checkpoint does not verify" },
  // Federation: peers, delivery between nodes, records received from peers
  FEDERATION_UNKNOWN_PEER: { family: "federation", meaning: "a delivery names an origin log this node has not pinned as a peer (`tocsin peer add`)" },
  FEDERATION_RECORD_UNVERIFIED: { family: "federation", meaning: "a record from a peer that fails verification: its signature, its author's pinned key history, its origin leaf, or its inclusion proof in a checkpoint signed by the pinned origin log key; nothing is stored" },
  FEDERATION_PROOF_MISSING: { family: "federation", meaning: "a delivery from a peer without the origin proof of each of its records (`x_tocsin_origin`)" },
  FEDERATION_PEER_INVALID: { family: "federation", meaning: "a peer whose discovery document, log key, checkpoint or key history does not verify, or whose key history does not extend the pinned one", internal: "`tocsin peer add` and the receiver's refresh of a peer, never a request's answer" },
  FEDERATION_PEER_CONFLICT: { family: "federation", meaning: "a peer that would change what is pinned (another log key for a pinned origin) or whose parties' slugs or ids are taken on this node", internal: "`tocsin peer add` only" },
  // OASIS CAP 1.2 (alerts exported, Acks imported): each refusal stores nothing
  CAP_XML_TOO_LARGE: { family: "cap", meaning: "a CAP document larger than the limit for an Ack (64 KiB); refused before it is parsed" },
  CAP_XML_MALFORMED: { family: "cap", meaning: "the body is not well-formed XML (or not UTF-8)" },
  CAP_XML_DOCTYPE: { family: "cap", meaning: "the XML has a document type declaration (DOCTYPE, ENTITY): entities and external resources are never loaded, so such a document is refused" },
  CAP_SCHEMA_INVALID: { family: "cap", meaning: "the XML is not valid against the OASIS CAP 1.2 schema (vendor/cap-1.2/CAP-v1.2.xsd); `details.problems` lists the schema's complaints" },
  CAP_NOT_ACK: { family: "cap", meaning: "a valid CAP message whose msgType is not Ack, an Ack without references, or one of status Draft or System: only actionable acknowledgements are imported" },
  CAP_ACK_UNKNOWN_ALERT: { family: "cap", meaning: "a reference of the Ack names no alert this node exported (an unknown sender, identifier or sent time, or a warning the party may not read)" },
  CAP_ACK_SENDER_MISMATCH: { family: "cap", meaning: "the Ack's sender is not the party posting it (its identity id or slug)" },
  CAP_ACK_NOT_CUSTODIAL: { family: "cap", meaning: "the acknowledging party signs its own records: only a custodial party's receipt may be made from a CAP Ack (the node signs it)" },
  // Start-up and the command line
  CONFIG_INVALID: { family: "config", meaning: "a configuration value unknown or ill-typed, or a log key that does not match the database", internal: "start-up and CLI only" },
  REPORT_RENDERER_MISSING: { family: "report", meaning: "no Chromium at /usr/bin/chromium (or TOCSIN_CHROMIUM) to print a PDF report", internal: "`tocsin report --format pdf` only" },
  REPORT_RENDER_FAILED: { family: "report", meaning: "chromium failed to print the report page", internal: "`tocsin report --format pdf` only" },
  // The party's own tools (tocsin/client and the party commands): raised in the party's process
  CLIENT_KEY_UNREADABLE: { family: "client", meaning: "the party's key file is missing, unreadable, or not an Ed25519 PKCS#8 PEM private key", internal: CLIENT_SIDE },
  CLIENT_KEY_MISMATCH: { family: "client", meaning: "the key file's public key is not the party's active logged key (or the party signs its own records and no key was given)", internal: CLIENT_SIDE },
  CLIENT_FILE_UNREADABLE: { family: "client", meaning: "a file the party named (evidence, profile, sealed-evidence record, key file to write) cannot be read or written, or is not in its format", internal: CLIENT_SIDE },
  CLIENT_INPUT_INVALID: { family: "client", meaning: "a value given to a builder or command is not in its required form (a duration, time, probability, opinion…)", internal: CLIENT_SIDE },
  CLIENT_NODE_UNREACHABLE: { family: "client", meaning: "the node did not answer (refused, unresolvable, timed out)", internal: CLIENT_SIDE },
  CLIENT_NODE_REFUSED: { family: "client", meaning: "the node answered with an error whose code this client does not know; `details.status` and `details.code`", internal: CLIENT_SIDE },
  CLIENT_ANSWER_MALFORMED: { family: "client", meaning: "the node's answer is not the shape its route documents", internal: CLIENT_SIDE },
} as const satisfies Readonly<Record<string, ErrorCodeEntry>>;

type Registry = typeof ERROR_CODES;

/** Every registered code. */
export type ErrorCode = keyof Registry;

/** The codes one family raises (its error class accepts only these). */
export type ErrorCodeOf<F extends ErrorFamily> = { [C in ErrorCode]: Registry[C]["family"] extends F ? C : never }[ErrorCode];

/** Codes that never reach a client under their own name (each says why). */
export type InternalErrorCode = { [C in ErrorCode]: Registry[C] extends { readonly internal: string } ? C : never }[ErrorCode];

/** Codes a client may receive: each has an HTTP status in src/http/error-table.ts. */
export type PublicErrorCode = Exclude<ErrorCode, InternalErrorCode>;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
