import { test } from "node:test";
import assert from "node:assert/strict";
import { NodeHarness } from "../testing/node-harness.js";
import { main } from "./main.js";

test("tocsin ach show / export: the matrix with scores and flags, CSV, coded usage errors", async () => {
  const h = await NodeHarness.start();
  const desk = await h.party("desk", { custodial: true });
  const post = (url: string, payload: object) => h.node.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${desk.token}` }, payload });
  const created = await post("/api/v1/boards", {
    name: "cli-board",
    title: "CLI board",
    subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
    hypotheses: [
      { id: "H1", title: "Group A" },
      { id: "H2", title: "State B" },
    ],
    source_groups: [{ id: "press", name: "Press", interested_in: [] }, { id: "state-b", name: "State B officials", interested_in: ["H2"] }],
    evidence: [
      { id: "E1", description: "Forensics match Group A", source: "Daily Paper", source_group: "press", date: "2024-03-24", credibility: "high", relevance: "high" },
      { id: "E2", description: "State B says it was not them, \"obviously\"", source: "State B MFA", source_group: "state-b", date: "2024-03-25", credibility: "low", relevance: "medium" },
    ],
  });
  assert.equal(created.statusCode, 201, created.body);
  const ops = [
    { op: "rate", analyst: "ana", evidence: "E1", hypothesis: "H1", rating: "CC" },
    { op: "rate", analyst: "ana", evidence: "E1", hypothesis: "H2", rating: "II" },
    { op: "rate", analyst: "bob", evidence: "E1", hypothesis: "H2", rating: "I" },
    { op: "rate", analyst: "ana", evidence: "E2", hypothesis: "H2", rating: "C" },
  ];
  assert.equal((await post("/api/v1/boards/cli-board/edits", { operations: ops })).statusCode, 201);
  const dir = h.dir;
  try {
    let out = "";
    assert.equal(await main(["ach", "show", "cli-board", "--data", dir], (s) => (out += s)), 0);
    assert.match(out, /^CLI board\n/);
    assert.match(out, /version 2 of 2 · saved .* by desk \(node-signed\) · log entry \d+/);
    assert.match(out, /\nE1 +Forensics match Group A +H\/H press +CC +II\|I +/);
    // H2: E1 mean(II, I) = −1.5 × √2 · √2 = −3.00
    assert.match(out, /Weighted inconsistency \(0 best\) +0\.00 +-3\.00\n/);
    assert.match(out, /H2 +State B +\[ASSERTED WITHOUT EVIDENCE\]/);
    assert.match(out, /H2: FLAGGED — asserted without evidence: its only support is E2 \(interested party: State B officials; low\s+credibility\)/);
    assert.match(out, /E1 × H2: ana II, bob I \(spread 1\)/);
    assert.match(out, /\n {2}v1 .* created\n {2}v2 /);
    let v1 = "";
    assert.equal(await main(["ach", "show", "cli-board", "--version", "1", "--data", dir], (s) => (v1 += s)), 0);
    assert.match(v1, /version 1 of 2/);

    let csv = "";
    assert.equal(await main(["ach", "export", "cli-board", "--csv", "--data", dir], (s) => (csv += s)), 0);
    const lines = csv.split("\r\n");
    assert.equal(lines[0], "evidence,description,source,source_group,date,credibility,relevance,link,H1,H2,diagnosticity");
    assert.equal(lines[1], "E1,Forensics match Group A,Daily Paper,press,2024-03-24,high,high,,CC,ana:II bob:I,7.0000"); // diagnosticity (2 − (−1.5)) × 2
    assert.equal(lines[2], 'E2,"State B says it was not them, ""obviously""",State B MFA,state-b,2024-03-25,low,medium,,,C,0.0000');
    assert.equal(lines[4], "inconsistency,,,,,,,,0.0000,-3.0000,");

    const quiet = (): void => {};
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.equal(await main(["ach", "show", "no-such-board", "--data", dir], quiet), 2);
      assert.equal(await main(["ach", "export", "cli-board", "--data", dir], quiet), 2, "a format is required");
      assert.equal(await main(["ach", "show", "cli-board", "--version", "9", "--data", dir], quiet), 2);
      assert.equal(await main(["ach", "show", "--data", dir], quiet), 2);
    } finally {
      process.stderr.write = stderr;
    }
  } finally {
    await h.close();
  }
});
