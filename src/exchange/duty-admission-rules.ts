import {
  approvalFacts,
  checkApproval,
  checkDecision,
  checkDeterminationVersion,
  checkDutyEscalation,
  checkDutyReveal,
  decisionFacts,
  escalationFacts,
  revealFacts,
  type LoggedFacts,
  type WarningCommitments,
} from "../core/duty/index.js";
import { recordDigestHex, type RecordKind, type StixObject } from "../core/record/index.js";
import type { Store } from "../store/store.js";
import { DutyLedger } from "./duty-ledger.js";

type Obj = Record<string, unknown>;

/**
 * The duty-to-warn rules at admission (docs/duty-to-warn.md): each duty record, however it arrives (the
 * records API, TAXII, the duty commands), is checked against what the log already holds about its
 * determination by the pure rules of src/core/duty. A refusal stores nothing.
 *
 * What it does not do: lock a determination across a batch or across processes. Two decisions on one
 * determination admitted at the very same moment by two processes could both pass; the fold keeps the
 * first logged one as the decision (DutyLedger), and the log shows both.
 */
export class DutyAdmissionRules {
  readonly #ledger: DutyLedger;

  constructor(
    store: Store,
    private readonly nodeIdentity: string,
  ) {
    this.#ledger = new DutyLedger(store);
  }

  async check(obj: StixObject, kind: RecordKind, now: number): Promise<void> {
    if (kind !== "determination" && kind !== "duty-decision" && kind !== "duty-approval" && kind !== "duty-escalation" && kind !== "duty-reveal") return;
    const o = obj as Obj;
    // The record as it will be logged: its signer is its created_by_ref (duty kinds are never relayed), logged now.
    const logged: LoggedFacts = { id: String(o.id), author: String(o.created_by_ref), digest: recordDigestHex(obj), loggedAt: now };
    const fold = await this.#ledger.fold();
    switch (kind) {
      case "determination":
        return checkDeterminationVersion(fold.cases.get(logged.id)?.case, { created: Date.parse(String(o.created)), deadline: Date.parse(String(o.deadline)) });
      case "duty-approval":
        return checkApproval(fold.cases.get(String(o.determination_ref))?.case, approvalFacts(o, logged));
      case "duty-escalation":
        return checkDutyEscalation(fold.cases.get(String(o.determination_ref))?.case, escalationFacts(o, logged), this.nodeIdentity);
      case "duty-reveal": {
        const decision = [...fold.cases.values()].map((c) => c.case.decision).find((d) => d?.id === o.decision_ref);
        return checkDutyReveal(decision, revealFacts(o, logged));
      }
      case "duty-decision": {
        const decision = decisionFacts(o, logged);
        const warnings = new Map<string, WarningCommitments>();
        for (const l of decision.links) {
          const w = await this.#ledger.warningCommitments(l.warning);
          if (w) warnings.set(l.warning, w);
        }
        return checkDecision(fold.cases.get(decision.determination)?.case, decision, DutyLedger.policyAt(fold, decision.author), warnings);
      }
    }
  }
}
