import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyEvent, dueEscalations, recipientStates, startWarning, warningStatus, type WarningEvent, type WarningState } from "./index.js";
import { DAY, HOUR, MIN, RECIPIENT, SOURCE, T0, WARNING_ID, action, assertCode, assessment, escalation, receipt, resolution } from "../../testing/lifecycle-fixtures.js";

/*
 * The design README's journeys 1–3 as event sequences: a source warns one recipient (window 2 weeks,
 * action "protect large venues", assessment due in 24 h, actions due in 48 h); the recipient calls it a
 * provocation and does nothing; the node escalates the missed action deadline exactly once; the event
 * happens and the source resolves the warning as materialized.
 */

const ASSESSMENT_DUE = T0 + DAY;
const ACTION_DUE = T0 + 2 * DAY;

const journeyWarning: WarningEvent = {
  kind: "warning",
  warningId: WARNING_ID,
  author: SOURCE,
  recipients: [RECIPIENT],
  created: T0,
  modified: T0,
  windowStart: T0,
  windowEnd: T0 + 14 * DAY,
  deadlines: { assessment: ASSESSMENT_DUE, action: ACTION_DUE },
  commitments: [],
  loggedAt: T0,
};

function journey1(): WarningState {
  const issued = startWarning(journeyWarning, T0);
  return applyEvent(issued, receipt(RECIPIENT, T0 + 5 * MIN), T0 + 5 * MIN);
}

function journey2(): WarningState {
  const assessed = applyEvent(journey1(), assessment(RECIPIENT, T0 + 20 * HOUR, { opinion: "strongly-disagree" }), T0 + 20 * HOUR);
  const [due] = dueEscalations(assessed, ACTION_DUE);
  return applyEvent(assessed, escalation(RECIPIENT, due!.deadlineKind, ACTION_DUE, { deadline: due!.deadline }), ACTION_DUE);
}

describe("journeys from the design README", () => {
  it("1: a source issues a warning and the recipient signs a receipt", () => {
    const issued = startWarning(journeyWarning, T0);
    assert.deepEqual(recipientStates(issued), [
      { recipient: RECIPIENT, state: "issued", nextDeadline: { kind: "assessment", deadline: ASSESSMENT_DUE }, escalated: [] },
    ]);
    const received = journey1();
    const r = received.recipients[0]!;
    assert.equal(r.state, "received");
    assert.deepEqual(r.reachedAt, { issued: T0, received: T0 + 5 * MIN });
    assert.deepEqual(r.receipts, [{ warningModified: T0, created: T0 + 5 * MIN, loggedAt: T0 + 5 * MIN }]);
    assert.equal(warningStatus(received).status, "open");
    assert.deepEqual(dueEscalations(received, T0 + HOUR), []);
  });

  it("2: assessed as a provocation, no action by the deadline: exactly one escalation, recorded once", () => {
    const assessed = applyEvent(journey1(), assessment(RECIPIENT, T0 + 20 * HOUR, { opinion: "strongly-disagree" }), T0 + 20 * HOUR);
    assert.equal(assessed.recipients[0]!.state, "assessed");
    assert.equal(assessed.recipients[0]!.opinion, "strongly-disagree");
    assert.deepEqual(recipientStates(assessed)[0]!.nextDeadline, { kind: "action", deadline: ACTION_DUE });
    // The assessment deadline was met; the action deadline has not passed one millisecond before it.
    assert.deepEqual(dueEscalations(assessed, ACTION_DUE - 1), []);
    assert.deepEqual(dueEscalations(assessed, ACTION_DUE), [{ recipient: RECIPIENT, deadlineKind: "action", deadline: ACTION_DUE }]);

    const escalated = journey2();
    assert.deepEqual(escalated.recipients[0]!.escalations, { action: { deadline: ACTION_DUE, loggedAt: ACTION_DUE } });
    assert.deepEqual(dueEscalations(escalated, ACTION_DUE), []);
    assert.deepEqual(dueEscalations(escalated, ACTION_DUE + 30 * DAY), []);
    assert.deepEqual(recipientStates(escalated)[0]!.escalated, ["action"]);
    assertCode(() => applyEvent(escalated, escalation(RECIPIENT, "action", ACTION_DUE + MIN), ACTION_DUE + MIN), "LIFECYCLE_DUPLICATE_ESCALATION");
  });

  it("3: the event happens and the source resolves the warning as materialized", () => {
    const at = T0 + 5 * DAY;
    const resolved = applyEvent(journey2(), resolution(SOURCE, at, { outcome: "materialized", eventTime: at - 2 * HOUR }), at);
    assert.deepEqual(resolved.resolution, {
      outcome: "materialized",
      by: SOURCE,
      byArbiter: false,
      eventTime: at - 2 * HOUR,
      created: at,
      loggedAt: at,
    });
    assert.equal(resolved.recipients[0]!.state, "resolved");
    // The missed deadline stays on the record for the track record; nothing more is owed or due.
    assert.deepEqual(resolved.recipients[0]!.escalations, { action: { deadline: ACTION_DUE, loggedAt: ACTION_DUE } });
    const status = warningStatus(resolved);
    assert.equal(status.status, "resolved");
    assert.equal(status.nextDeadline, undefined);
    assert.deepEqual(dueEscalations(resolved, at + 100 * DAY), []);
    assertCode(() => applyEvent(resolved, action(RECIPIENT, at + HOUR), at + HOUR), "LIFECYCLE_WARNING_RESOLVED");
  });
});
