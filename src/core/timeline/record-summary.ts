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
    default:
      return { says: String(obj.type ?? "(untyped object)"), facts: {} };
  }
}
