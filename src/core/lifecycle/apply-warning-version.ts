import { LifecycleError } from "./lifecycle-errors.js";
import { DEADLINE_KINDS, type WarningEvent } from "./lifecycle-events.js";
import { newRecipient } from "./start-warning.js";
import { findRecipient, resolvedAt, type WarningState } from "./warning-state.js";
import { assertValidWarningVersion, presentDeadlines } from "./warning-version.js";

/**
 * A new version of the warning: it must satisfy every rule of a first version, come from the same author,
 * be newer, and not rewrite what recipients already did (drop a recipient with a record, or move a
 * deadline into the past).
 */
export function applyWarningVersion(state: WarningState, event: WarningEvent, now: number): WarningState {
  const { warningId } = state;
  // After resolution the warning is history: its track record is computed from the version in force.
  if (resolvedAt(state) !== undefined) {
    throw new LifecycleError("LIFECYCLE_WARNING_RESOLVED", "No new version after the warning was resolved", {
      details: { warningId, modified: event.modified },
    });
  }
  if (event.author !== state.author) {
    throw new LifecycleError("LIFECYCLE_VERSION_WRONG_AUTHOR", "Only the warning's author may issue a new version", {
      details: { warningId, author: state.author, versionAuthor: event.author },
    });
  }
  assertValidWarningVersion(event, now);
  // STIX 2.1 §3.6: every version of an object shares its created time; deadlines are checked against it.
  if (event.created !== state.created) {
    throw new LifecycleError("LIFECYCLE_VERSION_CHANGES_CREATED", "A new version must keep the warning's created time", {
      details: { warningId, created: state.created, versionCreated: event.created },
    });
  }
  const latest = state.versions[state.versions.length - 1]!;
  if (event.modified <= latest.modified) {
    throw new LifecycleError("LIFECYCLE_VERSION_NOT_NEWER", "A new version must be newer than the latest", {
      details: { warningId, latest: latest.modified, modified: event.modified },
    });
  }
  // A recipient that has acknowledged the warning, or was escalated, has a record the author must not
  // erase by re-addressing; one that has not may be dropped (a misaddressed warning can be corrected).
  for (const r of state.recipients) {
    if (event.recipients.includes(r.party)) continue;
    if (r.receipts.length > 0 || Object.keys(r.escalations).length > 0) {
      throw new LifecycleError("LIFECYCLE_VERSION_DROPS_RECIPIENT", "A new version may not drop a recipient with a receipt or escalation", {
        details: { warningId, recipient: r.party },
      });
    }
  }
  // A deadline this version adds or moves must still lie ahead, or recipients would miss it retroactively.
  const deadlines = presentDeadlines(event);
  const issuedAt = Math.max(event.modified, event.loggedAt);
  for (const kind of DEADLINE_KINDS) {
    const at = deadlines[kind];
    if (at !== undefined && at !== state.deadlines[kind] && at <= issuedAt) {
      throw new LifecycleError("LIFECYCLE_DEADLINE_RETROACTIVE", `The new ${kind} deadline is already past`, {
        details: { warningId, deadlineKind: kind, deadline: at, previous: state.deadlines[kind], issuedAt },
      });
    }
  }
  return {
    ...state,
    versions: [...state.versions, { modified: event.modified, loggedAt: event.loggedAt }],
    arbiters: [...(event.arbiters ?? [])],
    windowStart: event.windowStart,
    windowEnd: event.windowEnd,
    deadlines,
    commitments: [...new Set([...state.commitments, ...event.commitments])],
    // Recipients kept keep their history; new ones are addressed from this version's log time.
    recipients: event.recipients.map((p) => findRecipient(state, p) ?? newRecipient(p, event.loggedAt)),
  };
}
