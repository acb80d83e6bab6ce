import { isExcused, REQUIRED_STAGE } from "./deadline-verdict.js";
import { DEADLINE_KINDS, type DeadlineKind, type PartyId } from "./lifecycle-events.js";
import type { RecipientStage, RecipientState, ResolutionEntry, WarningState } from "./warning-state.js";

/** The next response a recipient owes and by when. */
export interface NextDeadline {
  readonly kind: DeadlineKind;
  readonly deadline: number;
}

/** One recipient's row in the warning list (`GET /api/v1/warnings?recipient=&state=`). */
export interface RecipientStatus {
  readonly recipient: PartyId;
  readonly state: RecipientStage;
  /** The first deadline whose required stage the recipient has not reached at all; passed ones included. */
  readonly nextDeadline: NextDeadline | undefined;
  /** Deadline kinds the node has escalated for this recipient. */
  readonly escalated: readonly DeadlineKind[];
}

/** A warning's summary for the API. */
export interface WarningStatus {
  readonly warningId: string;
  readonly author: PartyId;
  readonly status: "open" | "resolved";
  /** The latest version's modified time. */
  readonly modified: number;
  readonly resolution: ResolutionEntry | undefined;
  readonly recipients: readonly RecipientStatus[];
  /** The earliest next deadline over all recipients. */
  readonly nextDeadline: NextDeadline | undefined;
}

function nextDeadlineOf(state: WarningState, r: RecipientState): NextDeadline | undefined {
  // A resolved warning asks nothing more of anyone; what was missed stays in the escalations.
  if (state.resolution !== undefined) return undefined;
  for (const kind of DEADLINE_KINDS) {
    const deadline = state.deadlines[kind];
    if (deadline === undefined) continue;
    if (r.reachedAt[REQUIRED_STAGE[kind]] !== undefined) continue;
    if (isExcused(state, r, deadline)) continue;
    return { kind, deadline };
  }
  return undefined;
}

/** Each recipient's stage and next unmet deadline, in the warning's recipient order. */
export function recipientStates(state: WarningState): RecipientStatus[] {
  return state.recipients.map((r) => ({
    recipient: r.party,
    state: r.state,
    nextDeadline: nextDeadlineOf(state, r),
    escalated: DEADLINE_KINDS.filter((k) => r.escalations[k] !== undefined),
  }));
}

/** The warning's summary: open or resolved, its recipients' rows and the earliest next deadline. */
export function warningStatus(state: WarningState): WarningStatus {
  const recipients = recipientStates(state);
  let nextDeadline: NextDeadline | undefined;
  for (const r of recipients) {
    if (r.nextDeadline !== undefined && (nextDeadline === undefined || r.nextDeadline.deadline < nextDeadline.deadline)) {
      nextDeadline = r.nextDeadline;
    }
  }
  return {
    warningId: state.warningId,
    author: state.author,
    status: state.resolution === undefined ? "open" : "resolved",
    modified: state.versions[state.versions.length - 1]!.modified,
    resolution: state.resolution,
    recipients,
    nextDeadline,
  };
}
