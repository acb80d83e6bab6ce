import { isClaimedTimeInFuture } from "./clock-skew.js";
import { LifecycleError } from "./lifecycle-errors.js";
import { DEADLINE_KINDS, type DeadlineKind, type WarningEvent } from "./lifecycle-events.js";

/** The deadlines a version sets, without explicit `undefined` entries. */
export type Deadlines = Readonly<Partial<Record<DeadlineKind, number>>>;

/** The deadlines of a warning event, keeping only kinds that are set, in DEADLINE_KINDS order. */
export function presentDeadlines(event: WarningEvent): Deadlines {
  const out: Partial<Record<DeadlineKind, number>> = {};
  for (const kind of DEADLINE_KINDS) {
    const at = event.deadlines[kind];
    if (at !== undefined) out[kind] = at;
  }
  return out;
}

/**
 * The rules every version of a warning must satisfy on its own, whether it starts the lifecycle or
 * revises it. Rules that compare a version with earlier ones live in applyEvent.
 */
export function assertValidWarningVersion(event: WarningEvent, now: number): void {
  const { warningId } = event;
  for (const field of ["created", "modified"] as const) {
    if (isClaimedTimeInFuture(event[field], event.loggedAt, now)) {
      throw new LifecycleError("LIFECYCLE_WARNING_IN_FUTURE", `Warning ${field} time is in the future`, {
        details: { warningId, field, value: event[field], now, loggedAt: event.loggedAt },
      });
    }
  }
  if (event.modified < event.created) {
    throw new LifecycleError("LIFECYCLE_MODIFIED_BEFORE_CREATED", "Warning modified before it was created", {
      details: { warningId, created: event.created, modified: event.modified },
    });
  }
  if (event.recipients.length === 0) {
    throw new LifecycleError("LIFECYCLE_NO_RECIPIENTS", "Warning has no recipients", { details: { warningId } });
  }
  if (event.recipients.includes(event.author)) {
    throw new LifecycleError("LIFECYCLE_SELF_ADDRESSED", "Warning is addressed to its own author", {
      details: { warningId, author: event.author },
    });
  }
  const seen = new Set<string>();
  for (const r of event.recipients) {
    if (seen.has(r)) {
      throw new LifecycleError("LIFECYCLE_DUPLICATE_RECIPIENT", "Warning lists a recipient twice", {
        details: { warningId, recipient: r },
      });
    }
    seen.add(r);
  }
  if (event.windowEnd < event.windowStart) {
    throw new LifecycleError("LIFECYCLE_WINDOW_INVERTED", "Warning window ends before it starts", {
      details: { warningId, windowStart: event.windowStart, windowEnd: event.windowEnd },
    });
  }
  const deadlines = presentDeadlines(event);
  // A deadline at the created instant could never be met: a stage counts only if reached strictly before.
  for (const kind of DEADLINE_KINDS) {
    const at = deadlines[kind];
    if (at !== undefined && at <= event.created) {
      throw new LifecycleError("LIFECYCLE_DEADLINE_BEFORE_CREATED", `The ${kind} deadline is not after the warning was created`, {
        details: { warningId, deadlineKind: kind, deadline: at, created: event.created },
      });
    }
  }
  // Receipt, assessment and action follow each other, so their deadlines must too (equal is fine).
  let previous: { kind: DeadlineKind; at: number } | undefined;
  for (const kind of DEADLINE_KINDS) {
    const at = deadlines[kind];
    if (at === undefined) continue;
    if (previous !== undefined && at < previous.at) {
      throw new LifecycleError("LIFECYCLE_DEADLINES_OUT_OF_ORDER", `The ${kind} deadline is before the ${previous.kind} deadline`, {
        details: { warningId, [previous.kind]: previous.at, [kind]: at },
      });
    }
    previous = { kind, at };
  }
}
