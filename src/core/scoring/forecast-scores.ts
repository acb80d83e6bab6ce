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
  let n = 0;
  let leadCount = 0;
  for (const f of forecasts) {
    const o = outcomeValue(f.outcome);
    if (o === undefined) continue;
    n++;
    if (o === 1 && f.eventTime !== undefined) leadCount++;
  }
  const unscored = forecasts.length - n;
  if (n < Math.max(1, needed)) return { status: "too-few-resolved", resolved: n, unscored, needed };

  const p = new Float64Array(n);
  const o = new Float64Array(n);
  const sq = new Float64Array(n);
  const ll = new Float64Array(n);
  const leads = new Float64Array(leadCount);
  let i = 0;
  let l = 0;
  for (const f of forecasts) {
    const v = outcomeValue(f.outcome);
    if (v === undefined) continue;
    p[i] = f.probability;
    o[i] = v;
    sq[i] = (f.probability - v) ** 2;
    ll[i] = logLoss(f.probability, v);
    if (v === 1 && f.eventTime !== undefined) leads[l++] = f.eventTime - f.issuedAt;
    i++;
  }
  const rate = baseRate(o);
  const brier = mean(sq);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const [bsB, llB, rateB] = bootstrapMeans([sq, ll, o], resamples, seed);
  const skillB = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) skillB[b] = brierSkillScore(bsB![b]!, rateB![b]!) ?? NaN;
  return {
    status: "scored",
    resolved: n,
    unscored,
    baseRate: rate,
    brier: { value: brier, ci: percentileInterval(bsB!) },
    logScore: { value: mean(ll), ci: percentileInterval(llB!) },
    brierSkill: { value: brierSkillScore(brier, rate), ci: brierSkillScore(brier, rate) === null ? null : percentileInterval(skillB) },
    reliability: reliabilityDiagram(p, o, bins),
    leadTime: leadTimeSummary(leads, resamples, seed ^ 0x1ead),
    bootstrap: { resamples, seed, drawsPerResample: Math.min(n, MAX_DRAWS_PER_RESAMPLE) },
  };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}
