import { randomUUID } from "node:crypto";
import { fromHex, toBase64 } from "../core/crypto/bytes.js";
import { DETERMINATION_LINK_COMMITMENT_ID, sealedReasonsDigest } from "../core/duty/index.js";
import {
  DETERMINATION_EXT,
  DETERMINATION_TYPE,
  DUTY_APPROVAL_EXT,
  DUTY_APPROVAL_TYPE,
  DUTY_DECISION_EXT,
  DUTY_DECISION_TYPE,
  DUTY_POLICY_EXT,
  DUTY_POLICY_TYPE,
  DUTY_REVEAL_EXT,
  DUTY_REVEAL_TYPE,
  commitmentDigest,
  recordDigestHex,
  type StixObject,
} from "../core/record/index.js";
import { tlpMarkingId, type TlpLevel } from "../core/tlp/index.js";
import { newSalt, sign, type Author, type SealedEvidence } from "./record-builders.js";

/*
 * Building the duty-to-warn records (docs/duty-to-warn.md) as a party's client does: plain STIX 2.1
 * objects of Tocsin's new SDO types, signed in place with the author's key (a custodial author's are
 * left unsigned: its node signs). Times are milliseconds since the epoch.
 */

const iso = (ms: number): string => new Date(ms).toISOString();

function common(type: string, author: Author, at: number, tlp: TlpLevel | undefined, ext: string): StixObject {
  return {
    type,
    spec_version: "2.1",
    id: `${type}--${randomUUID()}`,
    created: iso(at),
    modified: iso(at),
    created_by_ref: author.id,
    ...(tlp ? { object_marking_refs: [tlpMarkingId(tlp)] } : {}),
    extensions: { [ext]: { extension_type: "new-sdo" } },
  };
}

export interface DeterminationInput {
  readonly at: number;
  readonly threat: "intentional-killing" | "serious-bodily-injury" | "kidnapping";
  readonly intendedVictims: readonly string[];
  readonly victimRefs?: readonly string[];
  readonly specificity: "identified" | "identifiable";
  readonly credibility: "high" | "medium" | "low";
  readonly summary?: string;
  /** The underlying evidence, sealed: only SHA-256(salt ‖ evidence) is logged (formats §2.6). */
  readonly evidence?: readonly SealedEvidence[];
  readonly deadline: number;
  readonly reviewers?: readonly string[];
  /** Default RED: a determination is for its author and reviewers only. */
  readonly tlp?: TlpLevel;
}

export function buildDetermination(author: Author, d: DeterminationInput): StixObject {
  return sign(
    {
      ...common(DETERMINATION_TYPE, author, d.at, d.tlp ?? "RED", DETERMINATION_EXT),
      threat: d.threat,
      intended_victims: [...d.intendedVictims],
      ...(d.victimRefs?.length ? { victim_refs: [...d.victimRefs] } : {}),
      specificity: d.specificity,
      credibility: d.credibility,
      ...(d.summary ? { summary: d.summary } : {}),
      ...(d.evidence?.length
        ? { commitments: d.evidence.map((c) => ({ commitment_id: c.id, digest: commitmentDigest(c.salt, c.evidence), ...(c.description ? { description: c.description } : {}) })) }
        : {}),
      deadline: iso(d.deadline),
      ...(d.reviewers?.length ? { reviewer_refs: [...d.reviewers] } : {}),
    },
    author,
  );
}

/**
 * The commitment a sanitised warning carries to link it to a determination: sealed evidence whose bytes
 * are the determination's record digest. Pass it among the warning's `commitments`; keep its salt for
 * the warn decision.
 */
export function determinationLink(determination: StixObject, id = DETERMINATION_LINK_COMMITMENT_ID): SealedEvidence {
  return { id, salt: newSalt(), evidence: fromHex(recordDigestHex(determination))!, description: "links this warning to the determination it discharges" };
}

export interface WarnDecisionInput {
  readonly at: number;
  readonly determination: StixObject;
  /** Each warning issued, with the link it carries. */
  readonly warnings: readonly { readonly id: string; readonly link: SealedEvidence }[];
  readonly channel: string;
  readonly approvals?: readonly string[];
  readonly tlp?: TlpLevel;
}

export function buildWarnDecision(author: Author, d: WarnDecisionInput): StixObject {
  return sign(
    {
      ...common(DUTY_DECISION_TYPE, author, d.at, d.tlp ?? tlpOf(d.determination), DUTY_DECISION_EXT),
      determination_ref: d.determination.id,
      determination_digest: recordDigestHex(d.determination),
      decision: "warn",
      warning_refs: d.warnings.map((w) => w.id),
      channel: d.channel,
      links: d.warnings.map((w) => ({ warning_ref: w.id, commitment_id: w.link.id, salt: toBase64(w.link.salt) })),
      ...(d.approvals?.length ? { approval_refs: [...d.approvals] } : {}),
    },
    author,
  );
}

export interface WaiveDecisionInput {
  readonly at: number;
  readonly determination: StixObject;
  readonly ground: string;
  readonly reasons: string;
  /** Seal the reasons: only SHA-256(salt ‖ reasons) is logged; keep the salt to reveal them to a reviewer. */
  readonly sealWith?: Uint8Array;
  readonly approvals?: readonly string[];
  readonly tlp?: TlpLevel;
}

export function buildWaiveDecision(author: Author, d: WaiveDecisionInput): StixObject {
  return sign(
    {
      ...common(DUTY_DECISION_TYPE, author, d.at, d.tlp ?? tlpOf(d.determination), DUTY_DECISION_EXT),
      determination_ref: d.determination.id,
      determination_digest: recordDigestHex(d.determination),
      decision: "waive",
      ground: d.ground,
      ...(d.sealWith ? { sealed_reasons: sealedReasonsDigest(d.sealWith, d.reasons) } : { reasons: d.reasons }),
      ...(d.approvals?.length ? { approval_refs: [...d.approvals] } : {}),
    },
    author,
  );
}

export function buildDutyApproval(author: Author, at: number, determination: StixObject, decision: "warn" | "waive", ground?: string, tlp?: TlpLevel): StixObject {
  return sign(
    {
      ...common(DUTY_APPROVAL_TYPE, author, at, tlp ?? tlpOf(determination), DUTY_APPROVAL_EXT),
      determination_ref: determination.id,
      determination_digest: recordDigestHex(determination),
      decision,
      ...(decision === "waive" && ground !== undefined ? { ground } : {}),
    },
    author,
  );
}

export function buildDutyPolicy(author: Author, at: number, p: { warnApprovers?: readonly string[]; waiveApprovers?: readonly string[] }, tlp: TlpLevel = "CLEAR"): StixObject {
  return sign(
    {
      ...common(DUTY_POLICY_TYPE, author, at, tlp, DUTY_POLICY_EXT),
      ...(p.warnApprovers?.length ? { warn_approver_refs: [...p.warnApprovers] } : {}),
      ...(p.waiveApprovers?.length ? { waive_approver_refs: [...p.waiveApprovers] } : {}),
    },
    author,
  );
}

export function buildDutyReveal(author: Author, at: number, decisionId: string, salt: Uint8Array, reasons: string, reviewers: readonly string[], tlp: TlpLevel = "RED"): StixObject {
  return sign(
    {
      ...common(DUTY_REVEAL_TYPE, author, at, tlp, DUTY_REVEAL_EXT),
      decision_ref: decisionId,
      salt: toBase64(salt),
      reasons,
      reviewer_refs: [...reviewers],
    },
    author,
  );
}

/** A duty record follows its determination's TLP level unless told otherwise. */
function tlpOf(determination: StixObject): TlpLevel | undefined {
  const refs = (determination.object_marking_refs as string[] | undefined) ?? [];
  for (const level of ["RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"] as const) if (refs.includes(tlpMarkingId(level))) return level;
  return undefined;
}
