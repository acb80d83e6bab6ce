import { DEADLINE_KINDS, findRecipient, type DeadlineKind, type Opinion, type Outcome, type PartyId, type WarningState } from "../lifecycle/index.js";
import { quantileSorted } from "./bootstrap.js";
import { runSteps, type Steps } from "./steps.js";

/** The opinions that dismiss a warning. */
export const DISMISSING_OPINIONS: readonly Opinion[] = ["strongly-disagree", "disagree"];

/** A warning the recipient dismissed and whose event then happened. */
export interface DismissedWarning {
  readonly warningId: string;
  readonly source: PartyId;
  readonly opinion: Opinion;
  /** When the dismissing opinion was logged (RFC 3339, as every time the API answers). */
  readonly assessedAt: string;
  readonly outcome: Outcome;
  /** When the event happened, as the resolution says (RFC 3339). */
  readonly eventTime: string | undefined;
}

/** A deadline the node escalated: the recipient did not respond in time. */
export interface MissedDeadline {
  readonly warningId: string;
  readonly kind: DeadlineKind;
  /** When the response was due (RFC 3339). */
  readonly deadline: string;
  /** When the node logged the escalation (RFC 3339). */
  readonly escalatedAt: string;
}

export interface ResponseTime {
  readonly count: number;
  readonly medianMs: number | null;
  readonly meanMs: number | null;
}

/** What a recipient did with the warnings it was sent. */
export interface RecipientRecord {
  readonly party: PartyId;
  readonly warnings: number;
  readonly resolved: number;
  /** Warnings whose latest opinion was disagree or strongly-disagree. */
  readonly dismissed: number;
  /** Of those, the ones resolved as materialized: the record the mission is about. */
  readonly dismissedMaterialized: readonly DismissedWarning[];
  readonly missedDeadlines: readonly MissedDeadline[];
  readonly missedByKind: Readonly<Record<DeadlineKind, number>>;
  /** Time from being addressed (the version that first named it) to its receipt, first assessment and first action. */
  readonly timeTo: Readonly<Record<"receipt" | "assessment" | "action", ResponseTime>>;
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString();

function responseTime(values: number[]): ResponseTime {
  if (values.length === 0) return { count: 0, medianMs: null, meanMs: null };
  const sorted = Float64Array.from(values).sort();
  return { count: values.length, medianMs: quantileSorted(sorted, 0.5), meanMs: values.reduce((a, b) => a + b, 0) / values.length };
}

/**
 * A recipient's record over the warnings' lifecycle states (the caller passes the states of the warnings
 * that name the party). The opinion judged is the latest before resolution: assessments are refused
 * after it, so the latest is the one the recipient stood by when the outcome became known.
 */
export function recipientRecord(party: PartyId, states: readonly WarningState[]): RecipientRecord {
  return runSteps(recipientRecordSteps(party, states));
}

/** States looked at between two steps of {@link recipientRecordSteps}. */
const STATES_PER_STEP = 5000;

/** {@link recipientRecord} in steps of STATES_PER_STEP states each: the same result. */
export function* recipientRecordSteps(party: PartyId, states: readonly WarningState[]): Steps<RecipientRecord> {
  let warnings = 0;
  let resolved = 0;
  let dismissed = 0;
  const dismissedMaterialized: DismissedWarning[] = [];
  const missedDeadlines: MissedDeadline[] = [];
  const missedByKind = { receipt: 0, assessment: 0, action: 0 } as Record<DeadlineKind, number>;
  const times = { receipt: [] as number[], assessment: [] as number[], action: [] as number[] };
  for (let i = 0; i < states.length; i++) {
    if (i > 0 && i % STATES_PER_STEP === 0) yield;
    const s = states[i]!;
    const r = findRecipient(s, party);
    if (!r) continue;
    warnings++;
    if (s.resolution) resolved++;
    const latest = r.assessments.at(-1);
    if (latest && DISMISSING_OPINIONS.includes(latest.opinion)) {
      dismissed++;
      if (s.resolution?.outcome === "materialized") {
        dismissedMaterialized.push({
          warningId: s.warningId,
          source: s.author,
          opinion: latest.opinion,
          assessedAt: rfc3339(latest.loggedAt),
          outcome: s.resolution.outcome,
          eventTime: s.resolution.eventTime === undefined ? undefined : rfc3339(s.resolution.eventTime),
        });
      }
    }
    for (const kind of DEADLINE_KINDS) {
      const e = r.escalations[kind];
      if (!e) continue;
      missedByKind[kind]++;
      missedDeadlines.push({ warningId: s.warningId, kind, deadline: rfc3339(e.deadline), escalatedAt: rfc3339(e.loggedAt) });
    }
    const issued = r.reachedAt.issued;
    if (issued !== undefined) {
      if (r.reachedAt.received !== undefined) times.receipt.push(r.reachedAt.received - issued);
      if (r.reachedAt.assessed !== undefined) times.assessment.push(r.reachedAt.assessed - issued);
      if (r.reachedAt.acting !== undefined) times.action.push(r.reachedAt.acting - issued);
    }
  }
  return {
    party,
    warnings,
    resolved,
    dismissed,
    dismissedMaterialized,
    missedDeadlines,
    missedByKind,
    timeTo: { receipt: responseTime(times.receipt), assessment: responseTime(times.assessment), action: responseTime(times.action) },
  };
}
