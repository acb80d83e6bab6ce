/** C2SP tlog-witness: the add-checkpoint wire format and the checks a witness makes (a pure core). */
export { WitnessError } from "./witness-errors.js";
export type { WitnessErrorCode } from "./witness-errors.js";
export {
  MAX_CONSISTENCY_PROOF_LINES,
  parseAddCheckpointRequest,
  formatAddCheckpointRequest,
  formatTlogSize,
  parseTlogSize,
} from "./add-checkpoint-request.js";
export type { AddCheckpointRequest } from "./add-checkpoint-request.js";
export { checkAddCheckpoint } from "./witness-check.js";
export type { WitnessedLogState, WitnessCheck } from "./witness-check.js";
export { splitViewEvidenceOf, splitViewOf, verifySplitView } from "./split-view.js";
export type { SplitView, SplitViewEvidence } from "./split-view.js";
