import type { DeadlineKind } from "./lifecycle-events.js";
import { resolvedAt, type RecipientStage, type RecipientState, type WarningState } from "./warning-state.js";

/*
 * The one judgement of a deadline for a recipient, shared by dueEscalations (which lists the "due" ones)
 * and by the escalation rules in applyEvent (which refuse anything else), so the two can never disagree.
 *
 * Times: a deadline is the instant at which it is too late. It has passed when `deadline <= now`, and a
 * stage counts as reached in time only if its loggedAt is strictly before the deadline — so a record
 * logged at the very millisecond the node may escalate is late, and no instant is both.
 */

/** The stage a recipient must have reached before each kind of deadline. */
export const REQUIRED_STAGE: Readonly<Record<DeadlineKind, RecipientStage>> = {
  receipt: "received",
  assessment: "assessed",
  // "acting" is reached by the first action record of any status: a declined action is still a response.
  action: "acting",
};

/** What a deadline means for one recipient at `now`; only "due" calls for an escalation. */
export type DeadlineVerdict =
  | "no-deadline" // the warning sets no deadline of this kind
  | "escalated" // an escalation is already recorded (exactly once)
  | "not-passed" // deadline > now
  | "excused" // the recipient was addressed only at or after the deadline, or the warning closed before it
  | "met" // the required stage was logged before the deadline
  | "due"; // passed, missed, not yet escalated

/** Judges one recipient's deadline of one kind at `now`. */
export function judgeDeadline(state: WarningState, recipient: RecipientState, kind: DeadlineKind, now: number): DeadlineVerdict {
  const deadline = state.deadlines[kind];
  if (deadline === undefined) return "no-deadline";
  if (recipient.escalations[kind] !== undefined) return "escalated";
  if (deadline > now) return "not-passed";
  if (isExcused(state, recipient, deadline)) return "excused";
  const reached = recipient.reachedAt[REQUIRED_STAGE[kind]];
  if (reached !== undefined && reached < deadline) return "met";
  // Never reached, or reached at/after the deadline: judged by loggedAt, a late record is still a miss.
  return "due";
}

/**
 * A deadline does not bind a recipient the node addressed only when it had already passed (a recipient
 * added by a later version), nor a warning that was resolved before it (nothing left to respond to).
 */
export function isExcused(state: WarningState, recipient: RecipientState, deadline: number): boolean {
  const addressed = recipient.reachedAt.issued;
  if (addressed !== undefined && deadline <= addressed) return true;
  const closed = resolvedAt(state);
  return closed !== undefined && deadline > closed;
}
