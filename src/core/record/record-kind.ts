import { ACTION_EXT, BOARD_EXT, DETERMINATION_TYPE, DUTY_APPROVAL_TYPE, DUTY_DECISION_TYPE, DUTY_ESCALATION_TYPE, DUTY_POLICY_TYPE, DUTY_REVEAL_TYPE, ESCALATION_TYPE, KEY_EVENT_TYPE, RECEIPT_TYPE, RESOLUTION_EXT, REVEAL_TYPE, WARNING_EXT, WITNESS_ALARM_TYPE } from "./extension-ids.js";
import { isPlainObject, isStixId } from "./stix-syntax.js";

/** The kinds of Tocsin records (design README, "Record kinds"); `other` is any other STIX object. */
export type RecordKind = "warning" | "receipt" | "assessment" | "action" | "resolution" | "reveal" | "escalation" | "identity" | "other" | "attribution-board"
  | "key-event"
  | "witness-alarm"
  | "determination"
  | "duty-decision"
  | "duty-approval"
  | "duty-policy"
  | "duty-escalation"
  | "duty-reveal";

export const RECORD_KINDS: readonly RecordKind[] = [
  "warning",
  "receipt",
  "assessment",
  "action",
  "witness-alarm",
  "resolution",
  "reveal",
  "escalation",
  "identity",
  "other",
  "attribution-board",
  "key-event",
  "determination",
  "duty-decision",
  "duty-approval",
  "duty-policy",
  "duty-escalation",
  "duty-reveal",
];

/** The duty-to-warn kinds (docs/duty-to-warn.md): statements about a determination, not about a warning. */
export const DUTY_KINDS: ReadonlySet<RecordKind> = new Set<RecordKind>(["determination", "duty-decision", "duty-approval", "duty-policy", "duty-escalation", "duty-reveal"]);

/** The STIX type every record of a kind has (`other` has none). */
export const RECORD_KIND_STIX_TYPE: Readonly<Record<Exclude<RecordKind, "other">, string>> = {
  warning: "report",
  receipt: RECEIPT_TYPE,
  assessment: "opinion",
  action: "course-of-action",
  resolution: "note",
  reveal: REVEAL_TYPE,
  escalation: ESCALATION_TYPE,
  identity: "identity",
  "attribution-board": "grouping",
  "key-event": KEY_EVENT_TYPE,
  "witness-alarm": WITNESS_ALARM_TYPE,
  determination: DETERMINATION_TYPE,
  "duty-decision": DUTY_DECISION_TYPE,
  "duty-approval": DUTY_APPROVAL_TYPE,
  "duty-policy": DUTY_POLICY_TYPE,
  "duty-escalation": DUTY_ESCALATION_TYPE,
  "duty-reveal": DUTY_REVEAL_TYPE,
};

/**
 * The kinds a party may relay: objects it did not create (no created_by_ref, or one naming an identity
 * that is not a party of the node), signed by the relaying party with its own signer_ref. Tocsin's own
 * kinds (warnings, receipts, assessments, actions, resolutions, reveals, escalations, boards) are
 * statements of their author and are never relayed: for them signer_ref is always created_by_ref.
 */
export const RELAYABLE_KINDS: ReadonlySet<RecordKind> = new Set<RecordKind>(["other", "identity"]);

/** May this object carry a signature by someone other than its created_by_ref (a relay)? */
export function isRelayable(obj: unknown): boolean {
  return RELAYABLE_KINDS.has(recordKindOf(obj));
}

function extensionOf(obj: Record<string, unknown>, extId: string): Record<string, unknown> | undefined {
  const exts = obj.extensions;
  if (!isPlainObject(exts)) return undefined;
  const ext = exts[extId];
  return isPlainObject(ext) ? ext : undefined;
}

function firstReportRef(obj: Record<string, unknown>): string | undefined {
  const refs = obj.object_refs;
  if (!Array.isArray(refs)) return undefined;
  return refs.find((r): r is string => isStixId(r, "report"));
}

/**
 * Classifies a STIX object by shape only (nothing is validated or verified here):
 * a `report` with the warning extension is a warning; an `opinion` whose object_refs include a report
 * id is an assessment; a `course-of-action` with the action extension an action; a `note` with the
 * resolution extension a resolution; the `x-tocsin-*` types are receipts, reveals and escalations; an
 * `identity` is a party. Anything else, including a plain report or note, is `other`.
 */
export function recordKindOf(obj: unknown): RecordKind {
  if (!isPlainObject(obj)) return "other";
  switch (obj.type) {
    case "report":
      return extensionOf(obj, WARNING_EXT) !== undefined ? "warning" : "other";
    case RECEIPT_TYPE:
      return "receipt";
    case REVEAL_TYPE:
      return "reveal";
    case ESCALATION_TYPE:
      return "escalation";
    case KEY_EVENT_TYPE:
      // A change of a party's keys or tokens (key transparency).
      return "key-event";
    case WITNESS_ALARM_TYPE:
      // A node's proof that a log showed two histories (witness alarms, docs/federation.md).
      return "witness-alarm";
    // The duty to warn (ICD 191): determinations and what follows from them.
    case DETERMINATION_TYPE:
      return "determination";
    case DUTY_DECISION_TYPE:
      return "duty-decision";
    case DUTY_APPROVAL_TYPE:
      return "duty-approval";
    case DUTY_POLICY_TYPE:
      return "duty-policy";
    case DUTY_ESCALATION_TYPE:
      return "duty-escalation";
    case DUTY_REVEAL_TYPE:
      return "duty-reveal";
    case "opinion":
      return firstReportRef(obj) !== undefined ? "assessment" : "other";
    case "course-of-action":
      return extensionOf(obj, ACTION_EXT) !== undefined ? "action" : "other";
    case "note":
      return extensionOf(obj, RESOLUTION_EXT) !== undefined ? "resolution" : "other";
    case "identity":
      return "identity";
    case "grouping":
      // An attribution (ACH) board version.
      return extensionOf(obj, BOARD_EXT) !== undefined ? "attribution-board" : "other";
    default:
      return "other";
  }
}

/**
 * The id of the warning a record is about: a warning's own id; `warning_ref` of a receipt, reveal or
 * escalation, or of the action / resolution extension; for an assessment, the first report id in its
 * object_refs. Undefined for other records, or when the reference is not a report id.
 */
export function warningRefOf(obj: unknown): string | undefined {
  const kind = recordKindOf(obj);
  const o = obj as Record<string, unknown>;
  let ref: unknown;
  switch (kind) {
    case "warning":
      ref = o.id;
      break;
    case "receipt":
    case "reveal":
    case "escalation":
      ref = o.warning_ref;
      break;
    case "action":
      ref = extensionOf(o, ACTION_EXT)?.warning_ref;
      break;
    case "resolution":
      ref = extensionOf(o, RESOLUTION_EXT)?.warning_ref;
      break;
    case "assessment":
      ref = firstReportRef(o);
      break;
    default:
      return undefined;
  }
  return isStixId(ref, "report") ? ref : undefined;
}
