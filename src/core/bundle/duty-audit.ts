import { fromBase64 } from "../crypto/index.js";
import { decisionFacts, linkOpens, reasonsOpen, revealFacts, waiverGround, type LoggedFacts } from "../duty/index.js";
import { WARNING_EXT, decodeRecordLeaf, isPlainObject, leafCommitmentProblem, recordDigestHex, recordKindOf, verifyRecordSignature } from "../record/index.js";
import type { AccountabilityBundle } from "./bundle-format.js";

type Obj = Record<string, any>;

/** The duty to warn as a bundle shows it, every fact checked offline. */
export interface DutySummary {
  readonly determination: string;
  readonly author: string;
  /** When the node logged the determination (its leaf). */
  readonly determinedAt: string;
  readonly deadline: string;
  readonly decision?: {
    readonly id: string;
    readonly kind: "warn" | "waive";
    readonly decidedAt: string;
    readonly late: boolean;
    readonly channel?: string;
    readonly ground?: string;
    readonly groundLabel?: string;
    readonly sealed: boolean;
    readonly approvals: readonly { readonly party: string; readonly at: string }[];
    /** warn: this bundle's warning commits to the determination (the salt in the decision opens it). */
    readonly linkVerified?: boolean;
  };
  readonly escalatedAt?: string;
  readonly reveals: readonly { readonly to: readonly string[]; readonly at: string; readonly opens: boolean }[];
}

export interface DutyAudit {
  readonly problems: readonly { readonly subject: string; readonly message: string }[];
  readonly summary: DutySummary | undefined;
}

/**
 * The duty-to-warn part of the bundle audit: each record of `duty` must have a canonical leaf that
 * commits to it, an inclusion proof in a verified checkpoint (`included`), and a signature by its
 * author's key (`keyOf`); then the warn decision's link is opened: the warning of this bundle carries a
 * commitment that SHA-256(salt ‖ determination digest) opens, so this warning is the one that
 * discharged this determination. A bundle without `duty` has nothing to check here.
 */
export function auditDuty(
  bundle: AccountabilityBundle,
  included: (index: number, leaf: Uint8Array) => boolean,
  keyOf: (party: string, keyId: string) => Uint8Array | undefined,
): DutyAudit {
  const problems: { subject: string; message: string }[] = [];
  const entries = bundle.duty;
  if (!entries || entries.length === 0) return { problems, summary: undefined };
  const logged = new Map<string, LoggedFacts & { record: Obj }>();
  let last = -1;
  for (const e of entries) {
    const record = e.record as Obj;
    const subject = `${recordKindOf(record)} ${String(record.id)} (log index ${e.index})`;
    if (e.index <= last) problems.push({ subject, message: `out of log order (after index ${last})` });
    last = e.index;
    const bytes = fromBase64(e.leaf);
    let loggedAt = "";
    try {
      if (!bytes) throw new Error("leaf is not base64");
      const leaf = decodeRecordLeaf(bytes);
      const problem = leafCommitmentProblem(leaf, record);
      if (problem) throw new Error(problem);
      loggedAt = leaf.loggedAt;
      if (!included(e.index, bytes)) problems.push({ subject, message: "no inclusion proof in a verified checkpoint of the bundle" });
    } catch (err) {
      problems.push({ subject, message: (err as Error).message });
      continue;
    }
    try {
      verifyRecordSignature(record, keyOf);
    } catch (err) {
      problems.push({ subject, message: `signature: ${(err as Error).message}` });
      continue;
    }
    logged.set(String(record.id), { id: String(record.id), author: String(record.created_by_ref), digest: recordDigestHex(record), loggedAt: Date.parse(loggedAt), record });
  }
  const all = [...logged.values()];
  const of = (kind: string) => all.filter((x) => recordKindOf(x.record) === kind);
  const determination = of("determination").at(-1);
  if (!determination) {
    problems.push({ subject: "duty", message: "duty records without their determination" });
    return { problems, summary: undefined };
  }
  const at = (ms: number) => new Date(ms).toISOString();
  const deadline = Date.parse(String(determination.record.deadline));
  const decisionEntry = of("duty-decision").find((d) => d.record.determination_ref === determination.id);
  let decision: DutySummary["decision"];
  if (decisionEntry) {
    const d = decisionFacts(decisionEntry.record, decisionEntry);
    if (d.determinationDigest !== determination.digest) problems.push({ subject: `duty-decision ${d.id}`, message: "decides another version of the determination than the bundle carries" });
    let linkVerified: boolean | undefined;
    if (d.decision === "warn") {
      const link = d.links.find((l) => l.warning === bundle.warning);
      const commitments = bundle.records
        .filter((r) => recordKindOf(r.record) === "warning")
        .flatMap((r) => ((r.record as Obj).extensions?.[WARNING_EXT]?.commitments ?? []) as { commitment_id: string; digest: string }[]);
      const committed = link ? commitments.find((c) => c.commitment_id === link.commitmentId)?.digest : undefined;
      linkVerified = link !== undefined && committed !== undefined && linkOpens(committed, link.salt, determination.digest);
      if (!linkVerified) problems.push({ subject: `duty-decision ${d.id}`, message: `the warning ${bundle.warning} does not commit to determination ${determination.id}` });
    }
    const approvals = of("duty-approval").filter((a) => d.approvals.includes(a.id));
    decision = {
      id: d.id,
      kind: d.decision,
      decidedAt: at(d.loggedAt),
      late: d.loggedAt >= deadline,
      ...(d.channel !== undefined ? { channel: d.channel } : {}),
      ...(d.ground !== undefined ? { ground: d.ground, groundLabel: waiverGround(d.ground)?.label ?? d.ground } : {}),
      sealed: d.sealedReasons !== undefined,
      approvals: approvals.map((a) => ({ party: a.author, at: at(a.loggedAt) })),
      ...(linkVerified !== undefined ? { linkVerified } : {}),
    };
  }
  const escalation = of("duty-escalation")[0];
  const reveals = of("duty-reveal").map((r) => {
    const f = revealFacts(r.record, r);
    const sealed = decisionEntry?.record.sealed_reasons as string | undefined;
    return { to: f.reviewers, at: at(f.loggedAt), opens: sealed !== undefined && reasonsOpen(sealed, f.salt, f.reasons) };
  });
  return {
    problems,
    summary: {
      determination: determination.id,
      author: determination.author,
      determinedAt: at(of("determination")[0]!.loggedAt),
      deadline: at(deadline),
      ...(decision ? { decision } : {}),
      ...(escalation ? { escalatedAt: at(escalation.loggedAt) } : {}),
      reveals,
    },
  };
}

