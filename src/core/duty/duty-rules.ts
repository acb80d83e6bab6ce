import { DutyError } from "./duty-errors.js";
import type { ApprovalFacts, DecisionFacts, DeterminationFacts, EscalationFacts, PolicyFacts, RevealFacts, WarningCommitments } from "./duty-facts.js";
import { waiverGround } from "./waiver-grounds.js";
import { linkOpens, reasonsOpen } from "./warning-link.js";

/*
 * The duty-to-warn rules, pure: each function checks one new record against what the log already holds
 * about its determination and throws the first rule it breaks as a DutyError (one code per rule; the
 * table in docs/duty-to-warn.md). The caller (the admission's kind rules) gathers the facts; nothing
 * here reads a clock or a store. Records are judged in log order, as the lifecycle judges warnings.
 */

/** Everything logged so far about one determination. */
export interface DutyCase {
  readonly determination: DeterminationFacts;
  readonly approvals: readonly ApprovalFacts[];
  readonly decision: DecisionFacts | undefined;
  readonly escalations: readonly EscalationFacts[];
  readonly reveals: readonly RevealFacts[];
}

const fail = (code: ConstructorParameters<typeof DutyError>[0], message: string, details?: Record<string, unknown>): never => {
  throw new DutyError(code, message, details === undefined ? {} : { details });
};

/** A determination: its deadline must be after its own `created` (a deadline at creation could never be met). */
export function checkDetermination(d: Pick<DeterminationFacts, "created" | "deadline">): void {
  if (!(d.deadline > d.created)) fail("DUTY_RECORD_INVALID", "the deadline to warn or waive must be after the determination's created", { property: "deadline" });
}

/** A new version of a determination: only until it is decided (a decision names the version it decided). */
export function checkDeterminationVersion(c: DutyCase | undefined, d: Pick<DeterminationFacts, "created" | "deadline">): void {
  checkDetermination(d);
  if (c?.decision) fail("DUTY_ALREADY_DECIDED", "the determination is decided: it can no longer change", { determination: c.determination.id });
}

function checkGround(ground: string | undefined): void {
  if (ground === undefined || waiverGround(ground) === undefined) fail("DUTY_UNKNOWN_GROUND", `${ground ?? "(none)"} is not a ground of ICD 191`, { ground: ground ?? null });
}

function checkTarget(c: DutyCase | undefined, determination: string, digest: string): DutyCase {
  if (!c) return fail("DUTY_DETERMINATION_NOT_FOUND", `no determination ${determination}`, { property: "determination_ref" });
  if (c.determination.digest !== digest) fail("DUTY_DIGEST_MISMATCH", "determination_digest is not the determination's latest version", { property: "determination_digest" });
  if (c.decision) fail("DUTY_ALREADY_DECIDED", `${determination} was decided by ${c.decision.id}`, { decision: c.decision.id });
  return c;
}

/** An approval: of the latest version of an undecided determination, by someone other than its author. */
export function checkApproval(c: DutyCase | undefined, a: ApprovalFacts): void {
  const k = checkTarget(c, a.determination, a.determinationDigest);
  if (a.author === k.determination.author) fail("DUTY_NOT_APPROVER", "the determination's author cannot approve its own decision");
  if (a.decision === "waive") checkGround(a.ground);
}

/** The approvers a decision still lacks under the policy (none when the policy requires none). */
export function missingApprovers(policy: PolicyFacts | undefined, decision: "warn" | "waive", approvers: ReadonlySet<string>): string[] {
  const required = decision === "warn" ? (policy?.warnApprovers ?? []) : (policy?.waiveApprovers ?? []);
  return required.filter((p) => !approvers.has(p));
}

/**
 * A decision: by the determination's author, on its latest version, once; a waiver cites a ground of
 * the closed list with its reasons either in clear or sealed; a warn names its warnings, each by the
 * same author and carrying a commitment that opens to the determination's digest; every approval it
 * lists approves exactly this decision, and together they cover what the author's policy requires.
 */
export function checkDecision(c: DutyCase | undefined, d: DecisionFacts, policy: PolicyFacts | undefined, warnings: ReadonlyMap<string, WarningCommitments>): void {
  if (!c) return fail("DUTY_DETERMINATION_NOT_FOUND", `no determination ${d.determination}`, { property: "determination_ref" });
  if (d.author !== c.determination.author) fail("DUTY_NOT_AUTHOR", "only the determination's author decides it");
  const k = checkTarget(c, d.determination, d.determinationDigest);
  if (d.decision === "waive") {
    checkGround(d.ground);
    if ((d.reasons === undefined) === (d.sealedReasons === undefined)) {
      fail("DUTY_RECORD_INVALID", "a waiver states its reasons either in clear (reasons) or sealed (sealed_reasons), not both or neither", { property: "reasons" });
    }
  } else {
    if (d.warnings.length === 0 || d.channel === undefined) fail("DUTY_RECORD_INVALID", "a warn decision names its warnings and delivery channel", { property: "warning_refs" });
    const linked = new Set(d.links.map((l) => l.warning));
    const unlinked = d.warnings.filter((w) => !linked.has(w));
    if (unlinked.length > 0 || d.links.some((l) => !d.warnings.includes(l.warning))) {
      fail("DUTY_RECORD_INVALID", "every warning of a warn decision has exactly its link, and every link names one of its warnings", { unlinked });
    }
    for (const l of d.links) {
      const w = warnings.get(l.warning);
      if (!w) fail("DUTY_WARNING_NOT_FOUND", `no warning ${l.warning}`, { warning: l.warning });
      if (w!.author !== k.determination.author) fail("DUTY_WARNING_NOT_DERIVED", `${l.warning} is not by the determination's author`, { warning: l.warning });
      const committed = w!.commitments.get(l.commitmentId);
      if (committed === undefined || !linkOpens(committed, l.salt, k.determination.digest)) {
        fail("DUTY_WARNING_NOT_DERIVED", `${l.warning} does not commit to this determination`, { warning: l.warning, commitment_id: l.commitmentId });
      }
    }
  }
  const approvers = new Set<string>();
  for (const ref of d.approvals) {
    const a = k.approvals.find((x) => x.id === ref);
    if (!a || a.decision !== d.decision || a.determinationDigest !== d.determinationDigest || (d.decision === "waive" && a.ground !== d.ground)) {
      fail("DUTY_APPROVAL_MISMATCH", `${ref} does not approve this decision`, { approval: ref });
    }
    approvers.add(a!.author);
  }
  const missing = missingApprovers(policy, d.decision, approvers);
  if (missing.length > 0) fail("DUTY_APPROVALS_MISSING", `the policy requires approvals from ${missing.join(", ")}`, { missing });
}

/**
 * The node's escalation: by the node, naming the determination's deadline, once that deadline has
 * passed (by the node's clock: `loggedAt`), and only while the determination is undecided.
 */
export function checkDutyEscalation(c: DutyCase | undefined, e: EscalationFacts, nodeIdentity: string): void {
  if (!c) return fail("DUTY_DETERMINATION_NOT_FOUND", `no determination ${e.determination}`, { property: "determination_ref" });
  if (e.author !== nodeIdentity) fail("DUTY_NOT_AUTHOR", "only the node escalates a determination");
  if (c.escalations.length > 0) fail("DUTY_DUPLICATE_ESCALATION", `${e.determination} was already escalated`);
  if (e.deadline !== c.determination.deadline || c.determination.deadline > e.loggedAt || c.decision) {
    fail("DUTY_ESCALATION_NOT_DUE", "the determination is decided, or its deadline has not passed or is another", { deadline: new Date(c.determination.deadline).toISOString() });
  }
}

/** A reveal: by the decision's author, of a sealed waiver, with reasons and salt that open it. */
export function checkDutyReveal(decision: DecisionFacts | undefined, r: RevealFacts): void {
  if (!decision) return fail("DUTY_DECISION_NOT_FOUND", `no decision ${r.decision}`, { property: "decision_ref" });
  if (r.author !== decision.author) fail("DUTY_NOT_AUTHOR", "only the waiver's author reveals its reasons");
  if (decision.sealedReasons === undefined) fail("DUTY_NOT_SEALED", `${decision.id} sealed no reasons`);
  if (!reasonsOpen(decision.sealedReasons!, r.salt, r.reasons)) fail("DUTY_REVEAL_MISMATCH", "the reasons and salt do not open the sealed reasons");
}

/** Where a determination stands at `now` (milliseconds, the node's clock). */
export type DutyState = "open" | "overdue" | "warned" | "waived";

export interface DutyStatus {
  readonly state: DutyState;
  /** The decision was logged at or after the deadline (or there is none and the deadline passed). */
  readonly late: boolean;
  readonly escalated: boolean;
}

/** A deadline is the instant at which it is too late, as for warnings (docs/lifecycle.md, "Deadline boundary"). */
export function dutyStatus(c: DutyCase, now: number): DutyStatus {
  const deadline = c.determination.deadline;
  const escalated = c.escalations.length > 0;
  if (c.decision) return { state: c.decision.decision === "warn" ? "warned" : "waived", late: c.decision.loggedAt >= deadline, escalated };
  const overdue = deadline <= now;
  return { state: overdue ? "overdue" : "open", late: overdue, escalated };
}

/** Is the escalation owed now? (Undecided, deadline passed, not yet escalated.) */
export function escalationDue(c: DutyCase, now: number): boolean {
  return !c.decision && c.escalations.length === 0 && c.determination.deadline <= now;
}
