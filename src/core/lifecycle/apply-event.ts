import { applyEscalation } from "./apply-escalation.js";
import { applyAction, applyAssessment, applyReceipt } from "./apply-response.js";
import { applyResolution } from "./apply-resolution.js";
import { applyReveal } from "./apply-reveal.js";
import { applyWarningVersion } from "./apply-warning-version.js";
import { assertNotInFuture } from "./clock-skew.js";
import { assertWellFormed } from "./event-shape.js";
import { LifecycleError } from "./lifecycle-errors.js";
import type { LifecycleEvent } from "./lifecycle-events.js";
import type { WarningState } from "./warning-state.js";

/**
 * Applies one event to a warning's state and returns the new state; the input is never mutated. Throws
 * LifecycleError with the code of the first rule the event breaks. Events are applied in log order.
 */
export function applyEvent(state: WarningState, event: LifecycleEvent, now: number): WarningState {
  assertWellFormed(event);
  if (event.warningId !== state.warningId) {
    throw new LifecycleError("LIFECYCLE_UNKNOWN_WARNING", "The event is about another warning", {
      details: { warningId: event.warningId, stateWarningId: state.warningId },
    });
  }
  assertNotInFuture(event, now);
  switch (event.kind) {
    case "warning":
      return applyWarningVersion(state, event, now);
    case "receipt":
      return applyReceipt(state, event);
    case "assessment":
      return applyAssessment(state, event);
    case "action":
      return applyAction(state, event);
    case "resolution":
      return applyResolution(state, event, now);
    case "reveal":
      return applyReveal(state, event);
    case "escalation":
      return applyEscalation(state, event, now);
  }
}
