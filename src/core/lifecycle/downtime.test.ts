import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyEvent, dueEscalations, nextEscalationAt, type DueEscalation, type LifecycleEvent, type WarningState } from "./index.js";
import {
  DAY,
  HOUR,
  LATECOMER,
  MIN,
  RECIPIENT,
  SOURCE,
  T0,
  VENUE,
  action,
  assessment,
  escalation,
  fold,
  receipt,
  resolution,
  version,
} from "./fixtures.js";

/*
 * Deadlines and node downtime. The base warning: receipt due T0+1h, assessment T0+24h, action T0+48h,
 * recipients RECIPIENT and VENUE. The node escalates by calling dueEscalations(state, now) and recording
 * each result; while it is down nobody calls it, so on restart it must find everything owed, once.
 */

function recordAll(state: WarningState, due: readonly DueEscalation[], now: number): WarningState {
  for (const d of due) state = applyEvent(state, escalation(d.recipient, d.deadlineKind, now, { deadline: d.deadline }), now);
  return state;
}

describe("deadlines, escalation and node downtime", () => {
  it("finds on restart, once, every deadline that passed while the node was down", () => {
    const state = fold([receipt(RECIPIENT, T0 + 10 * MIN)]);
    const restart = T0 + 30 * DAY;
    const due = dueEscalations(state, restart);
    assert.deepEqual(due, [
      { recipient: VENUE, deadlineKind: "receipt", deadline: T0 + HOUR },
      { recipient: RECIPIENT, deadlineKind: "assessment", deadline: T0 + DAY },
      { recipient: VENUE, deadlineKind: "assessment", deadline: T0 + DAY },
      { recipient: RECIPIENT, deadlineKind: "action", deadline: T0 + 2 * DAY },
      { recipient: VENUE, deadlineKind: "action", deadline: T0 + 2 * DAY },
    ]);
    // Asking again changes nothing (pure); recording makes them go away for good.
    assert.deepEqual(dueEscalations(state, restart), due);
    const after = recordAll(state, due, restart);
    assert.deepEqual(dueEscalations(after, restart), []);
    assert.deepEqual(dueEscalations(after, restart + 365 * DAY), []);
  });

  it("still escalates a stage reached after its deadline while the node was down", () => {
    // The recipient assessed at T0+25h and acted at T0+50h; the node was down from T0+12h to T0+3d.
    const state = fold([receipt(RECIPIENT, T0 + 10 * MIN), receipt(VENUE, T0 + 20 * MIN), assessment(RECIPIENT, T0 + 25 * HOUR), action(RECIPIENT, T0 + 50 * HOUR)]);
    const mine = dueEscalations(state, T0 + 3 * DAY).filter((d) => d.recipient === RECIPIENT);
    assert.deepEqual(mine.map((d) => d.deadlineKind), ["assessment", "action"]);
  });

  it("judges by loggedAt: at the deadline is late, one millisecond before is in time", () => {
    const at = fold([receipt(RECIPIENT, T0 + HOUR)]);
    const before = fold([receipt(RECIPIENT, T0 + HOUR - 1)]);
    const kinds = (s: WarningState) => dueEscalations(s, T0 + 2 * HOUR).filter((d) => d.recipient === RECIPIENT).map((d) => d.deadlineKind);
    assert.deepEqual(kinds(at), ["receipt"]);
    assert.deepEqual(kinds(before), []);
  });

  it("trusts the node's loggedAt, not the author's claimed created time", () => {
    // Claimed before the deadline, logged after it: missed. Claimed after (within skew), logged before: met.
    const backdated = fold([receipt(RECIPIENT, T0 + 2 * HOUR, { created: T0 + 30 * MIN })]);
    const slowClock = fold([receipt(RECIPIENT, T0 + 59 * MIN, { created: T0 + 62 * MIN })]);
    const kinds = (s: WarningState) => dueEscalations(s, T0 + 3 * HOUR).filter((d) => d.recipient === RECIPIENT).map((d) => d.deadlineKind);
    assert.deepEqual(kinds(backdated), ["receipt"]);
    assert.deepEqual(kinds(slowClock), []);
  });

  it("an action of any status meets the action deadline; a recipient who never assessed owes an assessment too", () => {
    const declined = fold([receipt(RECIPIENT, T0 + MIN), assessment(RECIPIENT, T0 + HOUR - 1, { opinion: "strongly-disagree" }), action(RECIPIENT, T0 + 2 * HOUR, { status: "declined" })]);
    assert.deepEqual(dueEscalations(declined, T0 + 5 * DAY).filter((d) => d.recipient === RECIPIENT), []);
    const silent = fold([receipt(RECIPIENT, T0 + MIN)]);
    assert.deepEqual(
      dueEscalations(silent, T0 + 5 * DAY).filter((d) => d.recipient === RECIPIENT).map((d) => d.deadlineKind),
      ["assessment", "action"],
    );
  });

  it("owes nothing for deadlines after the resolution, but keeps those missed before it", () => {
    const state = fold([receipt(RECIPIENT, T0 + MIN), receipt(VENUE, T0 + 2 * MIN), resolution(SOURCE, T0 + 30 * HOUR)]);
    const due = dueEscalations(state, T0 + 10 * DAY);
    assert.deepEqual(due.map((d) => [d.recipient, d.deadlineKind]), [[RECIPIENT, "assessment"], [VENUE, "assessment"]]);
    // A deadline at exactly the resolution time had passed when it was resolved.
    const atResolution = fold([receipt(RECIPIENT, T0 + MIN), receipt(VENUE, T0 + 2 * MIN), resolution(SOURCE, T0 + 2 * DAY)]);
    assert.ok(dueEscalations(atResolution, T0 + 10 * DAY).some((d) => d.deadlineKind === "action"));
  });

  it("owes nothing from a recipient for deadlines that passed before it was addressed", () => {
    const state = fold([receipt(RECIPIENT, T0 + MIN), receipt(VENUE, T0 + 2 * MIN), version(T0 + 2 * HOUR, { recipients: [RECIPIENT, VENUE, LATECOMER] })]);
    const late = dueEscalations(state, T0 + 10 * DAY).filter((d) => d.recipient === LATECOMER);
    assert.deepEqual(late.map((d) => d.deadlineKind), ["assessment", "action"]);
  });

  it("a replay of the log after a restart rebuilds the same state and owes nothing new", () => {
    const log: LifecycleEvent[] = [receipt(RECIPIENT, T0 + 10 * MIN)];
    let live = fold(log);
    for (const now of [T0 + 2 * HOUR, T0 + 26 * HOUR, T0 + 3 * DAY]) {
      for (const d of dueEscalations(live, now)) {
        const e = escalation(d.recipient, d.deadlineKind, now, { deadline: d.deadline });
        live = applyEvent(live, e, now);
        log.push(e);
      }
    }
    assert.equal(log.length, 1 + 5);
    let replayed = fold([]);
    const restart = T0 + 90 * DAY;
    for (const e of log) replayed = applyEvent(replayed, e, restart);
    assert.deepEqual(replayed, live);
    assert.deepEqual(dueEscalations(replayed, restart), []);
  });

  it("a new version that extends a deadline does not re-escalate it, nor escalate the new one early", () => {
    const escalated = recordAll(fold([]), dueEscalations(fold([]), T0 + 2 * HOUR), T0 + 2 * HOUR);
    const extended = applyEvent(
      escalated,
      version(T0 + 3 * HOUR, { deadlines: { receipt: T0 + 4 * HOUR, assessment: T0 + DAY, action: T0 + 2 * DAY } }),
      T0 + 3 * HOUR,
    );
    assert.deepEqual(dueEscalations(extended, T0 + 5 * HOUR), []);
  });

  it("names the next instant an escalation may be owed, for the escalator's index of deadlines", () => {
    const fresh = fold([]);
    assert.equal(nextEscalationAt(fresh, T0), T0 + HOUR, "the receipt deadline first");
    // Both received in time: the next is the assessment deadline; at it, the action deadline.
    const received = fold([receipt(RECIPIENT, T0 + MIN), receipt(VENUE, T0 + 2 * MIN)]);
    assert.equal(nextEscalationAt(received, T0), T0 + DAY);
    assert.equal(nextEscalationAt(received, T0 + DAY), T0 + 2 * DAY);
    assert.equal(nextEscalationAt(received, T0 + 2 * DAY), undefined, "nothing after the last deadline");
    // Everyone acted in time: nothing will ever be owed.
    const done = fold([
      receipt(RECIPIENT, T0 + MIN), receipt(VENUE, T0 + 2 * MIN), assessment(RECIPIENT, T0 + HOUR), assessment(VENUE, T0 + HOUR),
      action(RECIPIENT, T0 + 2 * HOUR), action(VENUE, T0 + 2 * HOUR),
    ]);
    assert.equal(nextEscalationAt(done, T0), undefined);
    // Resolved before any deadline: nothing owed.
    assert.equal(nextEscalationAt(fold([resolution(SOURCE, T0 + 30 * MIN)]), T0), undefined);
    // Escalated already: the next one is the following deadline, not the escalated one.
    const escalated = recordAll(fresh, dueEscalations(fresh, T0 + HOUR), T0 + HOUR);
    assert.equal(nextEscalationAt(escalated, T0), T0 + DAY);
    // Agrees with dueEscalations: nothing is owed before the instant it names, something is at it.
    for (const s of [fresh, received, escalated]) {
      const at = nextEscalationAt(s, T0)!;
      assert.deepEqual(dueEscalations(s, at - 1).filter((d) => d.deadline > T0), []);
      assert.ok(dueEscalations(s, at).some((d) => d.deadline === at));
    }
  });
});
