import { toHex } from "../core/crypto/bytes.js";
import {
  approvalFacts,
  decisionFacts,
  determinationFacts,
  escalationFacts,
  policyFacts,
  revealFacts,
  type DutyCase,
  type LoggedFacts,
  type PolicyFacts,
  type WarningCommitments,
} from "../core/duty/index.js";
import {
  DETERMINATION_TYPE,
  DUTY_APPROVAL_TYPE,
  DUTY_DECISION_TYPE,
  DUTY_ESCALATION_TYPE,
  DUTY_POLICY_TYPE,
  DUTY_REVEAL_TYPE,
  WARNING_EXT,
} from "../core/record/index.js";
import type { Store, StoredRecord } from "../store/store.js";

type Obj = Record<string, unknown>;

const DUTY_TYPES = [DETERMINATION_TYPE, DUTY_DECISION_TYPE, DUTY_APPROVAL_TYPE, DUTY_POLICY_TYPE, DUTY_ESCALATION_TYPE, DUTY_REVEAL_TYPE];
const PAGE = 5000;

/** One determination with everything logged about it: the facts the rules judge, and the stored records. */
export interface DutyCaseRecords {
  readonly case: DutyCase;
  /** Every stored record of the case (each version of the determination too), in log order. */
  readonly records: readonly StoredRecord[];
}

/** Every duty-to-warn record folded in log order: the cases by determination id, and each author's policies. */
export interface DutyFold {
  readonly cases: ReadonlyMap<string, DutyCaseRecords>;
  /** Each author's policies in log order (the latest logged before a decision governs it). */
  readonly policies: ReadonlyMap<string, readonly { logIndex: number; policy: PolicyFacts }[]>;
}

export function loggedFacts(r: StoredRecord): LoggedFacts {
  return { id: r.id, author: r.author, digest: toHex(r.digest), loggedAt: Date.parse(r.loggedAt) };
}

/**
 * The duty-to-warn records as the log holds them. Nothing about a determination is stored anywhere but
 * in its signed records (no table of its own): one scan of the duty records' types, folded in log
 * order, is the whole truth, as for attribution boards. Determinations are few beside warnings.
 */
export class DutyLedger {
  constructor(private readonly store: Store) {}

  /** Every duty record, in log order. */
  async records(): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    for (let after = -1; ; ) {
      const page = await this.store.listRecords({ types: DUTY_TYPES, addedAfterUs: after, limit: PAGE });
      out.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.addedUs;
    }
    return out.sort((a, b) => a.logIndex - b.logIndex);
  }

  async fold(): Promise<DutyFold> {
    return foldDutyRecords(await this.records());
  }

  /** The author's policy in force at log index `before` (undefined: it never logged one). */
  static policyAt(fold: DutyFold, author: string, before = Number.MAX_SAFE_INTEGER): PolicyFacts | undefined {
    return fold.policies.get(author)?.filter((p) => p.logIndex < before).at(-1)?.policy;
  }

  /** A warning's author and the commitments of all its versions (undefined: not logged here). */
  async warningCommitments(id: string): Promise<WarningCommitments | undefined> {
    const versions = (await this.store.recordVersions(id)).filter((v) => v.kind === "warning");
    if (versions.length === 0) return undefined;
    const commitments = new Map<string, string>();
    for (const v of versions) {
      const ext = (JSON.parse(v.body) as Obj).extensions as Record<string, { commitments?: { commitment_id: string; digest: string }[] }> | undefined;
      for (const c of ext?.[WARNING_EXT]?.commitments ?? []) if (!commitments.has(c.commitment_id)) commitments.set(c.commitment_id, c.digest);
    }
    return { id, author: versions[0]!.author, commitments };
  }
}

/** Folds duty records (in log order) into cases and policies. */
export function foldDutyRecords(records: readonly StoredRecord[]): DutyFold {
  type Mutable = { case: { -readonly [K in keyof DutyCase]: DutyCase[K] }; records: StoredRecord[] };
  const cases = new Map<string, Mutable>();
  const decisions = new Map<string, string>(); // decision id → determination id
  const policies = new Map<string, { logIndex: number; policy: PolicyFacts }[]>();
  for (const r of records) {
    const obj = JSON.parse(r.body) as Obj;
    const logged = loggedFacts(r);
    switch (r.kind) {
      case "determination": {
        const existing = cases.get(r.id);
        const determination = determinationFacts(obj, logged);
        if (existing) {
          existing.case.determination = determination;
          existing.records.push(r);
        } else cases.set(r.id, { case: { determination, approvals: [], decision: undefined, escalations: [], reveals: [] }, records: [r] });
        break;
      }
      case "duty-approval":
      case "duty-decision":
      case "duty-escalation": {
        const c = cases.get(String(obj.determination_ref));
        if (!c) break;
        c.records.push(r);
        if (r.kind === "duty-approval") c.case.approvals = [...c.case.approvals, approvalFacts(obj, logged)];
        else if (r.kind === "duty-escalation") c.case.escalations = [...c.case.escalations, escalationFacts(obj, logged)];
        else if (!c.case.decision) {
          c.case.decision = decisionFacts(obj, logged);
          decisions.set(r.id, c.case.determination.id);
        }
        break;
      }
      case "duty-reveal": {
        const c = cases.get(decisions.get(String(obj.decision_ref)) ?? "");
        if (!c) break;
        c.records.push(r);
        c.case.reveals = [...c.case.reveals, revealFacts(obj, logged)];
        break;
      }
      case "duty-policy":
        policies.set(r.author, [...(policies.get(r.author) ?? []), { logIndex: r.logIndex, policy: policyFacts(obj) }]);
        break;
    }
  }
  return { cases, policies };
}
