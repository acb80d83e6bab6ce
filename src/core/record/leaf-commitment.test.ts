import { test } from "node:test";
import assert from "node:assert/strict";
import { workedExample } from "../../testing/worked-example.js";
import { leafCommitmentProblem } from "./leaf-commitment.js";
import { recordLeafOf } from "./log-leaf.js";

test("a leaf commits to exactly its record: digest, id, version, kind", () => {
  const ex = workedExample();
  const leaf = recordLeafOf(ex.signed, "2026-11-25T09:00:01.234567Z");
  assert.equal(leafCommitmentProblem(leaf, ex.signed), undefined);
  assert.match(leafCommitmentProblem(leaf, { ...ex.signed, name: "altered" })!, /does not match the digest/);
  // A leaf that names another id, version or kind, with the record's own digest, is not its leaf either.
  for (const other of [{ id: "report--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d" }, { modified: "2026-11-25T09:00:00.001Z" }, { kind: "receipt" as const }]) {
    assert.match(leafCommitmentProblem({ ...leaf, ...other }, ex.signed)!, /names another record or version/, JSON.stringify(other));
  }
  // What is not a record at all is a problem, never a throw.
  for (const hostile of [null, 42, "text", { a: 1 }, { id: ex.signed.id, extensions: { x: NaN } }]) {
    assert.ok(leafCommitmentProblem(leaf, hostile), JSON.stringify(hostile));
  }
});
