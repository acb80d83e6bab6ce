import { LifecycleError } from "./lifecycle-errors.js";
import type { LifecycleEvent } from "./lifecycle-events.js";

/*
 * Which clock is trusted. `loggedAt` is this node's own time when it appended the record, so deadlines
 * are judged by it. `created`, `modified` and `eventTime` are what an author claims; they are accepted
 * within MAX_CLOCK_SKEW_MS of the node's clock, so that honest parties with slightly wrong clocks are not
 * refused, while nobody can date a record (or a version) into the future to win an argument later.
 */

/** How far an author's claimed time may run ahead of this node's clock: 5 minutes. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Whether a claimed time is in the future: ahead of `now`, or ahead of the moment the record was logged
 * (the second test keeps a replay at a much later `now` from accepting what was refused live).
 */
export function isClaimedTimeInFuture(claimed: number, loggedAt: number, now: number): boolean {
  return claimed > now + MAX_CLOCK_SKEW_MS || claimed > loggedAt + MAX_CLOCK_SKEW_MS;
}

/** Whether the node's own log time is ahead of `now` by more than the skew: a replay with a clock gone back. */
export function isLogTimeInFuture(loggedAt: number, now: number): boolean {
  return loggedAt > now + MAX_CLOCK_SKEW_MS;
}

/**
 * The "any event" future rule: the node's log time must not be ahead of `now`, and a record's claimed
 * `created` not ahead of either. (A warning's created/modified have their own code, checked with the
 * version's other rules.)
 */
export function assertNotInFuture(event: LifecycleEvent, now: number): void {
  if (isLogTimeInFuture(event.loggedAt, now)) {
    throw new LifecycleError("LIFECYCLE_RECORD_IN_FUTURE", "Event was logged after now", {
      details: { warningId: event.warningId, kind: event.kind, field: "loggedAt", loggedAt: event.loggedAt, now },
    });
  }
  if (event.kind !== "warning" && isClaimedTimeInFuture(event.created, event.loggedAt, now)) {
    throw new LifecycleError("LIFECYCLE_RECORD_IN_FUTURE", `The ${event.kind} is dated in the future`, {
      details: { warningId: event.warningId, kind: event.kind, field: "created", created: event.created, loggedAt: event.loggedAt, now },
    });
  }
}
