import { LifecycleError } from "./lifecycle-errors.js";
import type { RevealEvent } from "./lifecycle-events.js";
import type { WarningState } from "./warning-state.js";

/**
 * The author opens a sealed evidence commitment. Allowed after resolution — showing, afterwards, what
 * one knew beforehand is the point of committing. Each commitment opens once, and only with matching
 * evidence (the record layer computed `matches`; a mismatch is a claim the log must not accept).
 */
export function applyReveal(state: WarningState, event: RevealEvent): WarningState {
  const { warningId } = state;
  if (event.author !== state.author) {
    throw new LifecycleError("LIFECYCLE_REVEAL_NOT_AUTHOR", "Only the warning's author may reveal its evidence", {
      details: { warningId, author: event.author },
    });
  }
  if (!state.commitments.includes(event.commitmentId)) {
    throw new LifecycleError("LIFECYCLE_UNKNOWN_COMMITMENT", "The warning carries no such commitment", {
      details: { warningId, commitmentId: event.commitmentId },
    });
  }
  if (!event.matches) {
    throw new LifecycleError("LIFECYCLE_REVEAL_MISMATCH", "The revealed evidence does not match the commitment", {
      details: { warningId, commitmentId: event.commitmentId },
    });
  }
  if (state.revealed.some((x) => x.commitmentId === event.commitmentId)) {
    throw new LifecycleError("LIFECYCLE_DUPLICATE_REVEAL", "This commitment was already revealed", {
      details: { warningId, commitmentId: event.commitmentId },
    });
  }
  const entry = { commitmentId: event.commitmentId, created: event.created, loggedAt: event.loggedAt };
  return { ...state, revealed: [...state.revealed, entry] };
}
