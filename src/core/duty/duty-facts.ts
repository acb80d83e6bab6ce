import { fromBase64 } from "../crypto/index.js";

/*
 * What the duty-to-warn rules need of each record, read from its signed STIX body (the schemas in
 * schemas/tocsin/*-v1.json have already checked the shapes) plus what only the log knows: the record's
 * author (its signer), its digest and when the node logged it (milliseconds; the node's clock is the only
 * one that judges deadlines, as for warnings: docs/lifecycle.md, "Which clock is trusted").
 */

type Obj = Record<string, unknown>;

export type DutyDecisionKind = "warn" | "waive";

/** What every logged record brings. */
export interface LoggedFacts {
  readonly id: string;
  readonly author: string;
  /** The record digest (formats §2.4), lowercase hex. */
  readonly digest: string;
  readonly loggedAt: number;
}

export interface DeterminationFacts extends LoggedFacts {
  readonly created: number;
  readonly deadline: number;
  readonly reviewers: readonly string[];
  readonly threat: string;
  readonly intendedVictims: readonly string[];
  readonly specificity: string;
  readonly credibility: string;
}

export interface DecisionLink {
  readonly warning: string;
  readonly commitmentId: string;
  readonly salt: Uint8Array;
}

export interface DecisionFacts extends LoggedFacts {
  readonly determination: string;
  readonly determinationDigest: string;
  readonly decision: DutyDecisionKind;
  readonly warnings: readonly string[];
  readonly channel: string | undefined;
  readonly links: readonly DecisionLink[];
  readonly ground: string | undefined;
  readonly reasons: string | undefined;
  readonly sealedReasons: string | undefined;
  readonly approvals: readonly string[];
}

export interface ApprovalFacts extends LoggedFacts {
  readonly determination: string;
  readonly determinationDigest: string;
  readonly decision: DutyDecisionKind;
  readonly ground: string | undefined;
}

export interface PolicyFacts {
  readonly warnApprovers: readonly string[];
  readonly waiveApprovers: readonly string[];
}

export interface EscalationFacts extends LoggedFacts {
  readonly determination: string;
  readonly deadline: number;
}

export interface RevealFacts extends LoggedFacts {
  readonly decision: string;
  readonly salt: Uint8Array;
  readonly reasons: string;
  readonly reviewers: readonly string[];
}

/** A warning as the link check sees it: who wrote it and the commitments of all its versions. */
export interface WarningCommitments {
  readonly id: string;
  readonly author: string;
  readonly commitments: ReadonlyMap<string, string>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function determinationFacts(obj: Obj, logged: LoggedFacts): DeterminationFacts {
  return {
    ...logged,
    created: Date.parse(String(obj.created)),
    deadline: Date.parse(String(obj.deadline)),
    reviewers: strings(obj.reviewer_refs),
    threat: String(obj.threat),
    intendedVictims: strings(obj.intended_victims),
    specificity: String(obj.specificity),
    credibility: String(obj.credibility),
  };
}

export function decisionFacts(obj: Obj, logged: LoggedFacts): DecisionFacts {
  const links = Array.isArray(obj.links) ? (obj.links as Obj[]) : [];
  return {
    ...logged,
    determination: String(obj.determination_ref),
    determinationDigest: String(obj.determination_digest),
    decision: obj.decision === "waive" ? "waive" : "warn",
    warnings: strings(obj.warning_refs),
    channel: str(obj.channel),
    links: links.map((l) => ({ warning: String(l.warning_ref), commitmentId: String(l.commitment_id), salt: fromBase64(String(l.salt)) ?? new Uint8Array() })),
    ground: str(obj.ground),
    reasons: str(obj.reasons),
    sealedReasons: str(obj.sealed_reasons),
    approvals: strings(obj.approval_refs),
  };
}

export function approvalFacts(obj: Obj, logged: LoggedFacts): ApprovalFacts {
  return {
    ...logged,
    determination: String(obj.determination_ref),
    determinationDigest: String(obj.determination_digest),
    decision: obj.decision === "waive" ? "waive" : "warn",
    ground: str(obj.ground),
  };
}

export function policyFacts(obj: Obj): PolicyFacts {
  return { warnApprovers: strings(obj.warn_approver_refs), waiveApprovers: strings(obj.waive_approver_refs) };
}

export function escalationFacts(obj: Obj, logged: LoggedFacts): EscalationFacts {
  return { ...logged, determination: String(obj.determination_ref), deadline: Date.parse(String(obj.deadline)) };
}

export function revealFacts(obj: Obj, logged: LoggedFacts): RevealFacts {
  return { ...logged, decision: String(obj.decision_ref), salt: fromBase64(String(obj.salt)) ?? new Uint8Array(), reasons: String(obj.reasons), reviewers: strings(obj.reviewer_refs) };
}
