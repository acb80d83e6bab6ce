import type { Outcome } from "../lifecycle/index.js";
import { bootstrapInterleaved, DEFAULT_RESAMPLES, DEFAULT_SEED, MAX_DRAWS_PER_RESAMPLE, percentileInterval, type Interval } from "./bootstrap.js";
import { leadTimeSummary, type LeadTimeSummary } from "./lead-time.js";
import { outcomeValue } from "./outcome-value.js";
import { brierSkillScore, logLoss } from "./proper-scores.js";
import { runSteps, type Steps } from "./steps.js";
import { DEFAULT_BINS, reliabilityDiagram, type ReliabilityDiagram } from "./reliability.js";

/** One resolved warning as scoring sees it. */
export interface ResolvedForecast {
  readonly warningId: string;
  readonly source: string;
  readonly recipients: readonly string[];
  /** The probability scored (the version in force before the event; see docs/decisions.md). */
  readonly probability: number;
  /** When the node first logged the warning (ms since the epoch). */
  readonly issuedAt: number;
  readonly outcome: Outcome;
  /** When the event happened, if it did and the resolution says (ms). */
  readonly eventTime?: number | undefined;
}

/** Below this many scoreable resolved warnings no score is given: it would be noise presented as a verdict. */
export const DEFAULT_MIN_RESOLVED = 10;

export interface ScoringOptions {
  readonly bins?: number;
  readonly minResolved?: number;
  readonly resamples?: number;
  readonly seed?: number;
}

export interface Estimate {
  readonly value: number;
  readonly ci: Interval | null;
}

export interface ScoredSet {
  readonly status: "scored";
  /** Warnings scored (outcome materialized, prevented or did-not-materialize). */
  readonly resolved: number;
  /** Resolved with outcome "unknown": counted, not scored. */
  readonly unscored: number;
  readonly baseRate: number;
  readonly brier: Estimate;
  readonly logScore: Estimate;
  /** Null when every outcome was the same (the base-rate reference is then perfect). */
  readonly brierSkill: { readonly value: number | null; readonly ci: Interval | null };
  readonly reliability: ReliabilityDiagram;
  readonly leadTime: LeadTimeSummary | null;
  /** Resamples, seed, and items drawn per resample (N, or MAX_DRAWS_PER_RESAMPLE rescaled for large N). */
  readonly bootstrap: { readonly resamples: number; readonly seed: number; readonly drawsPerResample: number };
}

export interface TooFewResolved {
  readonly status: "too-few-resolved";
  readonly resolved: number;
  readonly unscored: number;
  /** How many scoreable resolved warnings a score needs. */
  readonly needed: number;
}

export type ScoreSet = ScoredSet | TooFewResolved;

/**
 * The scoreable forecasts as columns — probability, outcome (0/1), lead time (NaN when none) — with,
 * for each input forecast, its row (−1 when its outcome is unknown). Converting once lets a track
 * record score many groups of the same forecasts (per recipient, per period) from typed arrays.
 */
export interface ForecastColumns {
  readonly p: Float64Array;
  readonly o: Float64Array;
  readonly lead: Float64Array;
  readonly rowOf: Int32Array;
}

export function forecastColumns(forecasts: readonly ResolvedForecast[]): ForecastColumns {
  const total = forecasts.length;
  const p = new Float64Array(total);
  const o = new Float64Array(total);
  const lead = new Float64Array(total);
  const rowOf = new Int32Array(total);
  let n = 0;
  for (let i = 0; i < total; i++) {
    const f = forecasts[i]!;
    const v = outcomeValue(f.outcome);
    if (v === undefined) {
      rowOf[i] = -1;
      continue;
    }
    rowOf[i] = n;
    p[n] = f.probability;
    o[n] = v;
    lead[n] = v === 1 && f.eventTime !== undefined ? f.eventTime - f.issuedAt : NaN;
    n++;
  }
  return { p: p.subarray(0, n), o: o.subarray(0, n), lead: lead.subarray(0, n), rowOf };
}

/** Scores a set of resolved warnings, or says there are too few to score. Pure and deterministic. */
export function scoreForecasts(forecasts: readonly ResolvedForecast[], options: ScoringOptions = {}): ScoreSet {
  const columns = forecastColumns(forecasts);
  return scoreColumns(columns, undefined, forecasts.length - columns.p.length, options);
}

/**
 * Working arrays for scoring up to `capacity` forecasts. Scoring many groups of one track record reuses
 * one set: each typed array counts as external memory, and allocating them per group made the garbage
 * collector walk the (large) heap again and again. Nothing of the scratch survives in a result.
 */
export interface ScoringScratch {
  readonly p: Float64Array;
  readonly o: Float64Array;
  readonly items: Float64Array;
  readonly leads: Float64Array;
}

export function newScratch(capacity: number): ScoringScratch {
  return { p: new Float64Array(capacity), o: new Float64Array(capacity), items: new Float64Array(3 * capacity), leads: new Float64Array(capacity) };
}

/**
 * Scores the given rows of the columns (all of them when `rows` is undefined); `unscored` is how many
 * forecasts of the set were resolved as unknown.
 */
export function scoreColumns(
  columns: ForecastColumns,
  rows: ArrayLike<number> | undefined,
  unscored: number,
  options: ScoringOptions = {},
  scratch: ScoringScratch = newScratch(rows === undefined ? columns.p.length : rows.length),
): ScoreSet {
  return runSteps(scoreColumnsSteps(columns, rows, unscored, options, scratch));
}

/**
 * {@link scoreColumns} in steps (steps.ts): the per-item pass, the scores' bootstrap, the intervals and
 * the reliability diagram, the lead time's bootstrap — each a bounded part of one group's work.
 */
export function* scoreColumnsSteps(
  columns: ForecastColumns,
  rows: ArrayLike<number> | undefined,
  unscored: number,
  options: ScoringOptions = {},
  scratch: ScoringScratch = newScratch(rows === undefined ? columns.p.length : rows.length),
): Steps<ScoreSet> {
  const bins = options.bins ?? DEFAULT_BINS;
  const needed = options.minResolved ?? DEFAULT_MIN_RESOLVED;
  const seed = options.seed ?? DEFAULT_SEED;
  const n = rows === undefined ? columns.p.length : rows.length;
  if (n < Math.max(1, needed)) return { status: "too-few-resolved", resolved: n, unscored, needed };
  const p = scratch.p.subarray(0, n);
  const o = scratch.o.subarray(0, n);
  // Per item, interleaved for the bootstrap: squared error, log loss, outcome.
  const items = scratch.items.subarray(0, 3 * n);
  const leadsAll = scratch.leads.subarray(0, n);
  let l = 0;
  let sumSq = 0;
  let sumLl = 0;
  let sumO = 0;
  for (let j = 0; j < n; j++) {
    const r = rows === undefined ? j : rows[j]!;
    const q = columns.p[r]!;
    const v = columns.o[r]!;
    const sq = (q - v) * (q - v);
    const ll = logLoss(q, v);
    p[j] = q;
    o[j] = v;
    items[3 * j] = sq;
    items[3 * j + 1] = ll;
    items[3 * j + 2] = v;
    sumSq += sq;
    sumLl += ll;
    sumO += v;
    const lead = columns.lead[r]!;
    if (!Number.isNaN(lead)) leadsAll[l++] = lead;
  }
  const rate = sumO / n;
  const brier = sumSq / n;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  yield;
  const [bsB, llB, rateB] = bootstrapInterleaved(items, 3, resamples, seed);
  yield;
  const skillB = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) skillB[b] = brierSkillScore(bsB![b]!, rateB![b]!) ?? NaN;
  const skill = brierSkillScore(brier, rate);
  const brierEstimate = { value: brier, ci: percentileInterval(bsB!) };
  const logScoreEstimate = { value: sumLl / n, ci: percentileInterval(llB!) };
  const brierSkill = { value: skill, ci: skill === null ? null : percentileInterval(skillB) };
  const reliability = reliabilityDiagram(p, o, bins);
  yield;
  const leadTime = leadTimeSummary(leadsAll.subarray(0, l), resamples, seed ^ 0x1ead);
  return {
    status: "scored",
    resolved: n,
    unscored,
    baseRate: rate,
    brier: brierEstimate,
    logScore: logScoreEstimate,
    brierSkill,
    reliability,
    leadTime,
    bootstrap: { resamples, seed, drawsPerResample: Math.min(n, MAX_DRAWS_PER_RESAMPLE) },
  };
}
