/*
 * The abstract events the lifecycle core consumes. The record layer maps signed STIX records to these
 * (and has already verified signatures and, for reveals, the commitment hash); the shell converts RFC 3339
 * strings to milliseconds since the epoch. `created` is what the author claims; `loggedAt` is when this
 * node appended the record to its log — the only clock the core trusts for deadlines.
 */

/** A party's STIX identity id. */
export type PartyId = string;

/** The author of every escalation: escalations are signed by the node itself, not by a party. */
export const NODE_AUTHOR = "node";

/** The deadline kinds, in the order a recipient must meet them. */
export const DEADLINE_KINDS = ["receipt", "assessment", "action"] as const;
/** A response a warning can require by a deadline. */
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** STIX 2.1 opinion values (opinion-enum). */
export const OPINIONS = ["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"] as const;
/** A recipient's judgement of a warning. */
export type Opinion = (typeof OPINIONS)[number];

/** The statuses a recipient's action record can carry. */
export const ACTION_STATUSES = ["planned", "in-progress", "done", "declined"] as const;
/** The status of one action record. */
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** What actually happened, as a resolution states it. */
export const OUTCOMES = ["materialized", "prevented", "did-not-materialize", "unknown"] as const;
/** The outcome of a warning. */
export type Outcome = (typeof OUTCOMES)[number];

/** A version of a warning: the first one starts the lifecycle, later ones (newer `modified`) revise it. */
export interface WarningEvent {
  readonly kind: "warning";
  readonly warningId: string;
  readonly author: PartyId;
  readonly recipients: readonly PartyId[];
  readonly arbiters?: readonly PartyId[];
  readonly created: number;
  readonly modified: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly deadlines: Readonly<Partial<Record<DeadlineKind, number>>>;
  /** Ids of sealed evidence commitments, revealed later. */
  readonly commitments: readonly string[];
  readonly loggedAt: number;
}

/** Fields every non-warning record carries. */
interface RecordBase {
  readonly warningId: string;
  readonly created: number;
  readonly loggedAt: number;
}

/** "We received exactly this version of the warning." */
export interface ReceiptEvent extends RecordBase {
  readonly kind: "receipt";
  readonly author: PartyId;
  /** The `modified` time of the version received. */
  readonly warningModified: number;
}

/** A recipient's opinion of the warning; may be revised. */
export interface AssessmentEvent extends RecordBase {
  readonly kind: "assessment";
  readonly author: PartyId;
  readonly opinion: Opinion;
}

/** A recipient's action (or declared refusal to act). */
export interface ActionEvent extends RecordBase {
  readonly kind: "action";
  readonly author: PartyId;
  readonly status: ActionStatus;
}

/** What happened, stated by the author, a recipient or an arbiter. */
export interface ResolutionEvent extends RecordBase {
  readonly kind: "resolution";
  readonly author: PartyId;
  readonly outcome: Outcome;
  readonly eventTime?: number;
}

/** The author opens a sealed evidence commitment; the record layer has checked the hash. */
export interface RevealEvent extends RecordBase {
  readonly kind: "reveal";
  readonly author: PartyId;
  readonly commitmentId: string;
  /** Whether SHA-256(salt || evidence) equals the commitment, as checked by the record layer. */
  readonly matches: boolean;
}

/** The node's record that a recipient missed a deadline. */
export interface EscalationEvent extends RecordBase {
  readonly kind: "escalation";
  readonly author: typeof NODE_AUTHOR;
  readonly recipient: PartyId;
  readonly deadlineKind: DeadlineKind;
  readonly deadline: number;
}

/** Any record about an existing warning other than a new version of it. */
export type RecordEvent = ReceiptEvent | AssessmentEvent | ActionEvent | ResolutionEvent | RevealEvent | EscalationEvent;

/** Every event `applyEvent` accepts. */
export type LifecycleEvent = WarningEvent | RecordEvent;
