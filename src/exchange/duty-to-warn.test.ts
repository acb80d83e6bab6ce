import { test } from "node:test";
import assert from "node:assert/strict";
import { utf8 } from "../core/crypto/bytes.js";
import { createHash } from "node:crypto";
import {
  buildDetermination,
  buildDutyApproval,
  buildDutyPolicy,
  buildDutyReveal,
  buildWaiveDecision,
  buildWarnDecision,
  determinationLink,
} from "../client/duty-builders.js";
import { buildAssessment, buildReceipt, buildWarning, newSalt, type SealedEvidence } from "../client/record-builders.js";
import { recordDigestHex, type StixObject } from "../core/record/index.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { auditBundle, parseBundle } from "../core/bundle/index.js";
import { warningReportHtml } from "../core/report/index.js";
import { partyReader } from "../core/tlp/index.js";
import { ExchangeReads } from "./exchange-reads.js";

/*
 * The duty to warn end to end on a real node (SQLite, HTTP on inject): the three cases of the issue —
 * warned in sanitised form within the deadline, acknowledged and dismissed; waived on a source-protection
 * ground, sealed, revealed to a reviewer; never decided and escalated by the node — and each kind of
 * bad input refused with its code, nothing stored.
 */

const HOUR = 3_600_000;
const T0 = Date.parse("2026-06-01T06:00:00.000Z");

async function admitted(h: NodeHarness, who: TestParty, record: StixObject): Promise<Record<string, any>> {
  const res = await h.post(who, record);
  assert.equal(res.statusCode, 201, res.body);
  return res.json().records[0];
}

async function refused(h: NodeHarness, who: TestParty, record: StixObject, status: number, code: string): Promise<void> {
  const size = await h.logSize();
  const res = await h.post(who, record);
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().code, code, res.body);
  assert.equal(await h.logSize(), size, "nothing logged");
  assert.deepEqual(await h.node.store.recordVersions(record.id), [], "nothing stored");
}

interface World {
  h: NodeHarness;
  clock: TestClock;
  source: TestParty;
  oversight: TestParty;
  venue: TestParty;
}

async function world(): Promise<World> {
  const clock = new TestClock(T0);
  const h = await NodeHarness.start({ clock });
  const source = await h.party("source");
  const oversight = await h.party("oversight");
  const venue = await h.party("venue");
  // The source's policy: every warn and every waiver needs the oversight's approval.
  await admitted(h, source, buildDutyPolicy(source, T0, { warnApprovers: [oversight.id], waiveApprovers: [oversight.id] }));
  return { h, clock, source, oversight, venue };
}

function determination(w: World, deadlineIn = 2 * HOUR): StixObject {
  return buildDetermination(w.source, {
    at: w.clock.now(),
    threat: "intentional-killing",
    intendedVictims: ["spectators of the final at the north stadium, gate C"],
    specificity: "identifiable",
    credibility: "high",
    evidence: [{ id: "intercept", salt: newSalt(), evidence: utf8.encode("intercept 4471: gate C, 20:40") }],
    deadline: w.clock.now() + deadlineIn,
    reviewers: [w.oversight.id],
  });
}

function sanitisedWarning(w: World, link: SealedEvidence): StixObject {
  return buildWarning(w.source, {
    at: w.clock.now(),
    name: "Credible threat to a crowd at your venue tonight",
    recipients: [w.venue.id],
    windowStart: w.clock.now(),
    windowEnd: w.clock.now() + 24 * HOUR,
    probability: 0.6,
    tlp: "AMBER",
    deadlines: { receipt: w.clock.now() + HOUR },
    commitments: [link],
  });
}

test("warned in sanitised form within the deadline: the link verifies for a reviewer, the recipient never sees the determination", async () => {
  const w = await world();
  const { h, clock, source, oversight, venue } = w;
  try {
    const det = determination(w);
    await admitted(h, source, det);
    clock.advance(10 * 60_000);
    const link = determinationLink(det);
    const warning = sanitisedWarning(w, link);
    await admitted(h, source, warning);
    const approval = buildDutyApproval(oversight, clock.now(), det, "warn");
    await admitted(h, oversight, approval);
    const decision = await admitted(h, source, buildWarnDecision(source, { at: clock.now(), determination: det, warnings: [{ id: warning.id, link }], channel: "tocsin", approvals: [approval.id] }));
    assert.equal(decision.kind, "duty-decision");
    clock.advance(5 * 60_000);
    await admitted(h, venue, buildReceipt(venue, warning, clock.now(), "AMBER"));
    await admitted(h, venue, buildAssessment(venue, warning.id, clock.now(), "strongly-disagree", "no event at our venue tonight", "AMBER"));

    const view = (await h.get(oversight, `/api/v1/duty/determinations/${det.id}`)).json();
    assert.equal(view.state, "warned");
    assert.equal(view.late, false);
    assert.equal(view.decision.channel, "tocsin");
    assert.deepEqual(view.decision.approvals.map((a: { party: string }) => a.party), [oversight.id]);
    assert.equal(view.decision.warnings[0].linkVerified, true);
    // The reviewer sees the link, not the venue's AMBER receipt; the author sees both.
    assert.deepEqual(view.decision.warnings[0].acknowledgements, []);
    const own = (await h.get(source, `/api/v1/duty/determinations/${det.id}`)).json();
    assert.deepEqual(own.decision.warnings[0].acknowledgements.map((a: { party: string }) => a.party), [venue.id]);
    assert.equal(own.decision.warnings[0].assessments[0].opinion, "strongly-disagree");

    // What a reviewer checks by hand: the warning's commitment is SHA-256(salt ‖ digest of the determination).
    const committed = (warning.extensions as any)["extension-definition--0de8ec1e-9148-4c81-950a-43f78d514dc7"].commitments.find((c: { commitment_id: string }) => c.commitment_id === link.id).digest;
    const recomputed = createHash("sha256").update(link.salt).update(Buffer.from(recordDigestHex(det), "hex")).digest("hex");
    assert.equal(committed, recomputed);

    // The recipient: the warning yes; the determination, the decision (with the salt) and the case, no.
    assert.equal((await h.get(venue, `/api/v1/records/${warning.id}`)).statusCode, 200);
    for (const id of [det.id, decision.id]) assert.equal((await h.get(venue, `/api/v1/records/${id}`)).statusCode, 404, id);
    const hidden = await h.get(venue, `/api/v1/duty/determinations/${det.id}`);
    assert.equal(hidden.statusCode, 404);
    assert.equal(hidden.json().code, "DUTY_DETERMINATION_NOT_FOUND");
    assert.deepEqual((await h.get(venue, "/api/v1/duty/determinations")).json().determinations, []);
    assert.ok(!(await h.get(venue, `/api/v1/records/${warning.id}`)).body.includes("gate C"), "the warning says less than the determination");

    // The bundle carries the determination, approval and decision with proofs; the offline audit opens the link.
    const reads = new ExchangeReads({ store: h.node.store, parties: h.node.parties, records: h.node.records, log: h.node.reader, logKey: h.node.signer });
    const { bundle, input } = await reads.report(partyReader(source.id), warning.id, new Date(clock.now()));
    assert.deepEqual(bundle.duty?.map((r) => (r.record as { type: string }).type), ["x-tocsin-determination", "x-tocsin-duty-approval", "x-tocsin-duty-decision"]);
    const audit = auditBundle(parseBundle(JSON.parse(JSON.stringify(bundle))));
    assert.ok(audit.ok, JSON.stringify(audit.problems));
    assert.equal(audit.duty?.decision?.linkVerified, true);
    const html = warningReportHtml(input);
    assert.match(html, /This warning: the duty to warn: determined on [^,]+, warned on [^(]+\(sanitised, delivered via tocsin, acknowledged by VENUE at [^,]+, dismissed by VENUE\), decision logged [^,]+, approved by OVERSIGHT; the warning&#39;s commitment to the determination verifies/);
    // Edited in transit (another salt in the decision): the audit fails, naming the duty record.
    const edited = JSON.parse(JSON.stringify(bundle));
    edited.duty[2].record.links[0].salt = Buffer.alloc(32, 1).toString("base64");
    const bad = auditBundle(parseBundle(edited));
    assert.ok(bad.problems.some((p) => p.check === "duty" && /x-tocsin-duty-decision/.test(p.subject)), JSON.stringify(bad.problems));
    // The recipient's bundle carries none of it.
    assert.equal((await reads.bundle(partyReader(venue.id), warning.id)).duty, undefined);

    // The track record's duty-to-warn section, under TLP.
    const record = (await h.get(oversight, `/api/v1/parties/source/track-record`)).json().dutyToWarn;
    assert.deepEqual([record.determinations, record.warned, record.waived, record.late, record.neverDecided], [1, 1, 0, 0, 0]);
    assert.equal((await h.get(venue, `/api/v1/parties/source/track-record`)).json().dutyToWarn.determinations, 0);
  } finally {
    await h.close();
  }
});

test("waived on a source-protection ground, sealed, revealed to a reviewer", async () => {
  const w = await world();
  const { h, clock, source, oversight } = w;
  try {
    const det = determination(w);
    await admitted(h, source, det);
    const ground = "endangers-sources-methods";
    const approval = buildDutyApproval(oversight, clock.now(), det, "waive", ground);
    await admitted(h, oversight, approval);
    const salt = newSalt();
    const reasons = "the only source is inside the cell; any warning would identify it";
    const waiver = buildWaiveDecision(source, { at: clock.now(), determination: det, ground, reasons, sealWith: salt, approvals: [approval.id], tlp: "GREEN" });
    assert.ok(!JSON.stringify(waiver).includes("inside the cell"), "sealed: only the commitment is logged");
    await admitted(h, source, waiver);
    clock.advance(HOUR);
    await refused(h, source, buildDutyReveal(source, clock.now(), waiver.id, salt, "other reasons", [oversight.id]), 422, "DUTY_REVEAL_MISMATCH");
    await admitted(h, source, buildDutyReveal(source, clock.now(), waiver.id, salt, reasons, [oversight.id]));

    const view = (await h.get(oversight, `/api/v1/duty/determinations/${det.id}`)).json();
    assert.equal(view.state, "waived");
    assert.equal(view.decision.ground, ground);
    assert.equal(view.decision.sealed, true);
    assert.equal(view.decision.reasons, undefined);
    assert.deepEqual(view.reveals.map((r: { reasons: string; opens: boolean }) => [r.reasons, r.opens]), [[reasons, true]]);
    const record = (await h.get(oversight, `/api/v1/parties/source/track-record`)).json().dutyToWarn;
    assert.equal(record.waivedByGround[ground], 1);
  } finally {
    await h.close();
  }
});

test("never decided: the node escalates at the deadline, once, and logs it", async () => {
  const w = await world();
  const { h, clock, source, oversight } = w;
  try {
    const det = determination(w, HOUR);
    await admitted(h, source, det);
    assert.equal(await h.node.escalator.tick(), 0, "not yet due");
    clock.advance(HOUR);
    assert.equal(await h.node.escalator.tick(), 1);
    assert.equal(await h.node.escalator.tick(), 0, "once");
    const view = (await h.get(oversight, `/api/v1/duty/determinations/${det.id}`)).json();
    assert.equal(view.state, "overdue");
    assert.equal(view.escalatedAt, new Date(T0 + HOUR).toISOString());
    const escalation = view.records.find((r: { kind: string }) => r.kind === "duty-escalation");
    assert.ok(escalation, "the escalation is a logged record");
    const record = (await h.get(oversight, `/api/v1/parties/source/track-record`)).json().dutyToWarn;
    assert.deepEqual([record.neverDecided, record.escalated], [1, 1]);
    // A decision after the escalation is still recorded, and counted late.
    const approval = buildDutyApproval(oversight, clock.now(), det, "waive", "no-reasonable-way");
    await admitted(h, oversight, approval);
    await admitted(h, source, buildWaiveDecision(source, { at: clock.now(), determination: det, ground: "no-reasonable-way", reasons: "no contact", approvals: [approval.id] }));
    const after = (await h.get(oversight, `/api/v1/parties/source/track-record`)).json().dutyToWarn;
    assert.deepEqual([after.waived, after.late, after.neverDecided], [1, 1, 0]);
  } finally {
    await h.close();
  }
});

test("bad input: each refused with its code, nothing stored", async () => {
  const w = await world();
  const { h, clock, source, oversight, venue } = w;
  try {
    const det = determination(w);
    await admitted(h, source, det);
    const other = determination(w);
    await admitted(h, source, other);
    const warnApproval = buildDutyApproval(oversight, clock.now(), det, "warn");
    await admitted(h, oversight, warnApproval);

    // A deadline that is not after the determination.
    await refused(h, source, buildDetermination(source, { at: clock.now(), threat: "kidnapping", intendedVictims: ["x"], specificity: "identified", credibility: "high", deadline: clock.now() }), 422, "DUTY_RECORD_INVALID");
    // An unknown ground, in a waiver and in an approval.
    await refused(h, source, buildWaiveDecision(source, { at: clock.now(), determination: det, ground: "inconvenient", reasons: "r" }), 422, "DUTY_UNKNOWN_GROUND");
    await refused(h, oversight, buildDutyApproval(oversight, clock.now(), det, "waive", "inconvenient"), 422, "DUTY_UNKNOWN_GROUND");
    // Approvals missing.
    await refused(h, source, buildWaiveDecision(source, { at: clock.now(), determination: det, ground: "victim-already-aware", reasons: "they told us" }), 422, "DUTY_APPROVALS_MISSING");
    // A warning that claims a determination it does not match: its link commits to the other determination.
    const wrongLink = determinationLink(other);
    const warning = sanitisedWarning(w, wrongLink);
    await admitted(h, source, warning);
    await refused(h, source, buildWarnDecision(source, { at: clock.now(), determination: det, warnings: [{ id: warning.id, link: wrongLink }], channel: "tocsin", approvals: [warnApproval.id] }), 422, "DUTY_WARNING_NOT_DERIVED");
    // A warning never logged.
    const unlogged = sanitisedWarning(w, determinationLink(det));
    await refused(h, source, buildWarnDecision(source, { at: clock.now(), determination: det, warnings: [{ id: unlogged.id, link: determinationLink(det) }], channel: "tocsin", approvals: [warnApproval.id] }), 404, "DUTY_WARNING_NOT_FOUND");
    // A decision by someone else; an approval by the author itself; an escalation by a party.
    await refused(h, venue, buildWaiveDecision(venue, { at: clock.now(), determination: det, ground: "victim-already-aware", reasons: "r" }), 403, "DUTY_NOT_AUTHOR");
    await refused(h, source, buildDutyApproval(source, clock.now(), det, "warn"), 403, "DUTY_NOT_APPROVER");
    // A decision on an unknown determination, or on an older version.
    const ghost = buildDetermination(source, { at: clock.now(), threat: "kidnapping", intendedVictims: ["x"], specificity: "identified", credibility: "high", deadline: clock.now() + HOUR });
    await refused(h, source, buildWaiveDecision(source, { at: clock.now(), determination: ghost, ground: "victim-already-aware", reasons: "r" }), 404, "DUTY_DETERMINATION_NOT_FOUND");
    // An approval listed that approves something else.
    await refused(h, source, buildWaiveDecision(source, { at: clock.now(), determination: det, ground: "victim-already-aware", reasons: "r", approvals: [warnApproval.id] }), 422, "DUTY_APPROVAL_MISMATCH");
    // A second decision.
    const link = determinationLink(det);
    const good = sanitisedWarning(w, link);
    await admitted(h, source, good);
    await admitted(h, source, buildWarnDecision(source, { at: clock.now(), determination: det, warnings: [{ id: good.id, link }], channel: "tocsin", approvals: [warnApproval.id] }));
    await refused(h, source, buildWarnDecision(source, { at: clock.now(), determination: det, warnings: [{ id: good.id, link }], channel: "tocsin", approvals: [warnApproval.id] }), 409, "DUTY_ALREADY_DECIDED");
    // A reveal of an open decision.
    await refused(h, source, buildDutyReveal(source, clock.now(), "x-tocsin-duty-decision--00000000-0000-4000-8000-000000000000", newSalt(), "r", [oversight.id]), 404, "DUTY_DECISION_NOT_FOUND");
    // The API's reads: a malformed id is a coded 400.
    const bad = await h.get(oversight, "/api/v1/duty/determinations/report--nope");
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, "HTTP_BAD_PARAMETER");
  } finally {
    await h.close();
  }
});
