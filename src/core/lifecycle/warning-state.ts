import type { ActionStatus, DeadlineKind, Opinion, Outcome, PartyId } from "./lifecycle-events.js";

/*
 * The state of one warning, folded from its events by startWarning/applyEvent. Every object here is
 * treated as immutable: applyEvent builds new objects and shares untouched ones with the old state.
 * Parties are kept in arrays, not objects keyed by party id, because ids come from outside and a key such
 * as "__proto__" must never reach an object literal.
 */

/** A recipient's progress, in the only order it can move. */
export const RECIPIENT_STAGES = ["issued", "received", "assessed", "acting", "resolved"] as const;
/** Where a recipient stands: issued → received → assessed → acting → resolved. */
export type RecipientStage = (typeof RECIPIENT_STAGES)[number];

/** One version of the warning as this node saw it. */
export interface WarningVersion {
  readonly modified: number;
  readonly loggedAt: number;
}

/** One assessment record: the latest is the recipient's opinion, the rest is history. */
export interface AssessmentEntry {
  readonly opinion: Opinion;
  readonly created: number;
  readonly loggedAt: number;
}

/** One action record. */
export interface ActionEntry {
  readonly status: ActionStatus;
  readonly created: number;
  readonly loggedAt: number;
}

/** One recorded escalation: the deadline that was missed and when the node logged it. */
export interface EscalationEntry {
  readonly deadline: number;
  readonly loggedAt: number;
}

/** One receipt: the version acknowledged and when. */
export interface ReceiptEntry {
  readonly warningModified: number;
  readonly created: number;
  readonly loggedAt: number;
}

/** Everything the lifecycle knows about one recipient of the warning. */
export interface RecipientState {
  readonly party: PartyId;
  readonly state: RecipientStage;
  /** loggedAt of the event that first took the recipient to each stage ("issued": the version that first addressed it). */
  readonly reachedAt: Readonly<Partial<Record<RecipientStage, number>>>;
  readonly receipts: readonly ReceiptEntry[];
  /** The latest opinion; `assessments` keeps every revision. */
  readonly opinion: Opinion | undefined;
  readonly assessments: readonly AssessmentEntry[];
  readonly actions: readonly ActionEntry[];
  readonly escalations: Readonly<Partial<Record<DeadlineKind, EscalationEntry>>>;
}

/** One resolution record. */
export interface ResolutionEntry {
  readonly outcome: Outcome;
  readonly by: PartyId;
  /** Whether `by` was an arbiter of the warning when it resolved: an arbiter's resolution is final. */
  readonly byArbiter: boolean;
  readonly eventTime: number | undefined;
  readonly created: number;
  readonly loggedAt: number;
}

/** One opened evidence commitment. */
export interface RevealEntry {
  readonly commitmentId: string;
  readonly created: number;
  readonly loggedAt: number;
}

/** The lifecycle state of one warning. */
export interface WarningState {
  readonly warningId: string;
  readonly author: PartyId;
  readonly created: number;
  /** Every version seen, oldest first; the last is the latest. */
  readonly versions: readonly WarningVersion[];
  /** From the latest version. */
  readonly arbiters: readonly PartyId[];
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly deadlines: Readonly<Partial<Record<DeadlineKind, number>>>;
  /** Commitment ids of every version: once logged, a commitment stays open to reveal. */
  readonly commitments: readonly string[];
  /** The latest version's recipients, in its order. */
  readonly recipients: readonly RecipientState[];
  /** The resolution in force (an arbiter's overrides a non-arbiter's); undefined while open. */
  readonly resolution: ResolutionEntry | undefined;
  /** Every accepted resolution, oldest first; the first one's loggedAt is when the warning closed. */
  readonly resolutions: readonly ResolutionEntry[];
  readonly revealed: readonly RevealEntry[];
}

/** Position of a stage in RECIPIENT_STAGES, to compare progress. */
export function stageRank(stage: RecipientStage): number {
  return RECIPIENT_STAGES.indexOf(stage);
}

/** When the warning closed (the first resolution's loggedAt), or undefined while open. */
export function resolvedAt(state: WarningState): number | undefined {
  return state.resolutions[0]?.loggedAt;
}

/** The recipient entry for a party, if it is a recipient of the latest version. */
export function findRecipient(state: WarningState, party: PartyId): RecipientState | undefined {
  return state.recipients.find((r) => r.party === party);
}
