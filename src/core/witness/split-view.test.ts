import { test } from "node:test";
import assert from "node:assert/strict";
import { toBase64 } from "../crypto/index.js";
import { rootsFromConsistencyPath, verifyConsistency } from "../merkle/index.js";
import { formatVerifierKey, generateNoteSigner, openCheckpoint, verifierFromSigner } from "../note/index.js";
import { TestLog } from "../../testing/test-log.js";
import { splitViewEvidenceOf, splitViewOf, verifySplitView, type SplitViewEvidence } from "./index.js";

const signer = generateNoteSigner("example.com/forking-log");
const vkey = formatVerifierKey(signer);
const verifier = verifierFromSigner(signer);
const opened = (log: TestLog, size = log.tree.size) => ({ note: log.checkpoint(size), checkpoint: openCheckpoint(log.checkpoint(size), verifier).checkpoint });
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "none";
};

test("the consistency path's implied roots are the tree's, and verifyConsistency still holds on every pair", () => {
  const log = new TestLog(signer).grow(21);
  for (let m = 1; m < 21; m++) {
    for (let n = m + 1; n <= 21; n++) {
      const proof = log.tree.consistencyProof(m, n);
      verifyConsistency(m, n, log.tree.rootAt(m), log.tree.rootAt(n), proof);
      const path = (m & (m - 1)) === 0 ? [log.tree.rootAt(m), ...proof] : proof;
      const roots = rootsFromConsistencyPath(m, n, path);
      assert.deepEqual(roots.root1, log.tree.rootAt(m), `${m}→${n}`);
      assert.deepEqual(roots.root2, log.tree.rootAt(n), `${m}→${n}`);
    }
  }
});

test("same size, two roots: evidence that verifies offline, in either order, and identifies one fork", () => {
  const base = new TestLog(signer).grow(5);
  const a = base.clone().grow(2, "a ");
  const b = base.clone().grow(2, "b ");
  const evidence = splitViewOf(verifier, opened(a), opened(b))!;
  assert.ok(evidence);
  const view = verifySplitView(evidence, vkey);
  assert.equal(view.kind, "same-size");
  assert.equal(view.origin, signer.name);
  const swapped = verifySplitView({ ...evidence, checkpoints: [evidence.checkpoints[1], evidence.checkpoints[0]] });
  assert.equal(swapped.forkKey, view.forkKey);
  // The same tree twice is no evidence.
  assert.equal(splitViewOf(verifier, opened(a), opened(a)), undefined);
  assert.equal(code(() => verifySplitView({ logKey: vkey, checkpoints: [a.checkpoint(), a.checkpoint()] })), "ALARM_INVALID");
});

test("two sizes: a path leading to the larger root but not the smaller's is evidence; a consistent pair or a power-of-two size is not", () => {
  const base = new TestLog(signer).grow(6);
  const held = base.clone().grow(1, "held "); // size 7
  const fork = base.clone().grow(6, "fork "); // size 12, diverged at 6
  const evidence = splitViewOf(verifier, opened(held), opened(fork), fork.tree.consistencyProof(7, 12))!;
  assert.ok(evidence);
  const view = verifySplitView(evidence);
  assert.equal(view.kind, "inconsistent");
  assert.deepEqual(view.checkpoints.map((c) => c.size), [7, 12]);
  // Round trip through the record's members.
  const record = { log_key: evidence.logKey, checkpoints: evidence.checkpoints, consistency_path: evidence.consistencyPath!.map(toBase64) };
  assert.equal(verifySplitView(splitViewEvidenceOf(JSON.parse(JSON.stringify(record)))).forkKey, view.forkKey);
  // The honest continuation is consistent: no evidence, and evidence built from it does not verify.
  const honest = held.clone().grow(5);
  assert.equal(splitViewOf(verifier, opened(held), opened(honest), honest.tree.consistencyProof(7, 12)), undefined);
  assert.equal(code(() => verifySplitView({ logKey: vkey, checkpoints: [held.checkpoint(), honest.checkpoint()], consistencyPath: honest.tree.consistencyProof(7, 12) })), "ALARM_INVALID");
  // A proof about another tree (not leading to the larger root) proves nothing.
  const other = base.clone().grow(6, "other ");
  assert.equal(splitViewOf(verifier, opened(held), opened(fork), other.tree.consistencyProof(7, 12)), undefined);
  // From a power-of-two size the proof leaves out the very node that differs: no evidence from it.
  const pow2 = base.clone().grow(2, "p "); // size 8
  assert.equal(splitViewOf(verifier, opened(pow2), opened(fork), fork.tree.consistencyProof(8, 12)), undefined);
});

test("evidence that proves nothing is ALARM_INVALID: another key, an altered note, a wrong path, the wrong order", () => {
  const base = new TestLog(signer).grow(6);
  const held = base.clone().grow(1, "held ");
  const fork = base.clone().grow(6, "fork ");
  const good = splitViewOf(verifier, opened(held), opened(fork), fork.tree.consistencyProof(7, 12))!;
  const impostor = generateNoteSigner(signer.name);
  const cases: [string, SplitViewEvidence, string?][] = [
    ["another log key", { ...good, logKey: formatVerifierKey(impostor) }],
    ["not the trusted key", good, formatVerifierKey(impostor)],
    ["an altered note", { ...good, checkpoints: [good.checkpoints[0].replace("\n7\n", "\n8\n"), good.checkpoints[1]] }],
    ["a note signed by someone else", { ...good, checkpoints: [new TestLog(impostor).grow(7).checkpoint(), good.checkpoints[1]] }],
    ["the larger first", { ...good, checkpoints: [good.checkpoints[1], good.checkpoints[0]] }],
    ["no path", { logKey: good.logKey, checkpoints: good.checkpoints }],
    ["a truncated path", { ...good, consistencyPath: good.consistencyPath!.slice(1) }],
    ["a path with a changed hash", { ...good, consistencyPath: [new Uint8Array(32), ...good.consistencyPath!.slice(1)] }],
    ["a path on a same-size pair", { logKey: vkey, checkpoints: [held.checkpoint(), base.clone().grow(1, "x ").checkpoint()], consistencyPath: good.consistencyPath! }],
    ["a log key that is no key", { ...good, logKey: "nonsense" }],
  ];
  for (const [what, evidence, trusted] of cases) assert.equal(code(() => verifySplitView(evidence, trusted)), "ALARM_INVALID", what);
  for (const bad of [null, [], "x", { log_key: vkey }, { log_key: vkey, checkpoints: ["a"] }, { log_key: vkey, checkpoints: ["a", "b"], consistency_path: ["AAAA"] }]) {
    assert.equal(code(() => splitViewEvidenceOf(bad)), "ALARM_INVALID", JSON.stringify(bad));
  }
});
