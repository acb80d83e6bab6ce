export { LifecycleError } from "./lifecycle-errors.js";
export type { LifecycleErrorCode } from "./lifecycle-errors.js";
export { ACTION_STATUSES, DEADLINE_KINDS, NODE_AUTHOR, OPINIONS, OUTCOMES } from "./lifecycle-events.js";
export type {
  ActionEvent,
  ActionStatus,
  AssessmentEvent,
  DeadlineKind,
  EscalationEvent,
  LifecycleEvent,
  Opinion,
  Outcome,
  PartyId,
  ReceiptEvent,
  RecordEvent,
  ResolutionEvent,
  RevealEvent,
  WarningEvent,
} from "./lifecycle-events.js";
export { MAX_CLOCK_SKEW_MS } from "./clock-skew.js";
export { RECIPIENT_STAGES, findRecipient, resolvedAt } from "./warning-state.js";
export type {
  ActionEntry,
  AssessmentEntry,
  EscalationEntry,
  ReceiptEntry,
  RecipientStage,
  RecipientState,
  ResolutionEntry,
  RevealEntry,
  WarningState,
  WarningVersion,
} from "./warning-state.js";
export { startWarning } from "./start-warning.js";
export { applyEvent } from "./apply-event.js";
export { dueEscalations, nextEscalationAt } from "./due-escalations.js";
export type { DueEscalation } from "./due-escalations.js";
export { recipientStates, warningStatus } from "./recipient-status.js";
export type { NextDeadline, RecipientStatus, WarningStatus } from "./recipient-status.js";
