import { test } from "node:test";
import assert from "node:assert/strict";
import { analyseBoard, applyEdits, parseBoard, type Board } from "../core/ach/index.js";
import { demoBoardCreate, demoBoardEdits } from "./demo-board.js";

const OWNER = "identity--00000001-aaaa-4bbb-8ccc-dddddddddddd";
const WARNING = "report--00000002-aaaa-4bbb-8ccc-dddddddddddd";

function demoBoard(): Board {
  const { tlp: _tlp, change: _change, ...wire } = demoBoardCreate({ owner: OWNER, warning: WARNING });
  let b = parseBoard(wire);
  for (const e of demoBoardEdits()) b = applyEdits(b, e.operations, { party: OWNER, at: e.at });
  return b;
}

test("the demo scenario's attribution board: H1 ranks first; H2, H3, H4 are asserted without evidence", () => {
  const a = analyseBoard(demoBoard());
  // By hand (group sizes: isis 2, us-gov 1, ru-officials 2, by-officials 1, ua-officials 1):
  //   H1: E5 I (low·medium = 1/√2) / 2                                  = −0.3536
  //   H2: E6 I (medium·medium = 1) + E7 I (1/√2)                        = −1.7071
  //   H3: E3 II (medium·high = √2 · −2) + E6 I + E7 I                   = −4.5355
  //   H4: E2 mean(I, N) (high·high = 2 · −0.5) / 2 + E5 I (1/√2) / 2    = −0.8536
  const expected = { H1: -Math.SQRT1_2 / 2, H2: -1 - Math.SQRT1_2, H3: -2 * Math.SQRT2 - 1 - Math.SQRT1_2, H4: -0.5 - Math.SQRT1_2 / 2 };
  for (const s of a.scores) assert.ok(Math.abs(s.score - expected[s.hypothesis as keyof typeof expected]) < 1e-9, `${s.hypothesis} ${s.score}`);
  assert.equal(a.ranking, "H1 > H4 > H2 > H3");
  assert.deepEqual(a.flags.map((f) => [f.hypothesis, f.flagged]), [["H1", false], ["H2", true], ["H3", true], ["H4", true]]);
  assert.equal(a.flags[0]!.reason, "independent support: E3 (medium, US government)");
  assert.equal(a.flags[3]!.reason, "asserted without evidence: its only support is E7 (interested party: Ukrainian officials; low credibility)");
  assert.match(a.flags[1]!.reason, /E5 \(interested party: Russian officials; low credibility\)/);
  // The Bayesian view agrees on the leader.
  const post = a.bayes.posteriors;
  assert.ok(Object.keys(post).every((h) => h === "H1" || post[h]! < post.H1!));
  // The attacker video is the linchpin between H1 and H4: without it they tie.
  assert.deepEqual(a.linchpins.filter((l) => l.leaderChanges).map((l) => [l.evidence, l.change.kind, l.ranking]), [["E2", "remove", "H1 = H4 > H2 > H3"]]);
  // The two analysts disagree on three cells, none in direction.
  assert.deepEqual(a.disagreements.map((d) => `${d.evidence}×${d.hypothesis}`), ["E1×H3", "E2×H4", "E3×H1"]);
});
