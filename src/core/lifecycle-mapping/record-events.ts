import { fromBase64 } from "../crypto/bytes.js";
import { NODE_AUTHOR, type LifecycleEvent } from "../lifecycle/index.js";
import { stixTimestampMs } from "../stix/stix-timestamp.js";
import {
  ACTION_EXT,
  RESOLUTION_EXT,
  WARNING_EXT,
  checkReveal,
  warningRefOf,
  type RecordKind,
} from "../record/index.js";

type Obj = Record<string, any>;

/** RFC 3339 → ms, as Date.parse reads it; the schemas have already checked the form. */
const ms = (t: unknown): number => stixTimestampMs(t as string);

/**
 * Turns an admitted STIX record into the lifecycle core's abstract event. Pure: the caller supplies
 * the node's log time, the id of the node's own identity (escalations are the node's), and, for a
 * reveal, the commitment digest it names (looked up in the warning).
 *
 * Returns undefined for records outside the lifecycle (identities, threat actors, locations…).
 */
export function lifecycleEventOf(
  obj: Obj,
  kind: RecordKind,
  context: { loggedAt: number; nodeIdentity: string; commitmentDigest?: (commitmentId: string) => string | undefined },
): LifecycleEvent | undefined {
  const author = obj.created_by_ref as string;
  const created = ms(obj.created);
  const loggedAt = context.loggedAt;
  switch (kind) {
    case "warning": {
      const w = obj.extensions[WARNING_EXT] as Obj;
      const deadlines = (w.deadlines ?? {}) as Obj;
      return {
        kind: "warning",
        warningId: obj.id,
        author,
        recipients: w.recipient_refs,
        ...(w.arbiter_refs ? { arbiters: w.arbiter_refs } : {}),
        created,
        modified: ms(obj.modified),
        windowStart: ms(w.window_start),
        windowEnd: ms(w.window_end),
        deadlines: Object.fromEntries(Object.entries(deadlines).map(([k, v]) => [k, ms(v)])),
        commitments: ((w.commitments ?? []) as Obj[]).map((c) => c.commitment_id as string),
        loggedAt,
      };
    }
    case "receipt":
      return { kind: "receipt", author, warningId: obj.warning_ref, warningModified: ms(obj.warning_modified), created, loggedAt };
    case "assessment":
      return { kind: "assessment", author, warningId: warningRefOf(obj)!, opinion: obj.opinion, created, loggedAt };
    case "action": {
      const a = obj.extensions[ACTION_EXT] as Obj;
      return { kind: "action", author, warningId: a.warning_ref, status: a.status, created, loggedAt };
    }
    case "resolution": {
      const r = obj.extensions[RESOLUTION_EXT] as Obj;
      return {
        kind: "resolution",
        author,
        warningId: r.warning_ref,
        outcome: r.outcome,
        ...(r.event_time ? { eventTime: ms(r.event_time) } : {}),
        created,
        loggedAt,
      };
    }
    case "reveal": {
      const digest = context.commitmentDigest?.(obj.commitment_id);
      const salt = fromBase64(obj.salt);
      const evidence = fromBase64(obj.evidence);
      const matches = digest !== undefined && salt !== undefined && evidence !== undefined && checkReveal(digest, salt, evidence);
      return { kind: "reveal", author, warningId: obj.warning_ref, commitmentId: obj.commitment_id, matches, created, loggedAt };
    }
    case "escalation":
      return {
        kind: "escalation",
        author: author === context.nodeIdentity ? NODE_AUTHOR : (author as typeof NODE_AUTHOR),
        warningId: obj.warning_ref,
        recipient: obj.recipient_ref,
        deadlineKind: obj.deadline_kind,
        deadline: ms(obj.deadline),
        created,
        loggedAt,
      };
    default:
      return undefined;
  }
}
