import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  brierScore,
  brierSkillScore,
  logScore,
  logLoss,
  outcomeValue,
  periodKey,
  reliabilityDiagram,
  scoreForecasts,
  sourceTrackRecord,
  sourceTrackRecordSteps,
  receivedForecasts,
  receivedForecastsSteps,
  recipientRecord,
  recipientRecordSteps,
  runSteps,
  type ResolvedForecast,
} from "./index.js";

const close = (a: number, b: number, eps = 1e-12, what = "") => assert.ok(Math.abs(a - b) <= eps, `${what} ${a} ≠ ${b}`);

test("Brier score: scikit-learn's published example (y = 0 1 1 0, p = .1 .9 .8 .3) is 0.0375", () => {
  // sklearn.metrics.brier_score_loss documentation example; by hand: (.01 + .01 + .04 + .09) / 4.
  close(brierScore([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0]), 0.0375);
});

test("log score: scikit-learn's published log_loss example is 0.21616 nats", () => {
  // sklearn.metrics.log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]]) ≈ 0.21616,
  // i.e. P(spam) = .9 .1 .2 .65 with spam = 1: −(ln .9 + ln .9 + ln .8 + ln .65) / 4.
  close(logScore([0.9, 0.1, 0.2, 0.65], [1, 0, 0, 1]), 0.21616187468057912, 1e-12);
});

test("log score is clamped: a certain forecast that failed costs ln(1000), not infinity", () => {
  close(logLoss(0, 1), Math.log(1000), 1e-12);
  close(logLoss(1, 0), Math.log(1000), 1e-12);
  close(logLoss(1, 1), -Math.log(0.999), 1e-12);
});

test("Brier skill score against the base rate; undefined when every outcome is the same", () => {
  close(brierSkillScore(0.16, 0.5)!, 0.36);
  close(brierSkillScore(0.25, 0.5)!, 0);
  assert.equal(brierSkillScore(0.1, 1), null);
  assert.equal(brierSkillScore(0.1, 0), null);
});

test("Murphy decomposition, hand-computed: forecasts at two values (no within-bin terms)", () => {
  // p = .2 ×5 (one event) and .8 ×5 (four events): ō = .5, UNC = .25, REL = 0,
  // RES = (5·.3² + 5·.3²)/10 = .09, BS = .25 − .09 = .16 = (4·.04 + .64 + 4·.04 + .64)/10.
  const p = [0.2, 0.2, 0.2, 0.2, 0.2, 0.8, 0.8, 0.8, 0.8, 0.8];
  const o = [0, 0, 0, 0, 1, 1, 1, 1, 1, 0];
  const r = reliabilityDiagram(p, o);
  close(r.decomposition.reliability, 0, 1e-15);
  close(r.decomposition.resolution, 0.09);
  close(r.decomposition.uncertainty, 0.25);
  close(r.decomposition.withinBinVariance, 0, 1e-15);
  close(r.decomposition.withinBinCovariance, 0, 1e-15);
  close(r.decomposition.brier, 0.16);
  close(brierScore(p, o), 0.16);
  close(r.ece, 0, 1e-15);
  assert.equal(r.bins.length, 10);
  assert.deepEqual(
    r.bins.filter((b) => b.count > 0).map((b) => [b.lower, b.count, b.meanForecast, b.observedFrequency]),
    [
      [0.2, 5, 0.2, 0.2],
      [0.8, 5, 0.8, 0.8],
    ],
  );
});

test("Murphy decomposition, hand-computed: the within-bin terms make it exact", () => {
  // Two bins; p = .1 and .3 both in [0, .5), o = 0 and 1. BS = (.01 + .49)/2 = .25.
  // f̄ = .2, ō₀ = .5 = ō: REL = .09, RES = 0, UNC = .25, WBV = (.01 + .01)/2 = .01,
  // WBC = (2/2)·((−.1)(−.5) + (.1)(.5)) = .1 → .09 − 0 + .25 + .01 − .1 = .25.
  const r = reliabilityDiagram([0.1, 0.3], [0, 1], 2);
  close(r.decomposition.reliability, 0.09);
  close(r.decomposition.resolution, 0);
  close(r.decomposition.withinBinVariance, 0.01);
  close(r.decomposition.withinBinCovariance, 0.1);
  close(r.decomposition.brier, 0.25);
  close(r.ece, 0.3); // |.2 − .5|
  // The classic three-term form alone would be off by WBV − WBC = −.09.
  close(r.decomposition.reliability - r.decomposition.resolution + r.decomposition.uncertainty, 0.34);
});

test("property: REL − RES + UNC + WBV − WBC equals the Brier score for any forecasts and bin count", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 20 }),
      (pairs, bins) => {
        const p = pairs.map(([x]) => x);
        const o = pairs.map(([, y]) => (y ? 1 : 0));
        const r = reliabilityDiagram(p, o, bins);
        close(r.decomposition.brier, brierScore(p, o), 1e-12, "decomposition");
        assert.equal(r.bins.reduce((s, b) => s + b.count, 0), p.length);
      },
    ),
  );
});

test("outcome mapping: materialized and prevented → 1, did-not-materialize → 0, unknown → not scored", () => {
  assert.equal(outcomeValue("materialized"), 1);
  assert.equal(outcomeValue("prevented"), 1);
  assert.equal(outcomeValue("did-not-materialize"), 0);
  assert.equal(outcomeValue("unknown"), undefined);
});

const DAY = 86_400_000;
function forecast(i: number, p: number, outcome: ResolvedForecast["outcome"], over: Partial<ResolvedForecast> = {}): ResolvedForecast {
  const issuedAt = Date.UTC(2024, 0, 1) + i * DAY;
  return {
    warningId: `report--${i}`,
    source: "src",
    recipients: ["r1"],
    probability: p,
    issuedAt,
    outcome,
    ...(outcome === "materialized" ? { eventTime: issuedAt + 2 * DAY } : {}),
    ...over,
  };
}

test("too few resolved warnings: a clear state, no scores", () => {
  const few = [forecast(0, 0.7, "materialized"), forecast(1, 0.2, "did-not-materialize"), forecast(2, 0.5, "unknown")];
  assert.deepEqual(scoreForecasts(few), { status: "too-few-resolved", resolved: 2, unscored: 1, needed: 10 });
  assert.equal(scoreForecasts([], { minResolved: 0 }).status, "too-few-resolved", "never scores an empty set");
  assert.equal(scoreForecasts(few, { minResolved: 2 }).status, "scored");
});

test("scores with bootstrap intervals: deterministic for a seed, containing the estimate", () => {
  const fs: ResolvedForecast[] = [];
  for (let i = 0; i < 60; i++) fs.push(forecast(i, (i % 10) / 10 + 0.05, i % 3 === 0 ? "materialized" : i % 3 === 1 ? "did-not-materialize" : "prevented"));
  fs.push(forecast(99, 0.5, "unknown"));
  const a = scoreForecasts(fs);
  const b = scoreForecasts(fs);
  assert.deepEqual(a, b, "same data, same seed, same intervals");
  assert.equal(a.status, "scored");
  if (a.status !== "scored") return;
  assert.equal(a.resolved, 60);
  assert.equal(a.unscored, 1);
  close(a.baseRate, 40 / 60);
  const p = fs.filter((f) => f.outcome !== "unknown").map((f) => f.probability);
  const o = fs.filter((f) => f.outcome !== "unknown").map((f) => outcomeValue(f.outcome)!);
  close(a.brier.value, brierScore(p, o));
  close(a.logScore.value, logScore(p, o));
  for (const e of [a.brier, a.logScore, a.brierSkill]) {
    assert.ok(e.ci && e.ci[0] <= e.value! && e.value! <= e.ci[1], `${JSON.stringify(e)} inside its interval`);
  }
  assert.equal(a.bootstrap.resamples, 1000);
  const c = scoreForecasts(fs, { seed: 7 });
  assert.notDeepEqual(c.status === "scored" && c.brier.ci, a.brier.ci, "another seed, other resamples");
  // Lead time: the 20 materialized warnings all came 2 days ahead.
  assert.equal(a.leadTime!.count, 20);
  assert.equal(a.leadTime!.medianMs, 2 * DAY);
  assert.deepEqual(a.leadTime!.meanCi, [2 * DAY, 2 * DAY]);
});

test("large samples: the m-out-of-n bootstrap keeps the interval of a mean at its full-sample width", async () => {
  const { bootstrapMeans, percentileInterval, MAX_DRAWS_PER_RESAMPLE, SeededRandom } = await import("./index.js");
  // 100 000 fair coin flips: the mean's standard error is 0.5/√N ≈ 0.00158, so the 95 % interval is ≈ ±0.0031.
  const rng = new SeededRandom(1);
  const n = 100_000;
  const x = new Float64Array(n).map(() => (rng.nextUint32() & 1 ? 1 : 0));
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const [lo, hi] = percentileInterval(bootstrapMeans([x], 1000, 9)[0]!)!;
  const half = 1.96 * Math.sqrt((mean * (1 - mean)) / n);
  assert.ok(n > MAX_DRAWS_PER_RESAMPLE);
  assert.ok(Math.abs(hi - lo - 2 * half) < 0.25 * 2 * half, `width ${hi - lo} vs ${2 * half}`);
  assert.ok(lo < mean && mean < hi);
});

test("periods, and a source's record per recipient and per period", () => {
  assert.equal(periodKey(Date.UTC(2024, 2, 22), "month"), "2024-03");
  assert.equal(periodKey(Date.UTC(2024, 2, 22), "quarter"), "2024-Q1");
  assert.equal(periodKey(Date.UTC(2024, 3, 1), "quarter"), "2024-Q2");
  assert.equal(periodKey(Date.UTC(2024, 11, 31), "year"), "2024");
  const fs: ResolvedForecast[] = [];
  for (let i = 0; i < 30; i++) fs.push(forecast(i * 5, 0.6, i % 2 ? "materialized" : "did-not-materialize", { recipients: i < 12 ? ["r1", "r2"] : ["r1"] }));
  const rec = sourceTrackRecord(fs, { period: "month" });
  assert.equal(rec.overall.status, "scored");
  assert.deepEqual(rec.byRecipient.map((g) => [g.key, g.scores.resolved, g.scores.status]), [
    ["r1", 30, "scored"],
    ["r2", 12, "scored"],
  ]);
  assert.deepEqual(rec.byPeriod.map((g) => g.key), ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]);
  assert.equal(rec.byPeriod.reduce((s, g) => s + g.scores.resolved, 0), 30);
  const got = receivedForecasts(fs);
  assert.deepEqual(got.bySource.map((g) => g.key), ["src"]);
});

test("the probability scored is the last version logged before the event: later revisions are hindsight", async () => {
  const { scoredProbability } = await import("./index.js");
  const versions = [
    { loggedAt: 100, probability: 0.3 },
    { loggedAt: 200, probability: 0.5 },
    { loggedAt: 400, probability: 0.99 },
  ];
  assert.equal(scoredProbability(versions, 300), 0.5);
  assert.equal(scoredProbability(versions, 200), 0.5);
  assert.equal(scoredProbability(versions, 1000), 0.99);
  assert.equal(scoredProbability(versions, 50), 0.3);
});

test("scoring in steps: two track records driven step by step, interleaved, equal each one scored in one go", () => {
  const forecastsOf = (seed: number, n: number): ResolvedForecast[] =>
    Array.from({ length: n }, (_, i) => ({
      warningId: `w${seed}-${i}`,
      source: `s${i % 3}`,
      recipients: [`r${i % 4}`, ...(i % 5 === 0 ? [`r${(i + 1) % 4}`] : [])],
      probability: ((i * 7 + seed) % 19) / 20 + 0.02,
      issuedAt: Date.UTC(2026, i % 12, 1 + (i % 27)),
      outcome: i % 11 === 0 ? ("unknown" as const) : i % 3 === 0 ? ("materialized" as const) : ("did-not-materialize" as const),
      eventTime: i % 3 === 0 ? Date.UTC(2026, i % 12, 2 + (i % 27)) : undefined,
    }));
  const a = forecastsOf(1, 3000);
  const b = forecastsOf(2, 1700);
  const options = { period: "month" as const, resamples: 300 };
  const sa = sourceTrackRecordSteps(a, options);
  const rb = receivedForecastsSteps(b, options);
  let steps = 0;
  let da: IteratorResult<void, unknown> | undefined;
  let db: IteratorResult<void, unknown> | undefined;
  while (!da?.done || !db?.done) {
    if (!da?.done) da = sa.next();
    if (!db?.done) db = rb.next();
    steps++;
  }
  assert.ok(steps > 20, `${steps} steps`);
  assert.deepEqual(da.value, sourceTrackRecord(a, options));
  assert.deepEqual(db.value, receivedForecasts(b, options));
  assert.deepEqual(runSteps(recipientRecordSteps("r1", [])), recipientRecord("r1", []));
});
