/*
 * Builders for lifecycle tests: one warning from a source to two recipients with an arbiter, and one
 * builder per record kind. Every builder takes the time it is logged at and overrides; `created`
 * defaults to the log time. (Not named *.test.ts / test-*.ts so node --test does not run it.)
 */
import { LifecycleError, type LifecycleErrorCode } from "../core/lifecycle/lifecycle-errors.js";
import type {
  ActionEvent,
  AssessmentEvent,
  EscalationEvent,
  LifecycleEvent,
  ReceiptEvent,
  ResolutionEvent,
  RevealEvent,
  WarningEvent,
} from "../core/lifecycle/lifecycle-events.js";
import { applyEvent } from "../core/lifecycle/apply-event.js";
import { startWarning } from "../core/lifecycle/start-warning.js";
import type { WarningState } from "../core/lifecycle/warning-state.js";
import assert from "node:assert/strict";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** The warning's created time: 2025-06-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 5, 1);

export const SOURCE = "identity--0a000000-0000-4000-8000-000000000001";
export const RECIPIENT = "identity--0a000000-0000-4000-8000-000000000002";
export const VENUE = "identity--0a000000-0000-4000-8000-000000000003";
export const ARBITER = "identity--0a000000-0000-4000-8000-000000000004";
export const OUTSIDER = "identity--0a000000-0000-4000-8000-000000000005";
export const LATECOMER = "identity--0a000000-0000-4000-8000-000000000006";
export const WARNING_ID = "report--0b000000-0000-4000-8000-000000000001";
export const COMMITMENTS = ["commitment--1", "commitment--2"];

/** The first version: receipt due in 1 h, assessment in 24 h, action in 48 h. */
export function warning(over: Partial<WarningEvent> = {}): WarningEvent {
  return {
    kind: "warning",
    warningId: WARNING_ID,
    author: SOURCE,
    recipients: [RECIPIENT, VENUE],
    arbiters: [ARBITER],
    created: T0,
    modified: T0,
    windowStart: T0,
    windowEnd: T0 + 14 * DAY,
    deadlines: { receipt: T0 + HOUR, assessment: T0 + DAY, action: T0 + 2 * DAY },
    commitments: COMMITMENTS,
    loggedAt: T0,
    ...over,
  };
}

/** A later version logged at `at` (modified = at), same content unless overridden. */
export function version(at: number, over: Partial<WarningEvent> = {}): WarningEvent {
  return warning({ modified: at, loggedAt: at, ...over });
}

export function receipt(author: string, at: number, over: Partial<ReceiptEvent> = {}): ReceiptEvent {
  return { kind: "receipt", author, warningId: WARNING_ID, warningModified: T0, created: at, loggedAt: at, ...over };
}

export function assessment(author: string, at: number, over: Partial<AssessmentEvent> = {}): AssessmentEvent {
  return { kind: "assessment", author, warningId: WARNING_ID, opinion: "agree", created: at, loggedAt: at, ...over };
}

export function action(author: string, at: number, over: Partial<ActionEvent> = {}): ActionEvent {
  return { kind: "action", author, warningId: WARNING_ID, status: "planned", created: at, loggedAt: at, ...over };
}

export function resolution(author: string, at: number, over: Partial<ResolutionEvent> = {}): ResolutionEvent {
  return { kind: "resolution", author, warningId: WARNING_ID, outcome: "did-not-materialize", created: at, loggedAt: at, ...over };
}

export function reveal(at: number, over: Partial<RevealEvent> = {}): RevealEvent {
  return {
    kind: "reveal",
    author: SOURCE,
    warningId: WARNING_ID,
    commitmentId: COMMITMENTS[0]!,
    matches: true,
    created: at,
    loggedAt: at,
    ...over,
  };
}

/** An escalation logged at `at` for the deadline the base warning sets for `kind`. */
export function escalation(
  recipient: string,
  kind: EscalationEvent["deadlineKind"],
  at: number,
  over: Partial<EscalationEvent> = {},
): EscalationEvent {
  const deadline = warning().deadlines[kind]!;
  return { kind: "escalation", author: "node", warningId: WARNING_ID, recipient, deadlineKind: kind, deadline, created: at, loggedAt: at, ...over };
}

/** Starts the base warning (or `first`) and applies `events` in order, each at its own log time. */
export function fold(events: readonly LifecycleEvent[], first: WarningEvent = warning()): WarningState {
  let state = startWarning(first, first.loggedAt);
  for (const e of events) state = applyEvent(state, e, e.loggedAt);
  return state;
}

/** Asserts that `fn` throws a LifecycleError with exactly `code`. */
export function assertCode(fn: () => unknown, code: LifecycleErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof LifecycleError)) throw e;
    assert.equal(e.code, code);
    return true;
  });
}
