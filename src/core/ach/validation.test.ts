import { test } from "node:test";
import assert from "node:assert/strict";
import { AchError, applyEdits, boardToWire, parseBoard, type Board } from "./index.js";

const OWNER = "identity--00000001-aaaa-4bbb-8ccc-dddddddddddd";
const OTHER = "identity--00000003-aaaa-4bbb-8ccc-dddddddddddd";
const base = {
  name: "checks",
  title: "Checks",
  description: "What we check.",
  subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
  owner_ref: OWNER,
  hypotheses: [
    { id: "H1", title: "one" },
    { id: "H2", title: "two" },
  ],
  source_groups: [{ id: "g1", name: "Group one", interested_in: ["H1"] }],
  evidence: [{ id: "E1", description: "e1", source: "s1", source_group: "g1", date: "2024-03-23", credibility: "high", relevance: "medium", link: { url: "https://example.org/a" } }],
  ratings: [{ analyst: "A", evidence: "E1", hypothesis: "H1", rating: "C" }],
  comments: [{ author_ref: OWNER, at: "2024-03-24T10:00:00.000Z", text: "ok", evidence: "E1" }],
};
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const codeOf = (fn: () => unknown): [string, unknown] => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AchError, String(e));
    return [e.code, e.details?.field];
  }
  assert.fail("no error");
};
const ctx = { party: OWNER, at: "2024-03-25T00:00:00.000Z" };

test("a valid board parses and round-trips through its wire form", () => {
  const b = parseBoard(base);
  assert.deepEqual(boardToWire(b), base);
  const empty = parseBoard({ ...base, hypotheses: [], source_groups: [{ id: "g1", name: "G" }], evidence: [], ratings: [], comments: [] });
  assert.deepEqual(Object.keys(boardToWire(empty)), ["name", "title", "description", "subject_refs", "owner_ref", "source_groups"]);
  assert.deepEqual(parseBoard(boardToWire(b)), b);
});

test("each kind of bad board is a coded error naming the field", () => {
  const cases: [string, (b: typeof base & Record<string, any>) => void, string, string][] = [
    ["rating outside the scale", (b) => (b.ratings[0]!.rating = "X"), "ACH_RATING_INVALID", "ratings/0/rating"],
    ["evidence with no source", (b) => delete (b.evidence[0] as any).source, "ACH_EVIDENCE_SOURCE_MISSING", "evidence/0/source"],
    ["evidence with a blank source", (b) => (b.evidence[0]!.source = "  "), "ACH_EVIDENCE_SOURCE_MISSING", "evidence/0/source"],
    ["evidence with no source group", (b) => delete (b.evidence[0] as any).source_group, "ACH_EVIDENCE_SOURCE_MISSING", "evidence/0/source_group"],
    ["undeclared source group", (b) => (b.evidence[0]!.source_group = "g9"), "ACH_UNKNOWN_REFERENCE", "evidence/0/source_group"],
    ["credibility outside low/medium/high", (b) => (b.evidence[0]!.credibility = "certain"), "ACH_LEVEL_INVALID", "evidence/0/credibility"],
    ["impossible date", (b) => (b.evidence[0]!.date = "2024-02-30"), "ACH_BOARD_INVALID", "evidence/0/date"],
    ["a link that is no URL", (b) => (b.evidence[0]!.link = { url: "javascript:alert(1)" }), "ACH_BOARD_INVALID", "evidence/0/link/url"],
    ["duplicate hypothesis id", (b) => (b.hypotheses[1]!.id = "H1"), "ACH_DUPLICATE_ID", "hypotheses/1/id"],
    ["rating of an unknown hypothesis", (b) => (b.ratings[0]!.hypothesis = "H7"), "ACH_UNKNOWN_REFERENCE", "ratings/0/hypothesis"],
    ["a cell rated twice by one analyst", (b) => b.ratings.push({ ...b.ratings[0]! }), "ACH_DUPLICATE_ID", "ratings/1"],
    ["interest in an unknown hypothesis", (b) => (b.source_groups[0]!.interested_in = ["H9"]), "ACH_UNKNOWN_REFERENCE", "source_groups/0/interested_in/0"],
    ["priors for some hypotheses only", (b) => ((b.hypotheses[0] as any).prior = 0.5), "ACH_PRIORS_INVALID", "hypotheses"],
    ["priors not summing to 1", (b) => b.hypotheses.forEach((h: any) => (h.prior = 0.4)), "ACH_PRIORS_INVALID", "hypotheses"],
    ["no subject", (b) => (b.subject_refs = []), "ACH_BOARD_INVALID", "subject_refs"],
    ["unknown property", (b) => (b.colour = "red"), "ACH_BOARD_INVALID", "board/colour"],
    ["bad name", (b) => (b.name = "Bad Name"), "ACH_BOARD_INVALID", "name"],
  ];
  for (const [what, mutate, code, field] of cases) {
    const b = clone(base) as any;
    mutate(b);
    assert.deepEqual(codeOf(() => parseBoard(b)), [code, field], what);
  }
});

test("edits: applied all or nothing, coded errors, rights for the owner and granted parties", () => {
  const b: Board = parseBoard(base);
  const after = applyEdits(
    b,
    [
      { op: "add_evidence", evidence: { id: "E2", description: "e2", source: "s2", source_group: "g1", date: "2024-03-24", credibility: "low", relevance: "low" } },
      { op: "rate", analyst: "B", evidence: "E2", hypothesis: "H2", rating: "II" },
      { op: "rate", analyst: "A", evidence: "E1", hypothesis: "H1", rating: "" },
      { op: "update_evidence", id: "E1", credibility: "low" },
      { op: "comment", text: "why", hypothesis: "H2" },
      { op: "grant", party: OTHER },
    ],
    ctx,
  );
  assert.equal(after.evidence.length, 2);
  assert.deepEqual(after.ratings, [{ analyst: "B", evidence: "E2", hypothesis: "H2", rating: "II" }]);
  assert.equal(after.evidence[0]!.credibility, "low");
  assert.equal(after.evidence[0]!.link?.url, "https://example.org/a");
  assert.deepEqual(after.comments.at(-1), { author: OWNER, at: ctx.at, text: "why", hypothesis: "H2" });
  assert.deepEqual(after.editors, [OTHER]);
  // The granted party may edit, but not grant.
  assert.equal(applyEdits(after, [{ op: "rate", analyst: "C", evidence: "E1", hypothesis: "H2", rating: "NA" }], { ...ctx, party: OTHER }).ratings.length, 2);
  assert.deepEqual(codeOf(() => applyEdits(after, [{ op: "grant", party: OTHER }], { ...ctx, party: OTHER })), ["ACH_FORBIDDEN", undefined]);
  assert.deepEqual(codeOf(() => applyEdits(b, [{ op: "comment", text: "hi" }], { ...ctx, party: OTHER })), ["ACH_FORBIDDEN", undefined]);
  assert.deepEqual(codeOf(() => applyEdits(b, [{ op: "rate", analyst: "A", evidence: "E1", hypothesis: "H2", rating: "maybe" }], ctx)), ["ACH_RATING_INVALID", "operations/0/rating"]);
  assert.deepEqual(codeOf(() => applyEdits(b, [{ op: "add_evidence", evidence: { id: "E2", description: "x", source_group: "g1", date: "2024-03-24", credibility: "low", relevance: "low" } }], ctx)), ["ACH_EVIDENCE_SOURCE_MISSING", "operations/0/evidence/source"]);
  assert.deepEqual(codeOf(() => applyEdits(b, [{ op: "rate", analyst: "A", evidence: "E9", hypothesis: "H2", rating: "C" }], ctx)), ["ACH_UNKNOWN_REFERENCE", "ratings/1/evidence"]);
  assert.deepEqual(codeOf(() => applyEdits(b, [{ op: "paint" }], ctx)), ["ACH_EDIT_INVALID", "operations/0/op"]);
  assert.deepEqual(codeOf(() => applyEdits(b, [], ctx)), ["ACH_EDIT_INVALID", "operations"]);
  // Removing a hypothesis removes its ratings and the interests in it.
  const removed = applyEdits(b, [{ op: "remove_hypothesis", id: "H1" }], ctx);
  assert.deepEqual([removed.ratings.length, removed.sourceGroups[0]!.interestedIn], [0, []]);
  const priors = applyEdits(b, [{ op: "set_priors", priors: { H1: 0.25, H2: 0.75 } }], ctx);
  assert.deepEqual(priors.hypotheses.map((h) => h.prior), [0.25, 0.75]);
  assert.deepEqual(codeOf(() => applyEdits(b, [{ op: "set_priors", priors: { H1: 0.25, H2: 0.5 } }], ctx)), ["ACH_PRIORS_INVALID", "hypotheses"]);
});
