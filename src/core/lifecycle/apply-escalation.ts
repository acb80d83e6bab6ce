import { judgeDeadline } from "./deadline-verdict.js";
import { LifecycleError } from "./lifecycle-errors.js";
import { NODE_AUTHOR, type EscalationEvent } from "./lifecycle-events.js";
import { replaceRecipient } from "./recipient-updates.js";
import { findRecipient, resolvedAt, type WarningState } from "./warning-state.js";

/**
 * The node's record that a recipient missed a deadline. It is accepted only when dueEscalations would list
 * it — judged at the earlier of `now` and the escalation's own log time, so a replay later gives the same
 * answer — and at most once per recipient and deadline kind: that is what makes escalation exactly-once.
 */
export function applyEscalation(state: WarningState, event: EscalationEvent, now: number): WarningState {
  const { warningId } = state;
  const kind = event.deadlineKind;
  const details = { warningId, recipient: event.recipient, deadlineKind: kind, deadline: event.deadline };
  if (event.author !== NODE_AUTHOR) {
    throw new LifecycleError("LIFECYCLE_ESCALATION_NOT_NODE", "Escalations are recorded by the node only", {
      details: { ...details, author: event.author },
    });
  }
  const r = findRecipient(state, event.recipient);
  if (r === undefined) {
    throw new LifecycleError("LIFECYCLE_NOT_A_RECIPIENT", "Escalation for a party that is not a recipient", { details });
  }
  // The deadline in force must be the one the node claims was missed (a repeat is reported as a duplicate).
  const deadline = state.deadlines[kind];
  if (deadline !== undefined && r.escalations[kind] === undefined && deadline !== event.deadline) {
    throw new LifecycleError("LIFECYCLE_ESCALATION_DEADLINE_MISMATCH", "The escalation names another deadline than the warning's", {
      details: { ...details, warningDeadline: deadline },
    });
  }
  switch (judgeDeadline(state, r, kind, Math.min(now, event.loggedAt))) {
    case "escalated":
      throw new LifecycleError("LIFECYCLE_DUPLICATE_ESCALATION", "This deadline was already escalated for this recipient", {
        details: { ...details, recorded: r.escalations[kind] },
      });
    case "no-deadline":
      throw new LifecycleError("LIFECYCLE_NO_SUCH_DEADLINE", `The warning sets no ${kind} deadline`, { details });
    case "not-passed":
      throw new LifecycleError("LIFECYCLE_DEADLINE_NOT_PASSED", "The deadline has not passed yet", {
        details: { ...details, now, loggedAt: event.loggedAt },
      });
    case "excused":
      throw new LifecycleError("LIFECYCLE_DEADLINE_EXCUSED", "The deadline does not bind this recipient", {
        details: { ...details, addressedAt: r.reachedAt.issued, resolvedAt: resolvedAt(state) },
      });
    case "met":
      throw new LifecycleError("LIFECYCLE_DEADLINE_MET", "The recipient met this deadline", {
        details: { ...details, reachedAt: r.reachedAt },
      });
    case "due":
      break;
  }
  const entry = { deadline: event.deadline, loggedAt: event.loggedAt };
  return replaceRecipient(state, { ...r, escalations: { ...r.escalations, [kind]: entry } });
}
