import { assertNotInFuture } from "./clock-skew.js";
import { assertWellFormed } from "./event-shape.js";
import { LifecycleError } from "./lifecycle-errors.js";
import type { PartyId, WarningEvent } from "./lifecycle-events.js";
import { assertValidWarningVersion, presentDeadlines } from "./warning-version.js";
import type { RecipientState, WarningState } from "./warning-state.js";

/** A recipient as first addressed by a version logged at `loggedAt`. */
export function newRecipient(party: PartyId, loggedAt: number): RecipientState {
  return {
    party,
    state: "issued",
    reachedAt: { issued: loggedAt },
    receipts: [],
    opinion: undefined,
    assessments: [],
    actions: [],
    escalations: {},
  };
}

/** Starts a warning's lifecycle from its first version seen, after checking the warning's own rules. */
export function startWarning(event: WarningEvent, now: number): WarningState {
  assertWellFormed(event);
  if (event.kind !== "warning") {
    throw new LifecycleError("LIFECYCLE_MALFORMED_EVENT", "A lifecycle starts with a warning", {
      details: { field: "kind", kind: event.kind },
    });
  }
  assertNotInFuture(event, now);
  assertValidWarningVersion(event, now);
  return {
    warningId: event.warningId,
    author: event.author,
    created: event.created,
    versions: [{ modified: event.modified, loggedAt: event.loggedAt }],
    arbiters: [...(event.arbiters ?? [])],
    windowStart: event.windowStart,
    windowEnd: event.windowEnd,
    deadlines: presentDeadlines(event),
    commitments: [...new Set(event.commitments)],
    recipients: event.recipients.map((p) => newRecipient(p, event.loggedAt)),
    resolution: undefined,
    resolutions: [],
    revealed: [],
  };
}
