import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyEvent, recipientStates, startWarning, warningStatus, type LifecycleEvent } from "./index.js";
import {
  ARBITER,
  DAY,
  HOUR,
  LATECOMER,
  MIN,
  RECIPIENT,
  SOURCE,
  T0,
  VENUE,
  action,
  assertCode,
  assessment,
  escalation,
  fold,
  receipt,
  resolution,
  reveal,
  version,
  warning,
} from "../../testing/lifecycle-fixtures.js";

/* The choices docs/lifecycle.md records where the rules leave room, and the API helpers. */

describe("documented decisions", () => {
  it("accepts a receipt after resolution, without reopening the warning", () => {
    const resolved = fold([resolution(SOURCE, T0 + 2 * HOUR)]);
    const late = applyEvent(resolved, receipt(RECIPIENT, T0 + 3 * HOUR), T0 + 3 * HOUR);
    const r = late.recipients[0]!;
    assert.equal(r.state, "resolved");
    assert.equal(r.reachedAt.received, T0 + 3 * HOUR);
    assert.equal(warningStatus(late).status, "resolved");
  });

  it("accepts a reveal after resolution", () => {
    const resolved = fold([resolution(SOURCE, T0 + 2 * HOUR)]);
    const revealed = applyEvent(resolved, reveal(T0 + 3 * HOUR), T0 + 3 * HOUR);
    assert.deepEqual(revealed.revealed, [{ commitmentId: "commitment--1", created: T0 + 3 * HOUR, loggedAt: T0 + 3 * HOUR }]);
  });

  it("keeps every assessment and the latest opinion", () => {
    const s = fold([receipt(RECIPIENT, T0 + MIN), assessment(RECIPIENT, T0 + HOUR, { opinion: "agree" }), assessment(RECIPIENT, T0 + 2 * HOUR, { opinion: "disagree" })]);
    const r = s.recipients[0]!;
    assert.equal(r.opinion, "disagree");
    assert.deepEqual(r.assessments.map((a) => a.opinion), ["agree", "disagree"]);
    assert.equal(r.reachedAt.assessed, T0 + HOUR);
  });

  it("lets an arbiter overrule a party's resolution once, and nothing overrules an arbiter", () => {
    const byParty = fold([resolution(RECIPIENT, T0 + DAY, { outcome: "did-not-materialize" })]);
    const byArbiter = applyEvent(byParty, resolution(ARBITER, T0 + 2 * DAY, { outcome: "prevented" }), T0 + 2 * DAY);
    assert.equal(byArbiter.resolution?.outcome, "prevented");
    assert.equal(byArbiter.resolution?.by, ARBITER);
    assert.equal(byArbiter.resolutions.length, 2);
    // The warning closed at the first resolution: that stays the cut-off for deadlines.
    assert.equal(byArbiter.recipients[0]!.reachedAt.resolved, T0 + DAY);
    assertCode(() => applyEvent(byArbiter, resolution(ARBITER, T0 + 3 * DAY, { outcome: "unknown" }), T0 + 3 * DAY), "LIFECYCLE_ALREADY_RESOLVED");
    const arbiterFirst = fold([resolution(ARBITER, T0 + DAY)]);
    assertCode(() => applyEvent(arbiterFirst, resolution(SOURCE, T0 + 2 * DAY), T0 + 2 * DAY), "LIFECYCLE_ALREADY_RESOLVED");
  });

  it("lets a new version drop a recipient with no record, never one with a receipt or escalation", () => {
    const dropped = applyEvent(fold([]), version(T0 + 10 * MIN, { recipients: [RECIPIENT] }), T0 + 10 * MIN);
    assert.deepEqual(dropped.recipients.map((r) => r.party), [RECIPIENT]);
    assertCode(() => applyEvent(dropped, receipt(VENUE, T0 + 20 * MIN), T0 + 20 * MIN), "LIFECYCLE_NOT_A_RECIPIENT");
    const escalated = fold([escalation(VENUE, "receipt", T0 + 2 * HOUR)]);
    assertCode(() => applyEvent(escalated, version(T0 + 3 * HOUR, { recipients: [RECIPIENT] }), T0 + 3 * HOUR), "LIFECYCLE_VERSION_DROPS_RECIPIENT");
  });

  it("a receipt of any version meets the receipt deadline, and each version may be received once", () => {
    const s = fold([receipt(RECIPIENT, T0 + MIN), version(T0 + 10 * MIN), receipt(RECIPIENT, T0 + 20 * MIN, { warningModified: T0 + 10 * MIN })]);
    const r = s.recipients[0]!;
    assert.deepEqual(r.receipts.map((x) => x.warningModified), [T0, T0 + 10 * MIN]);
    assert.equal(r.reachedAt.received, T0 + MIN);
  });

  it("a new version keeps existing recipients' history and addresses new ones from its log time", () => {
    const s = fold([receipt(RECIPIENT, T0 + MIN), version(T0 + HOUR, { recipients: [RECIPIENT, VENUE, LATECOMER], commitments: ["commitment--3"] })]);
    assert.equal(s.recipients[0]!.state, "received");
    assert.deepEqual(s.recipients[2]!.reachedAt, { issued: T0 + HOUR });
    // Commitments of every version stay revealable.
    assert.deepEqual(s.commitments, ["commitment--1", "commitment--2", "commitment--3"]);
    assert.deepEqual(s.versions, [{ modified: T0, loggedAt: T0 }, { modified: T0 + HOUR, loggedAt: T0 + HOUR }]);
  });

  it("applies every intrinsic warning rule to new versions too", () => {
    const base = fold([]);
    const at = T0 + HOUR;
    const cases: [LifecycleEvent, string][] = [
      [version(at, { recipients: [] }), "LIFECYCLE_NO_RECIPIENTS"],
      [version(at, { recipients: [RECIPIENT, SOURCE] }), "LIFECYCLE_SELF_ADDRESSED"],
      [version(at, { recipients: [VENUE, VENUE] }), "LIFECYCLE_DUPLICATE_RECIPIENT"],
      [version(at, { windowEnd: T0 - 1 }), "LIFECYCLE_WINDOW_INVERTED"],
      [version(at, { deadlines: { receipt: T0 + HOUR, action: T0 + 30 * MIN } }), "LIFECYCLE_DEADLINES_OUT_OF_ORDER"],
      [version(at, { modified: at + 10 * MIN }), "LIFECYCLE_WARNING_IN_FUTURE"],
    ];
    for (const [event, code] of cases) assertCode(() => applyEvent(base, event, at), code as never);
  });

  it("refuses malformed events of every kind with one code", () => {
    const base = fold([receipt(RECIPIENT, T0 + MIN)]);
    const at = T0 + HOUR;
    const bad: unknown[] = [
      null,
      { ...receipt(RECIPIENT, at), kind: "memo" },
      { ...receipt(RECIPIENT, at), author: "" },
      { ...receipt(RECIPIENT, at), loggedAt: 1.5 },
      { ...receipt(RECIPIENT, at), warningModified: "yesterday" },
      { ...assessment(RECIPIENT, at), opinion: "maybe" },
      { ...action(RECIPIENT, at), status: "thinking" },
      { ...resolution(SOURCE, at), outcome: "won" },
      { ...resolution(SOURCE, at), eventTime: Number.POSITIVE_INFINITY },
      { ...reveal(at), matches: "yes" },
      { ...escalation(RECIPIENT, "receipt", at), deadlineKind: "lunch" },
      version(at, { recipients: [RECIPIENT, "node"] }),
      version(at, { deadlines: { lunch: T0 + DAY } as never }),
      version(at, { deadlines: { receipt: Number.NaN } }),
      version(at, { commitments: [""] }),
    ];
    for (const e of bad) assertCode(() => applyEvent(base, e as LifecycleEvent, at), "LIFECYCLE_MALFORMED_EVENT");
    assertCode(() => startWarning(receipt(RECIPIENT, at) as never, at), "LIFECYCLE_MALFORMED_EVENT");
    assertCode(() => startWarning(warning({ author: "node" }), T0), "LIFECYCLE_MALFORMED_EVENT");
  });

  it("refuses a record logged after now, or claimed later than it was logged", () => {
    const base = fold([]);
    assertCode(() => applyEvent(base, receipt(RECIPIENT, T0 + HOUR), T0), "LIFECYCLE_RECORD_IN_FUTURE");
    // Replayed at a much later now, a receipt claimed 10 minutes after it was logged is still refused.
    assertCode(() => applyEvent(base, receipt(RECIPIENT, T0 + HOUR, { created: T0 + 70 * MIN }), T0 + 30 * DAY), "LIFECYCLE_RECORD_IN_FUTURE");
    assertCode(() => startWarning(warning({ loggedAt: T0 + HOUR }), T0), "LIFECYCLE_RECORD_IN_FUTURE");
  });

  it("does not mutate or alias the events it is given", () => {
    const recipients = [RECIPIENT, VENUE];
    const s = startWarning(warning({ recipients }), T0);
    recipients.push(LATECOMER);
    assert.equal(s.recipients.length, 2);
  });
});

describe("recipientStates and warningStatus", () => {
  it("list each recipient's stage, next unmet deadline and escalations", () => {
    const s = fold([receipt(RECIPIENT, T0 + MIN), assessment(RECIPIENT, T0 + HOUR), action(RECIPIENT, T0 + 2 * HOUR), escalation(VENUE, "receipt", T0 + 2 * HOUR)]);
    assert.deepEqual(recipientStates(s), [
      { recipient: RECIPIENT, state: "acting", nextDeadline: undefined, escalated: [] },
      { recipient: VENUE, state: "issued", nextDeadline: { kind: "receipt", deadline: T0 + HOUR }, escalated: ["receipt"] },
    ]);
    const status = warningStatus(s);
    assert.equal(status.status, "open");
    assert.equal(status.modified, T0);
    assert.deepEqual(status.nextDeadline, { kind: "receipt", deadline: T0 + HOUR });
  });

  it("skip deadlines that do not bind a late-added recipient", () => {
    const s = fold([version(T0 + 2 * HOUR, { recipients: [RECIPIENT, VENUE, LATECOMER] })]);
    assert.deepEqual(recipientStates(s)[2]!.nextDeadline, { kind: "assessment", deadline: T0 + DAY });
  });
});
