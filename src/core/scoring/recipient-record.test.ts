import { test } from "node:test";
import assert from "node:assert/strict";
import { DAY, HOUR, RECIPIENT, SOURCE, T0, VENUE, action, assessment, escalation, fold, receipt, resolution } from "../../testing/lifecycle-fixtures.js";
import { recipientRecord } from "./recipient-record.js";

const iso = (ms: number): string => new Date(ms).toISOString();

test("recipient record: a dismissed warning that materialized, missed deadlines, response times", () => {
  // RECIPIENT receives after 30 min, dismisses after 20 h, never acts (action deadline T0 + 48 h escalated);
  // VENUE receives late (receipt escalated), agrees and acts. The event happens; the source resolves.
  const state = fold([
    receipt(RECIPIENT, T0 + 30 * 60_000),
    assessment(RECIPIENT, T0 + 20 * HOUR, { opinion: "strongly-disagree" }),
    escalation(VENUE, "receipt", T0 + 2 * HOUR),
    receipt(VENUE, T0 + 3 * HOUR),
    assessment(VENUE, T0 + 5 * HOUR, { opinion: "agree" }),
    action(VENUE, T0 + 6 * HOUR),
    escalation(RECIPIENT, "action", T0 + 3 * DAY),
    resolution(SOURCE, T0 + 10 * DAY, { outcome: "materialized", eventTime: T0 + 9 * DAY }),
  ]);
  const r = recipientRecord(RECIPIENT, [state]);
  assert.equal(r.warnings, 1);
  assert.equal(r.resolved, 1);
  assert.equal(r.dismissed, 1);
  assert.deepEqual(r.dismissedMaterialized, [
    { warningId: state.warningId, source: SOURCE, opinion: "strongly-disagree", assessedAt: iso(T0 + 20 * HOUR), outcome: "materialized", eventTime: iso(T0 + 9 * DAY) },
  ]);
  assert.deepEqual(r.missedDeadlines, [{ warningId: state.warningId, kind: "action", deadline: iso(T0 + 2 * DAY), escalatedAt: iso(T0 + 3 * DAY) }]);
  assert.deepEqual(r.missedByKind, { receipt: 0, assessment: 0, action: 1 });
  assert.deepEqual(r.timeTo.receipt, { count: 1, medianMs: 30 * 60_000, meanMs: 30 * 60_000 });
  assert.deepEqual(r.timeTo.assessment, { count: 1, medianMs: 20 * HOUR, meanMs: 20 * HOUR });
  assert.deepEqual(r.timeTo.action, { count: 0, medianMs: null, meanMs: null });

  const v = recipientRecord(VENUE, [state]);
  assert.equal(v.dismissed, 0);
  assert.deepEqual(v.dismissedMaterialized, []);
  assert.deepEqual(v.missedByKind, { receipt: 1, assessment: 0, action: 0 });
  assert.equal(v.timeTo.action.medianMs, 6 * HOUR);

  // A party the warning does not name has an empty record.
  assert.equal(recipientRecord(SOURCE, [state]).warnings, 0);
});

test("a dismissal of a warning that did not materialize is not held against the recipient", () => {
  const state = fold([
    receipt(RECIPIENT, T0 + 10 * 60_000),
    assessment(RECIPIENT, T0 + HOUR, { opinion: "disagree" }),
    resolution(SOURCE, T0 + 20 * DAY, { outcome: "did-not-materialize" }),
  ]);
  const r = recipientRecord(RECIPIENT, [state]);
  assert.equal(r.dismissed, 1);
  assert.deepEqual(r.dismissedMaterialized, []);
});
