import { LifecycleError } from "./lifecycle-errors.js";
import type { ActionEvent, AssessmentEvent, PartyId, ReceiptEvent } from "./lifecycle-events.js";
import { advance, replaceRecipient } from "./recipient-updates.js";
import { findRecipient, resolvedAt, type RecipientState, type WarningState } from "./warning-state.js";

/*
 * A recipient's three responses — receipt, assessment, action — each allowed only once the previous one
 * exists, so a recipient's stages are a chain: an action implies an assessment implies a receipt.
 */

function recipientOf(state: WarningState, author: PartyId, kind: string): RecipientState {
  const r = findRecipient(state, author);
  if (r === undefined) {
    throw new LifecycleError("LIFECYCLE_NOT_A_RECIPIENT", `Only a recipient may record a ${kind}`, {
      details: { warningId: state.warningId, author },
    });
  }
  return r;
}

function assertOpen(state: WarningState, kind: string): void {
  // Opinions and actions after the outcome is known would only rewrite the record with hindsight.
  const closed = resolvedAt(state);
  if (closed !== undefined) {
    throw new LifecycleError("LIFECYCLE_WARNING_RESOLVED", `No ${kind} after the warning was resolved`, {
      details: { warningId: state.warningId, resolvedAt: closed },
    });
  }
}

/**
 * A receipt for one version. Accepted after resolution: a late acknowledgement is still evidence of what
 * the recipient held, and it cannot change the outcome (the missed receipt deadline stays missed).
 */
export function applyReceipt(state: WarningState, event: ReceiptEvent): WarningState {
  const r = recipientOf(state, event.author, "receipt");
  const version = state.versions.find((v) => v.modified === event.warningModified);
  if (version === undefined) {
    throw new LifecycleError("LIFECYCLE_UNKNOWN_VERSION", "Receipt for a version of the warning never seen", {
      details: { warningId: state.warningId, warningModified: event.warningModified },
    });
  }
  if (r.receipts.some((x) => x.warningModified === event.warningModified)) {
    throw new LifecycleError("LIFECYCLE_DUPLICATE_RECEIPT", "This recipient already received this version", {
      details: { warningId: state.warningId, author: event.author, warningModified: event.warningModified },
    });
  }
  // Nobody can receive a version before it was written; the skew allowance applies to the future only.
  if (event.created < version.modified) {
    throw new LifecycleError("LIFECYCLE_RECEIPT_BEFORE_VERSION", "Receipt dated before the version it acknowledges", {
      details: { warningId: state.warningId, created: event.created, warningModified: version.modified },
    });
  }
  const entry = { warningModified: event.warningModified, created: event.created, loggedAt: event.loggedAt };
  return replaceRecipient(state, advance({ ...r, receipts: [...r.receipts, entry] }, "received", event.loggedAt));
}

/** An assessment; a later one revises the opinion, and every one is kept. */
export function applyAssessment(state: WarningState, event: AssessmentEvent): WarningState {
  const r = recipientOf(state, event.author, "assessment");
  assertOpen(state, "assessment");
  if (r.reachedAt.received === undefined) {
    throw new LifecycleError("LIFECYCLE_NOT_RECEIVED", "A recipient must sign a receipt before assessing", {
      details: { warningId: state.warningId, author: event.author },
    });
  }
  const entry = { opinion: event.opinion, created: event.created, loggedAt: event.loggedAt };
  const updated = { ...r, opinion: event.opinion, assessments: [...r.assessments, entry] };
  return replaceRecipient(state, advance(updated, "assessed", event.loggedAt));
}

/** An action record of any status; "declined" is a response too and meets the action deadline. */
export function applyAction(state: WarningState, event: ActionEvent): WarningState {
  const r = recipientOf(state, event.author, "action");
  assertOpen(state, "action");
  if (r.reachedAt.assessed === undefined) {
    throw new LifecycleError("LIFECYCLE_NOT_ASSESSED", "A recipient must assess before recording actions", {
      details: { warningId: state.warningId, author: event.author },
    });
  }
  const entry = { status: event.status, created: event.created, loggedAt: event.loggedAt };
  return replaceRecipient(state, advance({ ...r, actions: [...r.actions, entry] }, "acting", event.loggedAt));
}
