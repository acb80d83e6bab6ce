import { isClaimedTimeInFuture } from "./clock-skew.js";
import { LifecycleError } from "./lifecycle-errors.js";
import type { ResolutionEvent } from "./lifecycle-events.js";
import { advance } from "./recipient-updates.js";
import { findRecipient, type ResolutionEntry, type WarningState } from "./warning-state.js";

/**
 * The outcome of the warning. Standing: the author, a recipient, or an arbiter of the latest version.
 * One resolution closes the warning; a second is refused, except that an arbiter may overrule, once, a
 * resolution made by a party (the author or a recipient), because the parties have a stake in the
 * outcome their track records are scored on and the arbiter is the one they agreed would settle it.
 */
export function applyResolution(state: WarningState, event: ResolutionEvent, now: number): WarningState {
  const { warningId } = state;
  const byArbiter = state.arbiters.includes(event.author);
  const standing = event.author === state.author || findRecipient(state, event.author) !== undefined || byArbiter;
  if (!standing) {
    throw new LifecycleError("LIFECYCLE_NO_STANDING", "Only the author, a recipient or an arbiter may resolve a warning", {
      details: { warningId, author: event.author },
    });
  }
  const current = state.resolution;
  if (current !== undefined && (current.byArbiter || !byArbiter)) {
    throw new LifecycleError("LIFECYCLE_ALREADY_RESOLVED", "The warning is already resolved", {
      details: { warningId, by: current.by, outcome: current.outcome, byArbiter: current.byArbiter },
    });
  }
  // Lead time and calibration need to know when the event happened, not just that it did.
  if (event.outcome === "materialized" && event.eventTime === undefined) {
    throw new LifecycleError("LIFECYCLE_EVENT_TIME_MISSING", "A materialized outcome needs the event's time", {
      details: { warningId },
    });
  }
  if (event.eventTime !== undefined && isClaimedTimeInFuture(event.eventTime, event.loggedAt, now)) {
    throw new LifecycleError("LIFECYCLE_EVENT_TIME_IN_FUTURE", "The event cannot have happened in the future", {
      details: { warningId, eventTime: event.eventTime, loggedAt: event.loggedAt, now },
    });
  }
  const entry: ResolutionEntry = {
    outcome: event.outcome,
    by: event.author,
    byArbiter,
    eventTime: event.eventTime,
    created: event.created,
    loggedAt: event.loggedAt,
  };
  // The first resolution closes the warning for every recipient; an override changes only the outcome.
  const recipients = current === undefined ? state.recipients.map((r) => advance(r, "resolved", event.loggedAt)) : state.recipients;
  return { ...state, recipients, resolution: entry, resolutions: [...state.resolutions, entry] };
}
