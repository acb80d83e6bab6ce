import { stageRank, type RecipientStage, type RecipientState, type WarningState } from "./warning-state.js";

/*
 * The two ways a state changes for one recipient, written once so that every rule moves stages the same
 * way: forward only, and the first time a stage is reached is never overwritten (it is the evidence a
 * deadline is judged by).
 */

/** The recipient moved to `stage` at `at`, unless it is already further; the first time is kept. */
export function advance(recipient: RecipientState, stage: RecipientStage, at: number): RecipientState {
  const reachedAt = recipient.reachedAt[stage] === undefined ? { ...recipient.reachedAt, [stage]: at } : recipient.reachedAt;
  const state = stageRank(stage) > stageRank(recipient.state) ? stage : recipient.state;
  return { ...recipient, state, reachedAt };
}

/** A new warning state with `updated` in place of the recipient of the same party. */
export function replaceRecipient(state: WarningState, updated: RecipientState): WarningState {
  return { ...state, recipients: state.recipients.map((r) => (r.party === updated.party ? updated : r)) };
}
