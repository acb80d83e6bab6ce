import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ACTION_STATUSES,
  DEADLINE_KINDS,
  LifecycleError,
  OPINIONS,
  OUTCOMES,
  RECIPIENT_STAGES,
  applyEvent,
  dueEscalations,
  startWarning,
  type DeadlineKind,
  type LifecycleEvent,
  type WarningEvent,
  type WarningState,
} from "./index.js";
import { ARBITER, COMMITMENTS, DAY, HOUR, LATECOMER, MIN, OUTSIDER, RECIPIENT, SOURCE, T0, VENUE, WARNING_ID } from "../../testing/lifecycle-fixtures.js";

/*
 * Random histories: a warning with random deadlines, then random steps by random parties at random
 * times (many of them invalid on purpose), applied live at their log time, with the node sometimes
 * running its escalation loop. Over all of them: applyEvent never mutates its inputs and throws only
 * LifecycleError; states only move forward; dueEscalations and the escalation rules agree exactly, so
 * recording every due escalation leaves none due at the same now.
 */

const PARTIES = [SOURCE, RECIPIENT, VENUE, LATECOMER, ARBITER, OUTSIDER];
const STEP_KINDS = ["receipt", "assessment", "action", "resolution", "reveal", "escalation", "warning", "node-loop", "respond"] as const;

// Weighted so that most steps are plausible (recipients responding, the node ticking) and the history
// gets far before someone resolves it; the rest probe the rules.
const kindArb = fc.oneof(
  { arbitrary: fc.constant("respond"), weight: 8 },
  { arbitrary: fc.constantFrom("receipt", "assessment", "action"), weight: 6 },
  { arbitrary: fc.constantFrom("escalation", "node-loop"), weight: 5 },
  { arbitrary: fc.constantFrom("warning", "reveal"), weight: 2 },
  { arbitrary: fc.constant("resolution"), weight: 1 },
) as fc.Arbitrary<(typeof STEP_KINDS)[number]>;

const stepArb = fc.record({
  kind: kindArb,
  dt: fc.integer({ min: 0, max: 20 * HOUR }),
  who: fc.oneof({ arbitrary: fc.constantFrom(RECIPIENT, VENUE), weight: 5 }, { arbitrary: fc.constantFrom(...PARTIES), weight: 1 }),
  pick: fc.nat(),
  claimSkew: fc.integer({ min: -10 * MIN, max: 6 * MIN }),
  opinion: fc.constantFrom(...OPINIONS),
  status: fc.constantFrom(...ACTION_STATUSES),
  outcome: fc.constantFrom(...OUTCOMES),
  matches: fc.boolean(),
  subset: fc.subarray([RECIPIENT, VENUE, LATECOMER], { minLength: 1 }),
  shift: fc.integer({ min: -2 * HOUR, max: 2 * DAY }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

const warningArb = fc
  .record({
    gaps: fc.tuple(fc.integer({ min: 1, max: 6 * HOUR }), fc.integer({ min: 0, max: DAY }), fc.integer({ min: 0, max: 2 * DAY })),
    present: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
  })
  .map(({ gaps, present }): WarningEvent => {
    const deadlines: Partial<Record<DeadlineKind, number>> = {};
    let at = T0;
    DEADLINE_KINDS.forEach((kind, i) => {
      at += gaps[i]!;
      if (present[i]!) deadlines[kind] = at + (i === 0 ? 0 : 1);
    });
    return {
      kind: "warning",
      warningId: WARNING_ID,
      author: SOURCE,
      recipients: [RECIPIENT, VENUE],
      arbiters: [ARBITER],
      created: T0,
      modified: T0,
      windowStart: T0,
      windowEnd: T0 + 14 * DAY,
      deadlines,
      commitments: COMMITMENTS,
      loggedAt: T0,
    };
  });

/** The event a step stands for, given the state it will be applied to. */
function eventOf(step: Step, state: WarningState, at: number): LifecycleEvent | undefined {
  const base = { warningId: WARNING_ID, author: step.who, created: at + step.claimSkew, loggedAt: at };
  const versions = state.versions;
  let kind = step.kind;
  if (kind === "respond") {
    // The party's next response in the chain, as a well-behaved recipient would send it.
    const r = state.recipients.find((x) => x.party === step.who);
    kind = r?.reachedAt.received === undefined ? "receipt" : r.reachedAt.assessed === undefined ? "assessment" : "action";
  }
  switch (kind) {
    case "receipt":
      return { ...base, kind: "receipt", warningModified: versions[step.pick % versions.length]!.modified + (step.pick % 7 === 0 ? 1 : 0) };
    case "assessment":
      return { ...base, kind: "assessment", opinion: step.opinion };
    case "action":
      return { ...base, kind: "action", status: step.status };
    case "resolution":
      return { ...base, kind: "resolution", outcome: step.outcome, ...(step.pick % 3 === 0 ? {} : { eventTime: at - step.shift }) };
    case "reveal":
      return { ...base, kind: "reveal", author: step.pick % 4 === 0 ? step.who : SOURCE, commitmentId: ["commitment--1", "commitment--2", "commitment--9"][step.pick % 3]!, matches: step.matches };
    case "escalation": {
      const kind = DEADLINE_KINDS[step.pick % 3]!;
      const recipient = [RECIPIENT, VENUE, LATECOMER, OUTSIDER][step.pick % 4]!;
      const deadline = state.deadlines[kind] ?? at;
      return { ...base, kind: "escalation", author: "node", recipient, deadlineKind: kind, deadline, created: at };
    }
    case "warning": {
      const deadlines: Partial<Record<DeadlineKind, number>> = {};
      for (const k of DEADLINE_KINDS) {
        const d = state.deadlines[k];
        if (d !== undefined) deadlines[k] = step.pick % 2 === 0 ? d : d + step.shift;
      }
      return {
        ...base,
        kind: "warning",
        author: step.pick % 5 === 0 ? step.who : SOURCE,
        recipients: step.subset,
        arbiters: [ARBITER],
        created: T0,
        modified: at,
        windowStart: T0,
        windowEnd: T0 + 14 * DAY,
        deadlines,
        commitments: COMMITMENTS,
      };
    }
    case "node-loop":
      return undefined;
  }
}

/** Applies an event, checking it mutates nothing and fails only with LifecycleError. */
function tryApply(state: WarningState, event: LifecycleEvent, now: number): WarningState | LifecycleError {
  const stateBefore = structuredClone(state);
  const eventBefore = structuredClone(event);
  let result: WarningState | LifecycleError;
  try {
    result = applyEvent(state, event, now);
  } catch (e) {
    if (!(e instanceof LifecycleError)) throw e;
    result = e;
  }
  assert.deepEqual(state, stateBefore, "applyEvent mutated its state");
  assert.deepEqual(event, eventBefore, "applyEvent mutated its event");
  return result;
}

/** Nothing already established is lost or rewritten. */
function assertForward(before: WarningState, after: WarningState): void {
  assert.deepEqual(after.versions.slice(0, before.versions.length), before.versions);
  assert.deepEqual(after.resolutions.slice(0, before.resolutions.length), before.resolutions);
  assert.deepEqual(after.revealed.slice(0, before.revealed.length), before.revealed);
  for (const c of before.commitments) assert.ok(after.commitments.includes(c));
  for (const b of before.recipients) {
    const a = after.recipients.find((r) => r.party === b.party);
    if (a === undefined) {
      // Only a recipient with nothing on record may be dropped (by a new version).
      assert.equal(b.receipts.length, 0);
      assert.deepEqual(b.escalations, {});
      continue;
    }
    assert.ok(RECIPIENT_STAGES.indexOf(a.state) >= RECIPIENT_STAGES.indexOf(b.state), `${b.state} → ${a.state}`);
    for (const [stage, t] of Object.entries(b.reachedAt)) assert.equal(a.reachedAt[stage as keyof typeof a.reachedAt], t);
    for (const [kind, e] of Object.entries(b.escalations)) assert.deepEqual(a.escalations[kind as DeadlineKind], e);
    assert.deepEqual(a.receipts.slice(0, b.receipts.length), b.receipts);
    assert.deepEqual(a.assessments.slice(0, b.assessments.length), b.assessments);
    assert.deepEqual(a.actions.slice(0, b.actions.length), b.actions);
  }
}

/** The node's loop: every due escalation is accepted, every other one refused, and afterwards none is due. */
function runNodeLoop(state: WarningState, now: number): WarningState {
  const due = dueEscalations(state, now);
  for (const r of state.recipients) {
    for (const kind of DEADLINE_KINDS) {
      const isDue = due.some((d) => d.recipient === r.party && d.deadlineKind === kind);
      const deadline = state.deadlines[kind] ?? now;
      const e: LifecycleEvent = { kind: "escalation", author: "node", warningId: WARNING_ID, recipient: r.party, deadlineKind: kind, deadline, created: now, loggedAt: now };
      const result = tryApply(state, e, now);
      assert.equal(!(result instanceof LifecycleError), isDue, `${r.party} ${kind}: due=${isDue}`);
    }
  }
  let after = state;
  for (const d of due) {
    const e: LifecycleEvent = { kind: "escalation", author: "node", warningId: WARNING_ID, recipient: d.recipient, deadlineKind: d.deadlineKind, deadline: d.deadline, created: now, loggedAt: now };
    const next = tryApply(after, e, now);
    assert.ok(!(next instanceof LifecycleError), `due escalation refused: ${next instanceof LifecycleError ? next.code : ""}`);
    assertForward(after, next);
    after = next;
  }
  assert.deepEqual(dueEscalations(after, now), []);
  return after;
}

describe("lifecycle properties", () => {
  it("random histories: no mutation, only coded errors, forward-only, escalations exactly once", () => {
    fc.assert(
      fc.property(warningArb, fc.array(stepArb, { maxLength: 40 }), (first, steps) => {
        let state = startWarning(first, T0);
        let at = T0;
        for (const step of steps) {
          at += step.dt;
          const event = eventOf(step, state, at);
          if (event === undefined) {
            state = runNodeLoop(state, at);
            continue;
          }
          const result = tryApply(state, event, at);
          if (result instanceof LifecycleError) continue;
          assertForward(state, result);
          state = result;
        }
        // However long the node was down afterwards, one loop settles everything.
        runNodeLoop(state, at + 60 * DAY);
      }),
      { numRuns: 300 },
    );
  });

  it("dueEscalations is monotone in now until recorded: what is due stays due", () => {
    fc.assert(
      fc.property(warningArb, fc.array(stepArb, { maxLength: 25 }), fc.integer({ min: 0, max: 5 * DAY }), (first, steps, later) => {
        let state = startWarning(first, T0);
        let at = T0;
        for (const step of steps) {
          at += step.dt;
          const event = eventOf(step, state, at);
          if (event === undefined) continue;
          const result = tryApply(state, event, at);
          if (!(result instanceof LifecycleError)) state = result;
        }
        const key = (d: { recipient: string; deadlineKind: string }) => `${d.recipient}/${d.deadlineKind}`;
        const now = new Set(dueEscalations(state, at).map(key));
        const then = new Set(dueEscalations(state, at + later).map(key));
        for (const k of now) assert.ok(then.has(k), `${k} no longer due`);
      }),
      { numRuns: 200 },
    );
  });
});
