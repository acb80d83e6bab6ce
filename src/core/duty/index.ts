/** The duty to warn (ICD 191), a pure core: waiver grounds, record facts, the decision rules, the warning link, the track record. */
export { DutyError } from "./duty-errors.js";
export type { DutyErrorCode } from "./duty-errors.js";
export { WAIVER_GROUNDS, WAIVER_GROUND_CODES, waiverGround } from "./waiver-grounds.js";
export type { WaiverGround } from "./waiver-grounds.js";
export { approvalFacts, decisionFacts, determinationFacts, escalationFacts, policyFacts, revealFacts } from "./duty-facts.js";
export type {
  ApprovalFacts,
  DecisionFacts,
  DecisionLink,
  DeterminationFacts,
  DutyDecisionKind,
  EscalationFacts,
  LoggedFacts,
  PolicyFacts,
  RevealFacts,
  WarningCommitments,
} from "./duty-facts.js";
export {
  checkApproval,
  checkDecision,
  checkDetermination,
  checkDeterminationVersion,
  checkDutyEscalation,
  checkDutyReveal,
  dutyStatus,
  escalationDue,
  missingApprovers,
} from "./duty-rules.js";
export type { DutyCase, DutyState, DutyStatus } from "./duty-rules.js";
export { DETERMINATION_LINK_COMMITMENT_ID, determinationLinkDigest, linkOpens, reasonsOpen, sealedReasonsDigest } from "./warning-link.js";
export { dutyTrackRecord } from "./duty-track-record.js";
export type { DutyTrackRecord } from "./duty-track-record.js";
