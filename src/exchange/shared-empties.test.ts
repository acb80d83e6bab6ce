import { test } from "node:test";
import assert from "node:assert/strict";
import type { WarningState } from "../core/lifecycle/index.js";
import { EMPTY_LIST, withSharedEmpties } from "./shared-empties.js";

const state = (): WarningState => ({
  warningId: "x-tocsin-warning--1",
  author: "identity--a",
  created: 1,
  versions: [{ modified: 1, loggedAt: 2 }],
  arbiters: [],
  windowStart: 1,
  windowEnd: 9,
  deadlines: {},
  commitments: [],
  recipients: [
    { party: "identity--b", state: "issued", reachedAt: { issued: 2 }, receipts: [], opinion: undefined, assessments: [], actions: [], escalations: {} },
    { party: "identity--c", state: "received", reachedAt: { issued: 2, received: 3 }, receipts: [{ warningModified: 1, created: 3, loggedAt: 3 }], opinion: undefined, assessments: [], actions: [], escalations: { receipt: { deadline: 2, loggedAt: 3 } } },
  ],
  resolution: undefined,
  resolutions: [],
  revealed: [],
});

test("shared empties: the state stays deeply equal, its empty lists and maps become one frozen each, the rest is kept", () => {
  const s = state();
  const shared = withSharedEmpties(s);
  assert.deepEqual(shared, state());
  assert.equal(shared.arbiters, EMPTY_LIST);
  assert.equal(shared.recipients[0]!.receipts, EMPTY_LIST);
  assert.equal(shared.recipients[1]!.assessments, EMPTY_LIST);
  assert.equal(shared.recipients[0]!.escalations, shared.deadlines, "one empty map");
  assert.ok(Object.isFrozen(shared.deadlines) && Object.isFrozen(EMPTY_LIST));
  assert.equal(shared.recipients[1]!.receipts, s.recipients[1]!.receipts, "a list with entries is kept as it is");
  assert.equal(shared.versions, s.versions);
  assert.equal(withSharedEmpties(shared), shared, "a state already sharing its empties is returned as it is");
  assert.throws(() => (shared.commitments as string[]).push("c"), TypeError, "a change through a shared list throws");
  assert.deepEqual(s, state(), "the input is not changed");
});
