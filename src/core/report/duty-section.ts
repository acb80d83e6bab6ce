import type { DutySummary } from "../bundle/index.js";
import type { DutyTrackRecord } from "../duty/index.js";
import { DISMISSING_OPINIONS } from "../scoring/recipient-record.js";
import type { AuditedEntry } from "../bundle/index.js";

/**
 * The report's duty-to-warn section, as sentences: "the duty to warn: determined on D, warned on W
 * (sanitised, delivered via X, acknowledged by R at T), approved by A" or "… waived on ground G,
 * approved by A", or never decided and escalated. One sentence per determination; the warning's own
 * comes from its bundle (checked offline), the source's others from the node (under TLP).
 */

/** One determination, as the report states it. */
export interface DutyCaseLine {
  readonly determinedAt: string;
  readonly deadline: string;
  readonly outcome:
    | {
        readonly kind: "warn";
        /** When the (first) warning was logged. */
        readonly at: string;
        /** When the warn decision was logged. */
        readonly decidedAt: string;
        readonly late: boolean;
        readonly channel: string;
        readonly approvers: readonly string[];
        /** Receipts of the warning(s); `capAck` when the receipt was imported from an OASIS CAP 1.2 Ack. */
        readonly acknowledgements: readonly { readonly by: string; readonly at: string; readonly capAck?: boolean }[];
        readonly dismissedBy: readonly string[];
        /** The warning's commitment to the determination opened (checked offline, or by the node). */
        readonly linkVerified: boolean | undefined;
      }
    | {
        readonly kind: "waive";
        readonly at: string;
        readonly late: boolean;
        readonly ground: string;
        readonly groundLabel: string;
        readonly approvers: readonly string[];
        readonly sealed: boolean;
        readonly revealedTo: readonly string[];
      }
    | { readonly kind: "undecided"; readonly escalatedAt: string | undefined };
}

export interface DutySection {
  /** The determination this warning discharged (from the bundle). */
  readonly thisWarning?: DutyCaseLine;
  /** The source's determinations the reader may see, with its duty-to-warn record (made on the node only). */
  readonly source?: { readonly record: DutyTrackRecord; readonly cases: readonly DutyCaseLine[] };
}

const day = (t: string): string => t.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
const list = (xs: readonly string[]): string => (xs.length ? xs.join(", ") : "nobody");

export function dutySentence(c: DutyCaseLine): string {
  const head = `the duty to warn: determined on ${day(c.determinedAt)}`;
  const o = c.outcome;
  if (o.kind === "warn") {
    const acks = o.acknowledgements.length ? o.acknowledgements.map((a) => `acknowledged by ${a.by} at ${day(a.at)}${a.capAck ? " (as a CAP Ack)" : ""}`).join(", ") : "no acknowledgement on record";
    const dismissed = o.dismissedBy.length ? `, dismissed by ${o.dismissedBy.join(", ")}` : "";
    const link = o.linkVerified === undefined ? "" : o.linkVerified ? "; the warning's commitment to the determination verifies" : "; THE WARNING DOES NOT COMMIT TO THE DETERMINATION";
    return `${head}, warned on ${day(o.at)} (sanitised, delivered via ${o.channel}, ${acks}${dismissed}), decision logged ${day(o.decidedAt)}${o.late ? " (after its deadline)" : ""}, approved by ${list(o.approvers)}${link}`;
  }
  if (o.kind === "waive") {
    const sealed = o.sealed ? `; reasons sealed${o.revealedTo.length ? `, revealed to ${o.revealedTo.join(", ")}` : ""}` : "";
    return `${head}, waived on ${day(o.at)}${o.late ? " (after its deadline)" : ""} on ground ${o.ground} (${o.groundLabel}), approved by ${list(o.approvers)}${sealed}`;
  }
  return `${head}, never decided by its deadline ${day(c.deadline)}${o.escalatedAt ? `; escalated by the node at ${day(o.escalatedAt)}` : ""}`;
}

/** The line of the determination a bundle's warning discharged, from the offline audit. */
export function dutyLineFromAudit(d: DutySummary, timeline: readonly AuditedEntry[], nameOf: (id: string) => string): DutyCaseLine {
  const decision = d.decision;
  if (!decision) return { determinedAt: d.determinedAt, deadline: d.deadline, outcome: { kind: "undecided", escalatedAt: d.escalatedAt } };
  if (decision.kind === "waive") {
    return {
      determinedAt: d.determinedAt,
      deadline: d.deadline,
      outcome: {
        kind: "waive",
        at: decision.decidedAt,
        late: decision.late,
        ground: decision.ground ?? "",
        groundLabel: decision.groundLabel ?? "",
        approvers: decision.approvals.map((a) => nameOf(a.party)),
        sealed: decision.sealed,
        revealedTo: d.reveals.filter((r) => r.opens).flatMap((r) => r.to.map(nameOf)),
      },
    };
  }
  // Acknowledgements: the receipts of the warning (a CAP Ack imported as a receipt is one too).
  const acknowledgements = timeline.filter((t) => t.kind === "receipt" && t.signature === "verified").map((t) => ({ by: t.authorName ?? t.author, at: t.loggedAt ?? t.created }));
  const dismissedBy = timeline
    .filter((t) => t.kind === "assessment" && t.signature === "verified" && DISMISSING_OPINIONS.includes(String(t.facts.opinion) as never))
    .map((t) => t.authorName ?? t.author);
  return {
    determinedAt: d.determinedAt,
    deadline: d.deadline,
    outcome: {
      kind: "warn",
      at: timeline.find((t) => t.kind === "warning")?.loggedAt ?? decision.decidedAt,
      decidedAt: decision.decidedAt,
      late: decision.late,
      channel: decision.channel ?? "",
      approvers: decision.approvals.map((a) => nameOf(a.party)),
      acknowledgements,
      dismissedBy: [...new Set(dismissedBy)],
      linkVerified: decision.linkVerified,
    },
  };
}
