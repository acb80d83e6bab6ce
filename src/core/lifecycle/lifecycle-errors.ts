import { TocsinError } from "../errors/tocsin-error.js";

/**
 * Why the lifecycle core refused an event: one code per rule, documented with an example in
 * docs/lifecycle.md. Tests assert these codes, never messages.
 */
export type LifecycleErrorCode =
  // any event
  | "LIFECYCLE_MALFORMED_EVENT" // a missing or empty id, a time that is not a finite integer, an unknown enum value
  | "LIFECYCLE_UNKNOWN_WARNING" // the event names a warning other than the state's (or one the caller has no state for)
  | "LIFECYCLE_RECORD_IN_FUTURE" // created > now + skew, created > loggedAt + skew, or loggedAt > now + skew
  // warning (every version)
  | "LIFECYCLE_NO_RECIPIENTS" // recipients is empty
  | "LIFECYCLE_SELF_ADDRESSED" // the author is among the recipients
  | "LIFECYCLE_DUPLICATE_RECIPIENT" // a recipient is listed twice
  | "LIFECYCLE_WINDOW_INVERTED" // windowEnd < windowStart
  | "LIFECYCLE_DEADLINE_BEFORE_CREATED" // a deadline at or before the warning's created time
  | "LIFECYCLE_DEADLINES_OUT_OF_ORDER" // not receipt ≤ assessment ≤ action (among those present)
  | "LIFECYCLE_WARNING_IN_FUTURE" // created or modified > now + skew (or > loggedAt + skew)
  | "LIFECYCLE_MODIFIED_BEFORE_CREATED" // modified < created
  // warning (new versions)
  | "LIFECYCLE_VERSION_WRONG_AUTHOR" // a new version signed by someone other than the warning's author
  | "LIFECYCLE_VERSION_NOT_NEWER" // a new version whose modified is not after the latest version's
  | "LIFECYCLE_VERSION_CHANGES_CREATED" // a new version with another created time (STIX versioning keeps it)
  | "LIFECYCLE_VERSION_DROPS_RECIPIENT" // a new version drops a recipient who already has a receipt or an escalation
  | "LIFECYCLE_DEADLINE_RETROACTIVE" // a new version adds or moves a deadline to at or before its own modified time
  | "LIFECYCLE_WARNING_RESOLVED" // a new version, assessment or action after the warning was resolved
  // receipt, assessment, action
  | "LIFECYCLE_NOT_A_RECIPIENT" // the author (or an escalation's recipient) is not a recipient of the warning
  | "LIFECYCLE_UNKNOWN_VERSION" // a receipt for a warning version (modified time) never seen
  | "LIFECYCLE_DUPLICATE_RECEIPT" // a second receipt by the same recipient for the same version
  | "LIFECYCLE_RECEIPT_BEFORE_VERSION" // a receipt dated before the version it acknowledges was modified
  | "LIFECYCLE_NOT_RECEIVED" // an assessment before the recipient's receipt
  | "LIFECYCLE_NOT_ASSESSED" // an action before the recipient's assessment
  // resolution
  | "LIFECYCLE_NO_STANDING" // a resolution by a party that is not the author, a recipient or an arbiter
  | "LIFECYCLE_ALREADY_RESOLVED" // a second resolution, unless an arbiter overrules a non-arbiter's
  | "LIFECYCLE_EVENT_TIME_MISSING" // outcome "materialized" without eventTime
  | "LIFECYCLE_EVENT_TIME_IN_FUTURE" // eventTime > now + skew (or > loggedAt + skew)
  // reveal
  | "LIFECYCLE_REVEAL_NOT_AUTHOR" // a reveal by someone other than the warning's author
  | "LIFECYCLE_UNKNOWN_COMMITMENT" // a reveal of a commitment id no version of the warning carries
  | "LIFECYCLE_REVEAL_MISMATCH" // the evidence does not hash to the commitment
  | "LIFECYCLE_DUPLICATE_REVEAL" // a second reveal of the same commitment
  // escalation
  | "LIFECYCLE_ESCALATION_NOT_NODE" // an escalation not authored by "node"
  | "LIFECYCLE_NO_SUCH_DEADLINE" // the warning sets no deadline of that kind
  | "LIFECYCLE_ESCALATION_DEADLINE_MISMATCH" // the escalation names another time than the warning's deadline
  | "LIFECYCLE_DEADLINE_NOT_PASSED" // deadline > now (or > the escalation's loggedAt)
  | "LIFECYCLE_DEADLINE_EXCUSED" // the deadline passed before the recipient was addressed, or after resolution
  | "LIFECYCLE_DEADLINE_MET" // the recipient reached the required stage before the deadline
  | "LIFECYCLE_DUPLICATE_ESCALATION"; // an escalation already recorded for this recipient and deadline kind

/** The error thrown by the lifecycle core; callers branch on `code`, never on the message. */
export class LifecycleError extends TocsinError<LifecycleErrorCode> {}
