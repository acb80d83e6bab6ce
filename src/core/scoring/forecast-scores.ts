import type { Outcome } from "../lifecycle/index.js";
import { bootstrapMeans, DEFAULT_RESAMPLES, DEFAULT_SEED, MAX_DRAWS_PER_RESAMPLE, percentileInterval, type Interval } from "./bootstrap.js";
import { leadTimeSummary, type LeadTimeSummary } from "./lead-time.js";
import { outcomeValue } from "./outcome-value.js";
import { baseRate, brierSkillScore, logLoss } from "./proper-scores.js";
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

/** Scores a set of resolved warnings, or says there are too few to score. Pure and deterministic. */
export function scoreForecasts(forecasts: readonly ResolvedForecast[], options: ScoringOptions = {}): ScoreSet {
  const bins = options.bins ?? DEFAULT_BINS;
  const needed = options.minResolved ?? DEFAULT_MIN_RESOLVED;
  const seed = options.seed ?? DEFAULT_SEED;
  // One pass over the forecasts into typed arrays sized for all of them; the scored prefix is used.
  const total = forecasts.length;
  const p = new Float64Array(total);
  const o = new Float64Array(total);
  const sq = new Float64Array(total);
  const ll = new Float64Array(total);
  const leadsAll = new Float64Array(total);
  let n = 0;
  let l = 0;
  for (let i = 0; i < total; i++) {
    const f = forecasts[i]!;
    const v = outcomeValue(f.outcome);
    if (v === undefined) continue;
    const q = f.probability;
    p[n] = q;
    o[n] = v;
    sq[n] = (q - v) * (q - v);
    ll[n] = logLoss(q, v);
    n++;
    if (v === 1 && f.eventTime !== undefined) leadsAll[l++] = f.eventTime - f.issuedAt;
  }
  const unscored = total - n;
  if (n < Math.max(1, needed)) return { status: "too-few-resolved", resolved: n, unscored, needed };
  const leads = leadsAll.subarray(0, l);
  const [ps, os, sqs, lls] = [p.subarray(0, n), o.subarray(0, n), sq.subarray(0, n), ll.subarray(0, n)];
  const rate = baseRate(os);
  const brier = mean(sqs);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const [bsB, llB, rateB] = bootstrapMeans([sqs, lls, os], resamples, seed);
  const skillB = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) skillB[b] = brierSkillScore(bsB![b]!, rateB![b]!) ?? NaN;
  return {
    status: "scored",
    resolved: n,
    unscored,
    baseRate: rate,
    brier: { value: brier, ci: percentileInterval(bsB!) },
    logScore: { value: mean(lls), ci: percentileInterval(llB!) },
    brierSkill: { value: brierSkillScore(brier, rate), ci: brierSkillScore(brier, rate) === null ? null : percentileInterval(skillB) },
    reliability: reliabilityDiagram(ps, os, bins),
    leadTime: leadTimeSummary(leads, resamples, seed ^ 0x1ead),
    bootstrap: { resamples, seed, drawsPerResample: Math.min(n, MAX_DRAWS_PER_RESAMPLE) },
  };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}
