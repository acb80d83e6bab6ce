import type { RecipientState, WarningState } from "../core/lifecycle/index.js";

/*
 * A big node's warning index holds every warning's lifecycle state, and most of a state's lists and
 * maps are empty (no arbiters, commitments, receipts, assessments, actions, escalations, resolutions,
 * reveals while a warning is new): about a fifth of the objects the index kept per warning. Each is a
 * separate object that every major garbage collection marks, and the length of that marking is what
 * holds the event loop on a big heap. States are immutable (warning-state.ts: applyEvent builds new
 * objects and never changes old ones), so every empty list can be one frozen list and every empty map
 * one frozen object: equal in value, and a change through one would throw rather than leak.
 */

/** The one empty list of the index's states. */
export const EMPTY_LIST: readonly never[] = Object.freeze([]);
/** The one empty map of the index's states. */
const EMPTY_MAP: Readonly<Record<string, never>> = Object.freeze({});

/** An empty list or map that is not yet the shared one: what sharing replaces. */
const unsharedEmptyList = (a: readonly unknown[]): boolean => a.length === 0 && a !== EMPTY_LIST;
const unsharedEmptyMap = (o: object): boolean => o !== EMPTY_MAP && Object.keys(o).length === 0;

function sharedRecipient(r: RecipientState): RecipientState {
  if (!unsharedEmptyList(r.receipts) && !unsharedEmptyList(r.assessments) && !unsharedEmptyList(r.actions) && !unsharedEmptyMap(r.escalations)) return r;
  return {
    ...r,
    receipts: unsharedEmptyList(r.receipts) ? EMPTY_LIST : r.receipts,
    assessments: unsharedEmptyList(r.assessments) ? EMPTY_LIST : r.assessments,
    actions: unsharedEmptyList(r.actions) ? EMPTY_LIST : r.actions,
    escalations: unsharedEmptyMap(r.escalations) ? EMPTY_MAP : r.escalations,
  };
}

/**
 * The state with its empty lists and maps replaced by the shared ones (and those of its recipients):
 * deeply equal to `s`. Parts already shared, or not empty, are kept as they are, so a state folded one
 * more event costs only the look at its fields.
 */
export function withSharedEmpties(s: WarningState): WarningState {
  let recipients = s.recipients;
  for (let i = 0; i < recipients.length; i++) {
    const r = sharedRecipient(recipients[i]!);
    if (r === recipients[i]) continue;
    if (recipients === s.recipients) recipients = [...recipients];
    (recipients as RecipientState[])[i] = r;
  }
  if (
    recipients === s.recipients &&
    !unsharedEmptyList(s.arbiters) &&
    !unsharedEmptyList(s.commitments) &&
    !unsharedEmptyList(s.resolutions) &&
    !unsharedEmptyList(s.revealed) &&
    !unsharedEmptyMap(s.deadlines)
  ) {
    return s;
  }
  return {
    ...s,
    arbiters: unsharedEmptyList(s.arbiters) ? EMPTY_LIST : s.arbiters,
    deadlines: unsharedEmptyMap(s.deadlines) ? EMPTY_MAP : s.deadlines,
    commitments: unsharedEmptyList(s.commitments) ? EMPTY_LIST : s.commitments,
    recipients,
    resolutions: unsharedEmptyList(s.resolutions) ? EMPTY_LIST : s.resolutions,
    revealed: unsharedEmptyList(s.revealed) ? EMPTY_LIST : s.revealed,
  };
}
