import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../testing/repo-root.js";
import { applyEvent, startWarning, MAX_CLOCK_SKEW_MS, type LifecycleErrorCode, type LifecycleEvent, type WarningEvent } from "./index.js";
import {
  ARBITER,
  DAY,
  HOUR,
  LATECOMER,
  MIN,
  OUTSIDER,
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

/*
 * One row per rule of docs/lifecycle.md: an event the rule accepts and one it refuses with exactly its
 * code, both applied to the same prior history. `start` rows check a first version with startWarning;
 * the others apply to the base warning (T0, receipt due T0+1h, assessment T0+24h, action T0+48h) after
 * `prior`. `now` defaults to the event's own log time, as when the node applies it live.
 */
interface Row {
  readonly rule: string;
  readonly code: LifecycleErrorCode;
  readonly start?: boolean;
  readonly prior?: readonly LifecycleEvent[];
  /** A different history for the accepted case, where acceptance needs one (e.g. before resolution). */
  readonly okPrior?: readonly LifecycleEvent[];
  readonly now?: number;
  readonly ok: LifecycleEvent;
  readonly bad: LifecycleEvent;
}

const SKEW = MAX_CLOCK_SKEW_MS;
const LATER = T0 + 3 * DAY; // every deadline of the base warning has passed
const received = [receipt(RECIPIENT, T0 + 10 * MIN)];
const assessed = [...received, assessment(RECIPIENT, T0 + HOUR)];
const resolved = [...assessed, resolution(SOURCE, T0 + 2 * HOUR)];

const ROWS: readonly Row[] = [
  // any event
  { rule: "any: malformed", code: "LIFECYCLE_MALFORMED_EVENT", ok: receipt(RECIPIENT, T0 + MIN), bad: receipt(RECIPIENT, T0 + MIN, { created: Number.NaN }) },
  { rule: "any: unknown warning", code: "LIFECYCLE_UNKNOWN_WARNING", ok: receipt(RECIPIENT, T0 + MIN), bad: receipt(RECIPIENT, T0 + MIN, { warningId: "report--other" }) },
  { rule: "any (and receipt): dated in the future", code: "LIFECYCLE_RECORD_IN_FUTURE", now: T0 + HOUR,
    ok: receipt(RECIPIENT, T0 + HOUR, { created: T0 + HOUR + SKEW }), bad: receipt(RECIPIENT, T0 + HOUR, { created: T0 + HOUR + SKEW + 1 }) },
  // warning, every version (checked on the first)
  { rule: "warning: no recipients", code: "LIFECYCLE_NO_RECIPIENTS", start: true, ok: warning({ recipients: [RECIPIENT] }), bad: warning({ recipients: [] }) },
  { rule: "warning: addressed to its author", code: "LIFECYCLE_SELF_ADDRESSED", start: true, ok: warning(), bad: warning({ recipients: [RECIPIENT, SOURCE] }) },
  { rule: "warning: duplicate recipients", code: "LIFECYCLE_DUPLICATE_RECIPIENT", start: true, ok: warning(), bad: warning({ recipients: [RECIPIENT, VENUE, RECIPIENT] }) },
  { rule: "warning: window_end < window_start", code: "LIFECYCLE_WINDOW_INVERTED", start: true,
    ok: warning({ windowStart: T0 + DAY, windowEnd: T0 + DAY }), bad: warning({ windowStart: T0 + DAY, windowEnd: T0 + DAY - 1 }) },
  { rule: "warning: deadline not after created", code: "LIFECYCLE_DEADLINE_BEFORE_CREATED", start: true,
    ok: warning({ deadlines: { receipt: T0 + 1 } }), bad: warning({ deadlines: { receipt: T0 } }) },
  { rule: "warning: deadlines out of order", code: "LIFECYCLE_DEADLINES_OUT_OF_ORDER", start: true,
    ok: warning({ deadlines: { receipt: T0 + DAY, action: T0 + DAY } }), bad: warning({ deadlines: { receipt: T0 + DAY, assessment: T0 + HOUR } }) },
  { rule: "warning: created/modified in the future", code: "LIFECYCLE_WARNING_IN_FUTURE", start: true, now: T0,
    ok: warning({ modified: T0 + SKEW }), bad: warning({ modified: T0 + SKEW + 1 }) },
  { rule: "warning: modified < created", code: "LIFECYCLE_MODIFIED_BEFORE_CREATED", start: true,
    ok: warning({ modified: T0, loggedAt: T0 }), bad: warning({ created: T0 + 1, modified: T0, deadlines: {} }) },
  // warning, new versions
  { rule: "version: by someone else", code: "LIFECYCLE_VERSION_WRONG_AUTHOR", ok: version(T0 + HOUR), bad: version(T0 + HOUR, { author: OUTSIDER }) },
  { rule: "version: not newer", code: "LIFECYCLE_VERSION_NOT_NEWER", prior: [version(T0 + HOUR)], ok: version(T0 + HOUR + 1), bad: version(T0 + HOUR, { loggedAt: T0 + 2 * HOUR }) },
  { rule: "version: changes created", code: "LIFECYCLE_VERSION_CHANGES_CREATED", ok: version(T0 + HOUR), bad: version(T0 + HOUR, { created: T0 - 1 }) },
  { rule: "version: drops a recipient who received", code: "LIFECYCLE_VERSION_DROPS_RECIPIENT", prior: received,
    ok: version(T0 + HOUR, { recipients: [RECIPIENT] }), bad: version(T0 + HOUR, { recipients: [VENUE] }) },
  { rule: "version: moves a deadline into the past", code: "LIFECYCLE_DEADLINE_RETROACTIVE",
    ok: version(T0 + 2 * HOUR, { deadlines: { receipt: T0 + HOUR, assessment: T0 + DAY, action: T0 + 4 * DAY } }),
    bad: version(T0 + 2 * HOUR, { deadlines: { receipt: T0 + HOUR, assessment: T0 + 2 * HOUR, action: T0 + 2 * DAY } }) },
  { rule: "version: after resolution", code: "LIFECYCLE_WARNING_RESOLVED", prior: resolved, okPrior: assessed,
    ok: version(T0 + 3 * HOUR), bad: version(T0 + 3 * HOUR) },
  // receipt
  { rule: "receipt: author not a recipient", code: "LIFECYCLE_NOT_A_RECIPIENT", ok: receipt(VENUE, T0 + MIN), bad: receipt(OUTSIDER, T0 + MIN) },
  { rule: "receipt: unknown version", code: "LIFECYCLE_UNKNOWN_VERSION", prior: [version(T0 + HOUR)],
    ok: receipt(RECIPIENT, T0 + 2 * HOUR, { warningModified: T0 + HOUR }), bad: receipt(RECIPIENT, T0 + 2 * HOUR, { warningModified: T0 + HOUR + 1 }) },
  { rule: "receipt: duplicate for a version", code: "LIFECYCLE_DUPLICATE_RECEIPT", prior: received, ok: receipt(VENUE, T0 + HOUR), bad: receipt(RECIPIENT, T0 + HOUR) },
  { rule: "receipt: dated before the version", code: "LIFECYCLE_RECEIPT_BEFORE_VERSION", prior: [version(T0 + HOUR)],
    ok: receipt(RECIPIENT, T0 + 2 * HOUR, { warningModified: T0 + HOUR, created: T0 + HOUR }),
    bad: receipt(RECIPIENT, T0 + 2 * HOUR, { warningModified: T0 + HOUR, created: T0 + HOUR - 1 }) },
  // assessment
  { rule: "assessment: author not a recipient", code: "LIFECYCLE_NOT_A_RECIPIENT", prior: received, ok: assessment(RECIPIENT, T0 + HOUR), bad: assessment(SOURCE, T0 + HOUR) },
  { rule: "assessment: before receipt", code: "LIFECYCLE_NOT_RECEIVED", prior: received, ok: assessment(RECIPIENT, T0 + HOUR), bad: assessment(VENUE, T0 + HOUR) },
  { rule: "assessment: after resolution", code: "LIFECYCLE_WARNING_RESOLVED", prior: resolved, okPrior: assessed,
    ok: assessment(RECIPIENT, T0 + 3 * HOUR, { opinion: "disagree" }), bad: assessment(RECIPIENT, T0 + 3 * HOUR, { opinion: "disagree" }) },
  // action
  { rule: "action: author not a recipient", code: "LIFECYCLE_NOT_A_RECIPIENT", prior: assessed, ok: action(RECIPIENT, T0 + 2 * HOUR), bad: action(ARBITER, T0 + 2 * HOUR) },
  { rule: "action: before assessment", code: "LIFECYCLE_NOT_ASSESSED", prior: [...assessed, receipt(VENUE, T0 + HOUR)],
    ok: action(RECIPIENT, T0 + 2 * HOUR), bad: action(VENUE, T0 + 2 * HOUR) },
  { rule: "action: after resolution", code: "LIFECYCLE_WARNING_RESOLVED", prior: resolved, okPrior: assessed,
    ok: action(RECIPIENT, T0 + 3 * HOUR), bad: action(RECIPIENT, T0 + 3 * HOUR) },
  // resolution
  { rule: "resolution: no standing", code: "LIFECYCLE_NO_STANDING", ok: resolution(ARBITER, T0 + DAY), bad: resolution(OUTSIDER, T0 + DAY) },
  { rule: "resolution: second one (only an arbiter may overrule a party)", code: "LIFECYCLE_ALREADY_RESOLVED", prior: resolved,
    ok: resolution(ARBITER, T0 + DAY, { outcome: "prevented" }), bad: resolution(RECIPIENT, T0 + DAY, { outcome: "prevented" }) },
  { rule: "resolution: materialized without eventTime", code: "LIFECYCLE_EVENT_TIME_MISSING",
    ok: resolution(SOURCE, T0 + DAY, { outcome: "materialized", eventTime: T0 + DAY - HOUR }), bad: resolution(SOURCE, T0 + DAY, { outcome: "materialized" }) },
  { rule: "resolution: eventTime in the future", code: "LIFECYCLE_EVENT_TIME_IN_FUTURE",
    ok: resolution(SOURCE, T0 + DAY, { outcome: "materialized", eventTime: T0 + DAY + SKEW }),
    bad: resolution(SOURCE, T0 + DAY, { outcome: "materialized", eventTime: T0 + DAY + SKEW + 1 }) },
  // reveal
  { rule: "reveal: not by the author", code: "LIFECYCLE_REVEAL_NOT_AUTHOR", ok: reveal(T0 + DAY), bad: reveal(T0 + DAY, { author: RECIPIENT }) },
  { rule: "reveal: unknown commitment", code: "LIFECYCLE_UNKNOWN_COMMITMENT", ok: reveal(T0 + DAY), bad: reveal(T0 + DAY, { commitmentId: "commitment--9" }) },
  { rule: "reveal: evidence does not match", code: "LIFECYCLE_REVEAL_MISMATCH", ok: reveal(T0 + DAY), bad: reveal(T0 + DAY, { matches: false }) },
  { rule: "reveal: second reveal of a commitment", code: "LIFECYCLE_DUPLICATE_REVEAL", prior: [reveal(T0 + HOUR)],
    ok: reveal(T0 + DAY, { commitmentId: "commitment--2" }), bad: reveal(T0 + DAY) },
  // escalation
  { rule: "escalation: not by the node", code: "LIFECYCLE_ESCALATION_NOT_NODE",
    ok: escalation(RECIPIENT, "receipt", LATER), bad: { ...escalation(RECIPIENT, "receipt", LATER), author: SOURCE } as unknown as LifecycleEvent },
  { rule: "escalation: recipient not a recipient", code: "LIFECYCLE_NOT_A_RECIPIENT", ok: escalation(VENUE, "receipt", LATER), bad: escalation(OUTSIDER, "receipt", LATER) },
  { rule: "escalation: deadline kind not set", code: "LIFECYCLE_NO_SUCH_DEADLINE",
    prior: [version(T0 + 10 * MIN, { deadlines: { receipt: T0 + HOUR, assessment: T0 + DAY } })],
    ok: escalation(RECIPIENT, "assessment", LATER), bad: escalation(RECIPIENT, "action", LATER) },
  { rule: "escalation: names another deadline", code: "LIFECYCLE_ESCALATION_DEADLINE_MISMATCH",
    ok: escalation(RECIPIENT, "action", LATER), bad: escalation(RECIPIENT, "action", LATER, { deadline: T0 + 2 * DAY + 1 }) },
  { rule: "escalation: deadline not yet passed", code: "LIFECYCLE_DEADLINE_NOT_PASSED",
    ok: escalation(RECIPIENT, "receipt", T0 + HOUR), bad: escalation(RECIPIENT, "assessment", T0 + HOUR) },
  { rule: "escalation: deadline does not bind (addressed after it)", code: "LIFECYCLE_DEADLINE_EXCUSED",
    prior: [version(T0 + 2 * HOUR, { recipients: [RECIPIENT, VENUE, LATECOMER] })],
    ok: escalation(RECIPIENT, "receipt", LATER), bad: escalation(LATECOMER, "receipt", LATER) },
  { rule: "escalation: deadline met in time", code: "LIFECYCLE_DEADLINE_MET", prior: received,
    ok: escalation(VENUE, "receipt", LATER), bad: escalation(RECIPIENT, "receipt", LATER) },
  { rule: "escalation: duplicate", code: "LIFECYCLE_DUPLICATE_ESCALATION", prior: [escalation(RECIPIENT, "receipt", T0 + 2 * HOUR)],
    ok: escalation(VENUE, "receipt", LATER), bad: escalation(RECIPIENT, "receipt", LATER) },
];

function run(row: Row, event: LifecycleEvent, prior: readonly LifecycleEvent[] | undefined): unknown {
  const now = row.now ?? event.loggedAt;
  if (row.start === true) return startWarning(event as WarningEvent, now);
  return applyEvent(fold(prior ?? []), event, now);
}

describe("lifecycle rules: one row per rule", () => {
  for (const row of ROWS) {
    it(`${row.rule} → ${row.code}`, () => {
      assert.doesNotThrow(() => run(row, row.ok, row.okPrior ?? row.prior));
      assertCode(() => run(row, row.bad, row.prior), row.code);
    });
  }

  it("covers every error code", () => {
    const covered = new Set(ROWS.map((r) => r.code));
    for (const code of ALL_CODES) assert.ok(covered.has(code), `no row for ${code}`);
  });

  it("docs/lifecycle.md documents every code", () => {
    const doc = readFileSync(join(repoRoot(), "docs", "lifecycle.md"), "utf8");
    for (const code of ALL_CODES) assert.ok(doc.includes(`\`${code}\``), `docs/lifecycle.md does not document ${code}`);
  });
});

// A Record over the union: the compiler refuses this object if a code is added to or removed from it.
const CODE_SET: Record<LifecycleErrorCode, true> = {
  LIFECYCLE_MALFORMED_EVENT: true, LIFECYCLE_UNKNOWN_WARNING: true, LIFECYCLE_RECORD_IN_FUTURE: true,
  LIFECYCLE_NO_RECIPIENTS: true, LIFECYCLE_SELF_ADDRESSED: true, LIFECYCLE_DUPLICATE_RECIPIENT: true,
  LIFECYCLE_WINDOW_INVERTED: true, LIFECYCLE_DEADLINE_BEFORE_CREATED: true, LIFECYCLE_DEADLINES_OUT_OF_ORDER: true,
  LIFECYCLE_WARNING_IN_FUTURE: true, LIFECYCLE_MODIFIED_BEFORE_CREATED: true, LIFECYCLE_VERSION_WRONG_AUTHOR: true,
  LIFECYCLE_VERSION_NOT_NEWER: true, LIFECYCLE_VERSION_CHANGES_CREATED: true, LIFECYCLE_VERSION_DROPS_RECIPIENT: true,
  LIFECYCLE_DEADLINE_RETROACTIVE: true, LIFECYCLE_WARNING_RESOLVED: true, LIFECYCLE_NOT_A_RECIPIENT: true,
  LIFECYCLE_UNKNOWN_VERSION: true, LIFECYCLE_DUPLICATE_RECEIPT: true, LIFECYCLE_RECEIPT_BEFORE_VERSION: true,
  LIFECYCLE_NOT_RECEIVED: true, LIFECYCLE_NOT_ASSESSED: true, LIFECYCLE_NO_STANDING: true, LIFECYCLE_ALREADY_RESOLVED: true,
  LIFECYCLE_EVENT_TIME_MISSING: true, LIFECYCLE_EVENT_TIME_IN_FUTURE: true, LIFECYCLE_REVEAL_NOT_AUTHOR: true,
  LIFECYCLE_UNKNOWN_COMMITMENT: true, LIFECYCLE_REVEAL_MISMATCH: true, LIFECYCLE_DUPLICATE_REVEAL: true,
  LIFECYCLE_ESCALATION_NOT_NODE: true, LIFECYCLE_NO_SUCH_DEADLINE: true, LIFECYCLE_ESCALATION_DEADLINE_MISMATCH: true,
  LIFECYCLE_DEADLINE_NOT_PASSED: true, LIFECYCLE_DEADLINE_EXCUSED: true, LIFECYCLE_DEADLINE_MET: true,
  LIFECYCLE_DUPLICATE_ESCALATION: true,
};
const ALL_CODES = Object.keys(CODE_SET) as LifecycleErrorCode[];
