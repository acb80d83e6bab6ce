import { test } from "node:test";
import assert from "node:assert/strict";
import { analyseBoard, bayesView, diagnosticity, disagreements, inconsistencyScores, parseBoard, rankingOf, sensitivity, unsupportedFlags } from "./index.js";

const OWNER = "identity--00000001-aaaa-4bbb-8ccc-dddddddddddd";
const close = (actual: number | undefined, expected: number, what: string): void => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

const rate = (analyst: string, evidence: string, cells: Record<string, string>) => Object.entries(cells).map(([hypothesis, rating]) => ({ analyst, evidence, hypothesis, rating }));

/**
 * A small board every number of which is worked out by hand below.
 *   E1  high / medium, group g1 (interested in H2)   A: H1 C,  H2 I,  H3 II
 *   E2  low / high,    group g2                      A: H1 I,  H2 N,  H3 C
 *   E3  medium / low,  group g2                      A: H1 N,  H2 II, H3 C;   B: H1 I, H2 I, H3 I
 */
const small = parseBoard({
  name: "hand-worked",
  title: "Hand-worked board",
  subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
  owner_ref: OWNER,
  hypotheses: [
    { id: "H1", title: "one" },
    { id: "H2", title: "two" },
    { id: "H3", title: "three" },
  ],
  source_groups: [
    { id: "g1", name: "Group one", interested_in: ["H2"] },
    { id: "g2", name: "Group two", interested_in: [] },
  ],
  evidence: [
    { id: "E1", description: "e1", source: "s1", source_group: "g1", date: "2024-03-23", credibility: "high", relevance: "medium" },
    { id: "E2", description: "e2", source: "s2", source_group: "g2", date: "2024-03-24", credibility: "low", relevance: "high" },
    { id: "E3", description: "e3", source: "s3", source_group: "g2", date: "2024-03-25", credibility: "medium", relevance: "low" },
  ],
  ratings: [
    ...rate("A", "E1", { H1: "C", H2: "I", H3: "II" }),
    ...rate("A", "E2", { H1: "I", H2: "N", H3: "C" }),
    ...rate("A", "E3", { H1: "N", H2: "II", H3: "C" }),
    ...rate("B", "E3", { H1: "I", H2: "I", H3: "I" }),
  ],
});

test("weighted inconsistency: weights √2 · 1 etc., I −1 / II −2, analysts averaged, a source group counts once", () => {
  const s = inconsistencyScores(small);
  const r2 = Math.SQRT2;
  const r12 = Math.SQRT1_2;
  // H1: E1 C → 0; E2 (1/√2 · √2 = 1) · −1 / 2 items in g2 = −0.5; E3 (1 · 1/√2) · mean(N 0, I −1) / 2 = −0.1767767
  close(s[0]!.score, -0.5 - r12 * 0.5 / 2, "H1");
  close(s[0]!.score, -0.6767766952966369, "H1 numeric");
  // H2: E1 √2 · −1; E2 N → 0; E3 (1/√2) · mean(II −2, I −1) / 2
  close(s[1]!.score, -r2 - (r12 * 1.5) / 2, "H2");
  close(s[1]!.score, -1.9445436482630059, "H2 numeric");
  // H3: E1 √2 · −2; E2 C → 0; E3 (1/√2) · mean(C 0, I −1) / 2
  close(s[2]!.score, -2 * r2 - (r12 * 0.5) / 2, "H3");
  close(s[2]!.score, -3.0052038200428273, "H3 numeric");
  assert.deepEqual(s.map((x) => x.rank), [1, 2, 3]);
  assert.equal(rankingOf(s), "H1 > H2 > H3");
});

test("NA and blank cells are left out; an unrated hypothesis scores 0 and ties share a rank", () => {
  const b = { ...small, ratings: small.ratings.map((r) => (r.evidence === "E1" && r.hypothesis === "H3" ? { ...r, rating: "NA" as const } : r)).filter((r) => !(r.evidence === "E3" && r.hypothesis === "H3")) };
  const s = inconsistencyScores(b);
  close(s[2]!.score, 0, "H3 with E1 NA and E3 blank");
  const tied = inconsistencyScores({ ...small, ratings: [] });
  assert.deepEqual(tied.map((x) => [x.score, x.rank]), [[0, 1], [0, 1], [0, 1]]);
  assert.equal(rankingOf(tied), "H1 = H2 = H3");
});

test("ten reports of one claim count once", () => {
  const copies = Array.from({ length: 10 }, (_, i) => ({ ...small.evidence[0]!, id: `R${i}` }));
  const copyRatings = copies.flatMap((c) => small.ratings.filter((r) => r.evidence === "E1").map((r) => ({ ...r, evidence: c.id })));
  const repeated = { ...small, evidence: [...small.evidence.filter((e) => e.id !== "E1"), ...copies], ratings: [...small.ratings.filter((r) => r.evidence !== "E1"), ...copyRatings] };
  const a = inconsistencyScores(small);
  const b = inconsistencyScores(repeated);
  for (let i = 0; i < 3; i++) close(b[i]!.score, a[i]!.score, `H${i + 1}`);
  for (const h of ["H1", "H2", "H3"]) close(bayesView(repeated).posteriors[h], bayesView(small).posteriors[h]!, `posterior ${h}`);
});

test("diagnosticity: spread of the consensus ratings across hypotheses, times the item's weights", () => {
  const d = diagnosticity(small);
  // E1: C 1, I −1, II −2 → 3; × √2 · 1
  close(d[0]!.spread, 3, "E1 spread");
  close(d[0]!.weighted, 3 * Math.SQRT2, "E1 weighted");
  // E2: I −1, N 0, C 1 → 2; × 1/√2 · √2 = 1
  close(d[1]!.spread, 2, "E2 spread");
  close(d[1]!.weighted, 2, "E2 weighted");
  // E3: H1 mean(0, −1) = −0.5, H2 mean(−2, −1) = −1.5, H3 mean(1, −1) = 0 → 1.5; × 1 · 1/√2
  close(d[2]!.spread, 1.5, "E3 spread");
  close(d[2]!.weighted, 1.5 * Math.SQRT1_2, "E3 weighted");
});

test("disagreement between analysts, per cell", () => {
  const d = disagreements(small);
  assert.deepEqual(
    d.map((x) => [x.evidence, x.hypothesis, x.spread, x.conflict]),
    [
      ["E3", "H1", 1, false],
      ["E3", "H2", 1, false],
      ["E3", "H3", 2, true],
    ],
  );
  assert.deepEqual(d[2]!.ratings, { A: "C", B: "I" });
});

test("Bayesian view: likelihoods from ratings, pulled toward 0.5 by the weights, groups by geometric mean", () => {
  const v = bayesView(small);
  assert.equal(v.statedPriors, false);
  close(v.priors.H1, 1 / 3, "uniform prior");
  const lik = (e: number) => v.evidence[e]!.likelihoods;
  // E1: r = √2 · 1 / 2; C 0.7 → 0.5 + r · 0.2
  close(lik(0).H1, 0.5 + (Math.SQRT2 / 2) * 0.2, "E1 H1");
  close(lik(0).H3, 0.5 - (Math.SQRT2 / 2) * 0.4, "E1 H3");
  // E2: r = 1/2; I 0.3 → 0.4, N → 0.5, C → 0.6
  close(lik(1).H1, 0.4, "E2 H1");
  close(lik(1).H3, 0.6, "E2 H3");
  // E3: r = (1/√2) / 2; H1 mean(0.5, 0.3) = 0.4 → 0.5 − r · 0.1
  close(lik(2).H1, 0.5 - (Math.SQRT1_2 / 2) * 0.1, "E3 H1");
  close(lik(2).H3, 0.5, "E3 H3: mean(0.7, 0.3)");
  // posterior ∝ L(E1) · √(L(E2) · L(E3)) (E2 and E3 share group g2)
  close(v.posteriors.H1, 0.49859546658837084, "posterior H1");
  close(v.posteriors.H2, 0.2869429668152019, "posterior H2");
  close(v.posteriors.H3, 0.21446156659642732, "posterior H3");
  // LR of E1 for H1: 0.6414214 / mean(0.3585786, 0.2171573)
  close(v.evidence[0]!.likelihoodRatios.H1, 2.228179001447009, "LR E1 H1");
  close(v.evidence[1]!.likelihoodRatios.H3, 0.6 / 0.45, "LR E2 H3");
});

test("stated priors weight the posterior", () => {
  const withPriors = { ...small, hypotheses: small.hypotheses.map((h, i) => ({ ...h, prior: [0.2, 0.3, 0.5][i]! })) };
  const a = bayesView(small).posteriors;
  const b = bayesView(withPriors).posteriors;
  const un = { H1: a.H1! * 0.2, H2: a.H2! * 0.3, H3: a.H3! * 0.5 };
  const t = un.H1 + un.H2 + un.H3;
  close(b.H1, un.H1 / t, "H1");
  close(b.H3, un.H3 / t, "H3");
  assert.equal(bayesView(withPriors).statedPriors, true);
});

test("asserted without evidence: only interested or low-credibility support is flagged, with the reason", () => {
  const f = unsupportedFlags(small);
  assert.deepEqual(f.map((x) => x.flagged), [false, true, true]);
  assert.match(f[0]!.reason, /^independent support: E1 \(high, Group one\)/);
  assert.match(f[1]!.reason, /no evidence item is consistent/);
  assert.match(f[2]!.reason, /only support is E2 \(low credibility\)/);
  // E1 was consistent with H2 but from a group interested in H2: still flagged, and said why.
  const b = { ...small, ratings: small.ratings.map((r) => (r.evidence === "E1" && r.hypothesis === "H2" ? { ...r, rating: "CC" as const } : r)) };
  const h2 = unsupportedFlags(b)[1]!;
  assert.equal(h2.flagged, true);
  assert.match(h2.reason, /E1 \(interested party: Group one\)/);
  assert.deepEqual(h2.support, [{ evidence: "E1", credibility: "high", sourceGroup: "g1", interested: true, qualifies: false }]);
});

test("sensitivity: one linchpin item flips the ranking, the others do not", () => {
  const item = (id: string, credibility: string) => ({ id, description: id, source: id, source_group: id, date: "2024-03-23", credibility, relevance: credibility });
  const board = parseBoard({
    name: "linchpin",
    title: "One linchpin",
    subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
    owner_ref: OWNER,
    hypotheses: [
      { id: "H1", title: "one" },
      { id: "H2", title: "two" },
    ],
    source_groups: ["E1", "E2", "E3", "E4"].map((id) => ({ id, name: id, interested_in: [] })),
    evidence: [item("E1", "high"), item("E2", "medium"), item("E3", "medium"), item("E4", "medium")],
    ratings: [
      ...rate("A", "E1", { H1: "II", H2: "N" }),
      ...rate("A", "E2", { H1: "N", H2: "I" }),
      ...rate("A", "E3", { H1: "N", H2: "I" }),
      ...rate("A", "E4", { H2: "I" }),
    ],
  });
  // H1 = √2 · √2 · −2 = −4; H2 = 3 × −1 = −3.
  const s = sensitivity(board);
  assert.equal(s.ranking, "H2 > H1");
  assert.deepEqual(
    s.linchpins.map((l) => [l.evidence, l.change.kind === "remove" ? "remove" : `credibility ${l.change.from}→${l.change.to}`, l.ranking, l.leaderChanges]),
    [
      ["E1", "remove", "H1 > H2", true], // H1 0 vs −3
      ["E1", "credibility high→low", "H1 > H2", true], // 1/√2 · √2 · −2 = −2
      ["E1", "credibility high→medium", "H1 > H2", true], // √2 · −2 = −2.83 > −3
    ],
  );
  assert.deepEqual(analyseBoard(board).linchpins, s.linchpins);
});

test("sensitivity agrees with rescoring every variant of random boards", () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const levels = ["low", "medium", "high"] as const;
  let found = 0;
  const scale = ["CC", "C", "N", "I", "II", "NA"] as const;
  for (let round = 0; round < 60; round++) {
    const nh = 2 + rnd(3);
    const ne = 1 + rnd(7);
    const groups = 1 + rnd(3);
    const hyps = Array.from({ length: nh }, (_, i) => ({ id: `H${i + 1}`, title: `h${i}` }));
    const evidence = Array.from({ length: ne }, (_, i) => ({ id: `E${i + 1}`, description: "e", source: "s", source_group: `g${rnd(groups)}`, date: "2024-03-23", credibility: levels[rnd(3)], relevance: levels[rnd(3)] }));
    const ratings = evidence.flatMap((e) => hyps.flatMap((h) => ["A", "B"].filter(() => rnd(3) > 0).map((analyst) => ({ analyst, evidence: e.id, hypothesis: h.id, rating: scale[rnd(6)] }))));
    const board = parseBoard({
      name: "random",
      title: "Random",
      subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
      owner_ref: OWNER,
      hypotheses: hyps,
      source_groups: Array.from({ length: groups }, (_, i) => ({ id: `g${i}`, name: `g${i}`, interested_in: [] })),
      evidence,
      ratings,
    });
    const expected: string[] = [];
    const base = rankingOf(inconsistencyScores(board));
    for (const e of board.evidence) {
      const without = rankingOf(inconsistencyScores({ ...board, evidence: board.evidence.filter((x) => x !== e), ratings: board.ratings.filter((r) => r.evidence !== e.id) }));
      if (without !== base) expected.push(`${e.id} remove ${without}`);
      for (const to of levels) {
        if (to === e.credibility) continue;
        const r = rankingOf(inconsistencyScores({ ...board, evidence: board.evidence.map((x) => (x === e ? { ...x, credibility: to } : x)) }));
        if (r !== base) expected.push(`${e.id} ${to} ${r}`);
      }
    }
    const got = sensitivity(board).linchpins.map((l) => `${l.evidence} ${l.change.kind === "remove" ? "remove" : l.change.to} ${l.ranking}`);
    assert.deepEqual(got, expected, `round ${round}`);
    found += got.length;
  }
  assert.ok(found > 20, `the random boards have linchpins to find (${found})`);
});
