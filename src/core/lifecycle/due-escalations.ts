import { judgeDeadline } from "./deadline-verdict.js";
import { DEADLINE_KINDS, type DeadlineKind, type PartyId } from "./lifecycle-events.js";
import type { WarningState } from "./warning-state.js";

/** A missed deadline the node must escalate. */
export interface DueEscalation {
  readonly recipient: PartyId;
  readonly deadlineKind: DeadlineKind;
  readonly deadline: number;
}

/**
 * The escalations owed at `now`: deadlines passed (`deadline <= now`) whose required stage the recipient
 * had not reached before the deadline, not excused, and not yet escalated. Computed from state alone, so
 * a node that was down when a deadline passed finds it on restart; recording the escalation removes it.
 * Ordered by deadline, then recipient order, then kind.
 */
export function dueEscalations(state: WarningState, now: number): DueEscalation[] {
  const due: DueEscalation[] = [];
  for (const r of state.recipients) {
    for (const kind of DEADLINE_KINDS) {
      if (judgeDeadline(state, r, kind, now) === "due") {
        due.push({ recipient: r.party, deadlineKind: kind, deadline: state.deadlines[kind]! });
      }
    }
  }
  // Array.prototype.sort is stable, so ties keep recipient order then kind order.
  return due.sort((a, b) => a.deadline - b.deadline);
}

/**
 * The earliest deadline after `after` at which, if nothing more is logged about the warning, an
 * escalation will be owed; undefined when none ever will be (all met, excused, escalated, or resolved).
 * A verdict changes with time only when its deadline passes, so this is the next instant worth
 * looking at the warning again: the escalator keeps it in its index of deadlines.
 */
export function nextEscalationAt(state: WarningState, after: number): number | undefined {
  let next: number | undefined;
  for (const d of dueEscalations(state, Number.POSITIVE_INFINITY)) {
    if (d.deadline > after && (next === undefined || d.deadline < next)) next = d.deadline;
  }
  return next;
}
