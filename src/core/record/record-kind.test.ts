import { test } from "node:test";
import assert from "node:assert/strict";
import { ACTION_EXT, BOARD_EXT, RESOLUTION_EXT, WARNING_EXT } from "./extension-ids.js";
import { recordKindOf, warningRefOf } from "./record-kind.js";

const W = "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b";
const ext = (id: string, body: Record<string, unknown>) => ({ extensions: { [id]: { extension_type: "property-extension", ...body } } });

test("recordKindOf and warningRefOf for every kind", () => {
  const cases: [unknown, string, string | undefined][] = [
    [{ type: "report", id: W, ...ext(WARNING_EXT, {}) }, "warning", W],
    [{ type: "report", id: W }, "other", undefined],
    [{ type: "report", id: W, extensions: { [WARNING_EXT]: "not an object" } }, "other", undefined],
    [{ type: "x-tocsin-receipt", warning_ref: W }, "receipt", W],
    [{ type: "x-tocsin-reveal", warning_ref: W }, "reveal", W],
    [{ type: "x-tocsin-escalation", warning_ref: W }, "escalation", W],
    [{ type: "opinion", object_refs: ["threat-actor--3c9e1f2a-4b5d-4c6e-9f7a-8b9c0d1e2f3a", W] }, "assessment", W],
    [{ type: "opinion", object_refs: ["indicator--3c9e1f2a-4b5d-4c6e-9f7a-8b9c0d1e2f3a"] }, "other", undefined],
    [{ type: "opinion" }, "other", undefined],
    [{ type: "course-of-action", ...ext(ACTION_EXT, { warning_ref: W }) }, "action", W],
    [{ type: "course-of-action" }, "other", undefined],
    [{ type: "note", object_refs: [W], ...ext(RESOLUTION_EXT, { warning_ref: W }) }, "resolution", W],
    [{ type: "note", object_refs: [W] }, "other", undefined],
    [{ type: "identity" }, "identity", undefined],
    [{ type: "grouping", ...ext(BOARD_EXT, {}) }, "attribution-board", undefined],
    [{ type: "grouping" }, "other", undefined],
    [{ type: "incident" }, "other", undefined],
    [null, "other", undefined],
    ["report", "other", undefined],
    [[{ type: "report" }], "other", undefined],
  ];
  for (const [obj, kind, ref] of cases) {
    assert.equal(recordKindOf(obj), kind, JSON.stringify(obj));
    assert.equal(warningRefOf(obj), ref, JSON.stringify(obj));
  }
});

test("warningRefOf ignores references that are not report ids", () => {
  assert.equal(warningRefOf({ type: "x-tocsin-receipt", warning_ref: "note--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b" }), undefined);
  assert.equal(warningRefOf({ type: "x-tocsin-receipt", warning_ref: "report--not-a-uuid" }), undefined);
  assert.equal(warningRefOf({ type: "x-tocsin-receipt", warning_ref: 5 }), undefined);
  assert.equal(warningRefOf({ type: "course-of-action", ...ext(ACTION_EXT, { warning_ref: W.toUpperCase() }) }), undefined);
});
