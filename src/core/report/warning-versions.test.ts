import { test } from "node:test";
import assert from "node:assert/strict";
import { WARNING_EXT } from "../record/index.js";
import { warningVersions } from "./warning-versions.js";

const ID = "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b";
const A = "identity--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const B = "identity--b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

function version(modified: string, ext: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "report",
    id: ID,
    modified,
    name: "Planned attack on large venues",
    description: "An attack is likely within two weeks.",
    extensions: {
      [WARNING_EXT]: {
        extension_type: "property-extension",
        probability: 0.4,
        severity: "medium",
        window_start: "2026-11-25T12:00:00.000Z",
        window_end: "2026-12-09T12:00:00.000Z",
        recipient_refs: [A],
        requested_actions: ["protect large venues"],
        deadlines: { receipt: "2026-11-25T10:00:00.000Z" },
        ...ext,
      },
    },
    ...extra,
  };
}

test("warning versions: what each asked, and what changed from the one before, in words", () => {
  const names = new Map([[A, "RU-FSB"], [B, "VENUE"]]);
  const versions = warningVersions(
    [
      version("2026-11-25T09:00:00.000Z", {}),
      { type: "note", id: "note--1" },
      version("2026-11-26T09:00:00.000Z", { probability: 0.7, severity: "high", recipient_refs: [A, B], requested_actions: ["protect large venues", "close the square"], deadlines: { receipt: "2026-11-25T10:00:00.000Z", action: "2026-11-28T09:00:00.000Z" } }),
      version("2026-11-27T09:00:00.000Z", { probability: 0.7, severity: "high", recipient_refs: [B], requested_actions: ["protect large venues", "close the square"], deadlines: { receipt: "2026-11-25T10:00:00.000Z", action: "2026-11-28T09:00:00.000Z" } }, { description: "Rewritten." }),
    ],
    ID,
    (id) => names.get(id) ?? id,
  );
  assert.equal(versions.length, 3);
  assert.deepEqual(versions[0]!.changes, []);
  assert.equal(versions[0]!.severity, "medium");
  assert.deepEqual(versions[0]!.deadlines, { receipt: "2026-11-25T10:00:00.000Z" });
  assert.deepEqual(versions[1]!.changes, [
    "severity: medium → high",
    "probability: 0.4 → 0.7",
    "requested actions: protect large venues → protect large venues; close the square",
    "action deadline: none → 2026-11-28T09:00:00.000Z",
    "recipients added: VENUE",
  ]);
  assert.deepEqual(versions[2]!.changes, ["description rewritten", "recipients removed: RU-FSB"]);
});

test("warning versions: hostile fields are read as absent, never thrown on", () => {
  const [v] = warningVersions([{ id: ID, extensions: { [WARNING_EXT]: { requested_actions: [1, "x"], deadlines: { receipt: 5 }, probability: "high" } } }], ID);
  assert.deepEqual(v!.requestedActions, ["x"]);
  assert.deepEqual(v!.deadlines, {});
  assert.equal(v!.probability, undefined);
  assert.equal(v!.severity, "");
});
