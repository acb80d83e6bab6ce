import { ACTION_EXT, RESOLUTION_EXT, WARNING_EXT, warningRefOf, type RecordKind } from "../record/index.js";
import { capAckOfReceipt } from "../cap/cap-ack.js";

type Obj = Record<string, any>;

/**
 * What a record says, in the few fields a timeline shows: a warning's probability and window, an
 * opinion and its explanation, an action's status, an outcome and its time, a missed deadline. Read
 * from the signed object itself, so the offline audit and the API show the same words.
 */
export interface RecordSummary {
  readonly kind: RecordKind;
  readonly id: string;
  /** The version (`modified`, or `created` for objects without versions). */
  readonly modified: string;
  /** The author's claimed time of writing. */
  readonly created: string;
  readonly author: string;
  readonly warningRef: string | undefined;
  /** One human line: "p = 0.6, window … – …", "strongly-disagree: provocation", … */
  readonly says: string;
  readonly facts: Readonly<Record<string, unknown>>;
}

export function summarizeRecord(obj: Obj, kind: RecordKind): RecordSummary {
  const base = {
    kind,
    id: obj.id as string,
    modified: (obj.modified ?? obj.created) as string,
    created: obj.created as string,
    author: obj.created_by_ref as string,
    warningRef: warningRefOf(obj),
  };
  const { says, facts } = describe(obj, kind);
  return { ...base, says, facts };
}

function describe(obj: Obj, kind: RecordKind): { says: string; facts: Record<string, unknown> } {
  switch (kind) {
    case "warning": {
      const w = (obj.extensions?.[WARNING_EXT] ?? {}) as Obj;
      const facts = {
        name: obj.name,
        probability: w.probability,
        severity: w.severity,
        windowStart: w.window_start,
        windowEnd: w.window_end,
        recipients: w.recipient_refs,
        deadlines: w.deadlines ?? {},
        requestedActions: w.requested_actions ?? [],
      };
      return { says: `${obj.name} — p = ${w.probability}, window ${w.window_start} – ${w.window_end}`, facts };
    }
    case "receipt": {
      // A custodial party's receipt the node made from its CAP Ack (src/exchange/cap-exchange.ts) says so.
      const ack = capAckOfReceipt(obj);
      return {
        says: `received version ${obj.warning_modified}${ack ? ` (acknowledged as an OASIS CAP 1.2 Ack: ${ack})` : ""}`,
        facts: { warningModified: obj.warning_modified, envelopeDigest: obj.envelope_digest, receivedAt: obj.received_at, ...(ack ? { capAck: ack } : {}) },
      };
    }
    case "assessment":
      return { says: `${obj.opinion}${obj.explanation ? `: ${obj.explanation}` : ""}`, facts: { opinion: obj.opinion, explanation: obj.explanation } };
    case "action": {
      const a = (obj.extensions?.[ACTION_EXT] ?? {}) as Obj;
      return { says: `${a.status}: ${obj.name}`, facts: { name: obj.name, status: a.status, deadline: a.deadline } };
    }
    case "resolution": {
      const r = (obj.extensions?.[RESOLUTION_EXT] ?? {}) as Obj;
      return { says: `${r.outcome}${r.event_time ? ` (event at ${r.event_time})` : ""}`, facts: { outcome: r.outcome, eventTime: r.event_time, content: obj.content } };
    }
    case "escalation":
      return {
        says: `missed ${obj.deadline_kind} deadline ${obj.deadline} by ${obj.recipient_ref}`,
        facts: { recipient: obj.recipient_ref, deadlineKind: obj.deadline_kind, deadline: obj.deadline },
      };
    case "reveal":
      return { says: `opened evidence commitment ${obj.commitment_id}`, facts: { commitmentId: obj.commitment_id } };
    case "determination":
      return {
        says: `determined a credible threat (${obj.threat}; victims ${obj.specificity}, credibility ${obj.credibility}); warn or waive by ${obj.deadline}`,
        facts: { threat: obj.threat, specificity: obj.specificity, credibility: obj.credibility, deadline: obj.deadline, reviewers: obj.reviewer_refs ?? [] },
      };
    case "duty-decision":
      return obj.decision === "warn"
        ? { says: `warned via ${obj.channel}: ${(obj.warning_refs ?? []).join(", ")}`, facts: { decision: "warn", warnings: obj.warning_refs, channel: obj.channel, approvals: obj.approval_refs ?? [] } }
        : {
            says: `waived on ground ${obj.ground}${obj.sealed_reasons ? " (reasons sealed)" : ""}`,
            facts: { decision: "waive", ground: obj.ground, sealed: obj.sealed_reasons !== undefined, approvals: obj.approval_refs ?? [] },
          };
    case "duty-approval":
      return { says: `approved ${obj.decision}${obj.ground ? ` on ground ${obj.ground}` : ""}`, facts: { decision: obj.decision, ground: obj.ground, determination: obj.determination_ref } };
    case "duty-policy":
      return { says: "duty-to-warn approval policy", facts: { warnApprovers: obj.warn_approver_refs ?? [], waiveApprovers: obj.waive_approver_refs ?? [] } };
    case "duty-escalation":
      return { says: `determination ${obj.determination_ref} undecided at its deadline ${obj.deadline}`, facts: { determination: obj.determination_ref, deadline: obj.deadline } };
    case "duty-reveal":
      return { says: `revealed the sealed reasons of ${obj.decision_ref}`, facts: { decision: obj.decision_ref, reviewers: obj.reviewer_refs } };
    default:
      return { says: String(obj.type ?? "(untyped object)"), facts: {} };
  }
}
