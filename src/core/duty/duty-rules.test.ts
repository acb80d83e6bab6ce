import { test } from "node:test";
import assert from "node:assert/strict";
import { isTocsinError } from "../errors/tocsin-error.js";
import {
  checkApproval,
  checkDecision,
  checkDetermination,
  checkDutyEscalation,
  checkDutyReveal,
  determinationLinkDigest,
  dutyStatus,
  dutyTrackRecord,
  escalationDue,
  sealedReasonsDigest,
  WAIVER_GROUND_CODES,
  type ApprovalFacts,
  type DecisionFacts,
  type DutyCase,
  type EscalationFacts,
  type PolicyFacts,
  type RevealFacts,
  type WarningCommitments,
} from "./index.js";

/*
 * Each duty-to-warn rule as a table: a base case that passes, then one variant per rule, each refused
 * with its own code. Times are milliseconds on the node's clock; D is the determination's deadline.
 */

const AUTHOR = "identity--a";
const APPROVER = "identity--b";
const OTHER = "identity--c";
const NODE = "identity--node";
const DET = "x-tocsin-determination--1";
const DIGEST = "d".repeat(64);
const T0 = 1_000_000;
const D = T0 + 3_600_000;
const SALT = new Uint8Array(32).fill(7);
const REASON_SALT = new Uint8Array(32).fill(9);
const REASONS = "warning would expose the only source";

const determination = { id: DET, author: AUTHOR, digest: DIGEST, loggedAt: T0, created: T0, deadline: D, reviewers: [APPROVER], threat: "intentional-killing", intendedVictims: ["v"], specificity: "identifiable", credibility: "high" };
const approval = (over: Partial<ApprovalFacts> = {}): ApprovalFacts => ({
  id: "x-tocsin-duty-approval--1",
  author: APPROVER,
  digest: "a".repeat(64),
  loggedAt: T0 + 10,
  determination: DET,
  determinationDigest: DIGEST,
  decision: "warn",
  ground: undefined,
  ...over,
});
const kase = (over: Partial<DutyCase> = {}): DutyCase => ({ determination, approvals: [approval()], decision: undefined, escalations: [], reveals: [], ...over });
const warnDecision = (over: Partial<DecisionFacts> = {}): DecisionFacts => ({
  id: "x-tocsin-duty-decision--1",
  author: AUTHOR,
  digest: "e".repeat(64),
  loggedAt: T0 + 20,
  determination: DET,
  determinationDigest: DIGEST,
  decision: "warn",
  warnings: ["report--w"],
  channel: "tocsin",
  links: [{ warning: "report--w", commitmentId: "duty-determination", salt: SALT }],
  ground: undefined,
  reasons: undefined,
  sealedReasons: undefined,
  approvals: ["x-tocsin-duty-approval--1"],
  ...over,
});
const waiveDecision = (over: Partial<DecisionFacts> = {}): DecisionFacts =>
  warnDecision({ decision: "waive", warnings: [], channel: undefined, links: [], ground: "endangers-sources-methods", sealedReasons: sealedReasonsDigest(REASON_SALT, REASONS), approvals: ["x-tocsin-duty-approval--2"], ...over });
const waiveApproval = approval({ id: "x-tocsin-duty-approval--2", decision: "waive", ground: "endangers-sources-methods" });
const policy: PolicyFacts = { warnApprovers: [APPROVER], waiveApprovers: [APPROVER] };
const warning = (over: Partial<WarningCommitments> = {}): WarningCommitments => ({
  id: "report--w",
  author: AUTHOR,
  commitments: new Map([["duty-determination", determinationLinkDigest(SALT, DIGEST)]]),
  ...over,
});
const warnings = (w = warning()) => new Map([[w.id, w]]);

function codeOf(fn: () => void): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (!isTocsinError(e)) throw e;
    return e.code;
  }
}

// prettier-ignore
const DECISIONS: ReadonlyArray<readonly [string, () => void, string]> = [
  ["warn, approved, linked",                        () => checkDecision(kase(), warnDecision(), policy, warnings()), "ok"],
  ["waive, approved, sealed",                       () => checkDecision(kase({ approvals: [waiveApproval] }), waiveDecision(), policy, warnings()), "ok"],
  ["waive, reasons in clear",                       () => checkDecision(kase({ approvals: [waiveApproval] }), waiveDecision({ sealedReasons: undefined, reasons: "r" }), policy, warnings()), "ok"],
  ["no policy: no approval needed",                 () => checkDecision(kase(), warnDecision({ approvals: [] }), undefined, warnings()), "ok"],
  ["unknown determination",                         () => checkDecision(undefined, warnDecision(), policy, warnings()), "DUTY_DETERMINATION_NOT_FOUND"],
  ["decided by another party",                      () => checkDecision(kase(), warnDecision({ author: OTHER }), policy, warnings()), "DUTY_NOT_AUTHOR"],
  ["names an older version",                        () => checkDecision(kase(), warnDecision({ determinationDigest: "0".repeat(64) }), policy, warnings()), "DUTY_DIGEST_MISMATCH"],
  ["second decision",                               () => checkDecision(kase({ decision: warnDecision() }), warnDecision({ id: "x-tocsin-duty-decision--2" }), policy, warnings()), "DUTY_ALREADY_DECIDED"],
  ["waive on an unknown ground",                    () => checkDecision(kase({ approvals: [waiveApproval] }), waiveDecision({ ground: "inconvenient" }), policy, warnings()), "DUTY_UNKNOWN_GROUND"],
  ["waive, both sealed and clear",                  () => checkDecision(kase({ approvals: [waiveApproval] }), waiveDecision({ reasons: "r" }), policy, warnings()), "DUTY_RECORD_INVALID"],
  ["waive, no reasons at all",                      () => checkDecision(kase({ approvals: [waiveApproval] }), waiveDecision({ sealedReasons: undefined }), policy, warnings()), "DUTY_RECORD_INVALID"],
  ["warn, no warnings",                             () => checkDecision(kase(), warnDecision({ warnings: [], links: [] }), policy, warnings()), "DUTY_RECORD_INVALID"],
  ["warn, a warning without its link",              () => checkDecision(kase(), warnDecision({ warnings: ["report--w", "report--x"] }), policy, warnings()), "DUTY_RECORD_INVALID"],
  ["warn, warning not logged",                      () => checkDecision(kase(), warnDecision(), policy, new Map()), "DUTY_WARNING_NOT_FOUND"],
  ["warn, warning by another party",                () => checkDecision(kase(), warnDecision(), policy, warnings(warning({ author: OTHER }))), "DUTY_WARNING_NOT_DERIVED"],
  ["warn, warning lacks the commitment",            () => checkDecision(kase(), warnDecision(), policy, warnings(warning({ commitments: new Map() }))), "DUTY_WARNING_NOT_DERIVED"],
  ["warn, warning commits to another determination",() => checkDecision(kase(), warnDecision(), policy, warnings(warning({ commitments: new Map([["duty-determination", determinationLinkDigest(SALT, "f".repeat(64))]]) }))), "DUTY_WARNING_NOT_DERIVED"],
  ["warn, wrong salt",                              () => checkDecision(kase(), warnDecision({ links: [{ warning: "report--w", commitmentId: "duty-determination", salt: REASON_SALT }] }), policy, warnings()), "DUTY_WARNING_NOT_DERIVED"],
  ["approval listed but unknown",                   () => checkDecision(kase({ approvals: [] }), warnDecision(), policy, warnings()), "DUTY_APPROVAL_MISMATCH"],
  ["approval of the other decision",                () => checkDecision(kase({ approvals: [waiveApproval] }), warnDecision({ approvals: [waiveApproval.id] }), policy, warnings()), "DUTY_APPROVAL_MISMATCH"],
  ["approval of another ground",                    () => checkDecision(kase({ approvals: [waiveApproval] }), waiveDecision({ ground: "no-reasonable-way" }), policy, warnings()), "DUTY_APPROVAL_MISMATCH"],
  ["approvals missing",                             () => checkDecision(kase(), warnDecision({ approvals: [] }), policy, warnings()), "DUTY_APPROVALS_MISSING"],
  ["approval by someone the policy does not name",  () => checkDecision(kase({ approvals: [approval({ author: OTHER })] }), warnDecision(), policy, warnings()), "DUTY_APPROVALS_MISSING"],
];

for (const [name, fn, code] of DECISIONS) test(`decision rule: ${name} → ${code}`, () => assert.equal(codeOf(fn), code));

// prettier-ignore
const OTHERS: ReadonlyArray<readonly [string, () => void, string]> = [
  ["determination: deadline after created",         () => checkDetermination({ created: T0, deadline: D }), "ok"],
  ["determination: deadline at created",            () => checkDetermination({ created: T0, deadline: T0 }), "DUTY_RECORD_INVALID"],
  ["approval: of an undecided determination",       () => checkApproval(kase({ approvals: [] }), approval()), "ok"],
  ["approval: by the author itself",                () => checkApproval(kase(), approval({ author: AUTHOR })), "DUTY_NOT_APPROVER"],
  ["approval: after the decision",                  () => checkApproval(kase({ decision: warnDecision() }), approval()), "DUTY_ALREADY_DECIDED"],
  ["approval: of a waiver on an unknown ground",    () => checkApproval(kase(), approval({ decision: "waive", ground: "politics" })), "DUTY_UNKNOWN_GROUND"],
  ["approval: of an unknown determination",         () => checkApproval(undefined, approval()), "DUTY_DETERMINATION_NOT_FOUND"],
  ["escalation: due",                               () => checkDutyEscalation(kase(), escalation(), NODE), "ok"],
  ["escalation: not by the node",                   () => checkDutyEscalation(kase(), escalation({ author: AUTHOR }), NODE), "DUTY_NOT_AUTHOR"],
  ["escalation: before the deadline",               () => checkDutyEscalation(kase(), escalation({ loggedAt: D - 1 }), NODE), "DUTY_ESCALATION_NOT_DUE"],
  ["escalation: at the deadline (too late then)",   () => checkDutyEscalation(kase(), escalation({ loggedAt: D }), NODE), "ok"],
  ["escalation: names another deadline",            () => checkDutyEscalation(kase(), escalation({ deadline: D + 1 }), NODE), "DUTY_ESCALATION_NOT_DUE"],
  ["escalation: already decided",                   () => checkDutyEscalation(kase({ decision: warnDecision() }), escalation(), NODE), "DUTY_ESCALATION_NOT_DUE"],
  ["escalation: twice",                             () => checkDutyEscalation(kase({ escalations: [escalation()] }), escalation(), NODE), "DUTY_DUPLICATE_ESCALATION"],
  ["reveal: opens the sealed reasons",              () => checkDutyReveal(waiveDecision(), reveal()), "ok"],
  ["reveal: other reasons",                         () => checkDutyReveal(waiveDecision(), reveal({ reasons: "something else" })), "DUTY_REVEAL_MISMATCH"],
  ["reveal: by another party",                      () => checkDutyReveal(waiveDecision(), reveal({ author: OTHER })), "DUTY_NOT_AUTHOR"],
  ["reveal: of an open waiver",                     () => checkDutyReveal(waiveDecision({ sealedReasons: undefined, reasons: "r" }), reveal()), "DUTY_NOT_SEALED"],
  ["reveal: of an unknown decision",                () => checkDutyReveal(undefined, reveal()), "DUTY_DECISION_NOT_FOUND"],
];

function escalation(over: Partial<EscalationFacts> = {}): EscalationFacts {
  return { id: "x-tocsin-duty-escalation--1", author: NODE, digest: "1".repeat(64), loggedAt: D + 5, determination: DET, deadline: D, ...over };
}
function reveal(over: Partial<RevealFacts> = {}): RevealFacts {
  return { id: "x-tocsin-duty-reveal--1", author: AUTHOR, digest: "2".repeat(64), loggedAt: D + 9, decision: "x-tocsin-duty-decision--1", salt: REASON_SALT, reasons: REASONS, reviewers: [APPROVER], ...over };
}

for (const [name, fn, code] of OTHERS) test(`rule: ${name} → ${code}`, () => assert.equal(codeOf(fn), code));

// prettier-ignore
const STATUSES: ReadonlyArray<readonly [string, DutyCase, number, string, boolean, boolean]> = [
  //  name                                  case                                                              now     state      late   escalation due
  ["undecided before the deadline",         kase(),                                                           D - 1,  "open",    false, false],
  ["undecided at the deadline",             kase(),                                                           D,      "overdue", true,  true],
  ["undecided, escalated",                  kase({ escalations: [escalation()] }),                            D + 9,  "overdue", true,  false],
  ["warned in time",                        kase({ decision: warnDecision() }),                               D + 9,  "warned",  false, false],
  ["waived after the deadline",             kase({ decision: waiveDecision({ loggedAt: D }) }),               D + 9,  "waived",  true,  false],
];

for (const [name, c, now, state, late, due] of STATUSES) {
  test(`status: ${name}`, () => {
    const s = dutyStatus(c, now);
    assert.deepEqual([s.state, s.late, escalationDue(c, now)], [state, late, due]);
  });
}

test("track record: counts by outcome and ground, late and never decided", () => {
  const cases = [
    kase({ decision: warnDecision() }),
    kase({ decision: waiveDecision() }),
    kase({ decision: waiveDecision({ loggedAt: D + 1, ground: "victim-already-aware" }) }),
    kase({ escalations: [escalation()] }),
    kase({ determination: { ...determination, deadline: D + 1_000_000 } }),
  ];
  const r = dutyTrackRecord(cases, D + 10);
  assert.deepEqual(
    { ...r, waivedByGround: undefined },
    { determinations: 5, warned: 1, waived: 2, late: 1, neverDecided: 1, open: 1, escalated: 1, waivedByGround: undefined },
  );
  assert.deepEqual(Object.keys(r.waivedByGround), [...WAIVER_GROUND_CODES]);
  assert.equal(r.waivedByGround["endangers-sources-methods"], 1);
  assert.equal(r.waivedByGround["victim-already-aware"], 1);
  assert.equal(r.waivedByGround["no-reasonable-way"], 0);
});
