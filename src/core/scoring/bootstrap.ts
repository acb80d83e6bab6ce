import { SeededRandom } from "./prng.js";

/** A 95 % percentile bootstrap interval. */
export type Interval = readonly [lower: number, upper: number];

export interface BootstrapOptions {
  /** Resamples wanted (default 1 000). */
  readonly resamples?: number;
  /** PRNG seed: the same data and seed always give the same intervals. */
  readonly seed?: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 0x70c5;
/**
 * Resampling costs N draws per resample. Past BOOTSTRAP_DRAW_BUDGET / N resamples the intervals of a
 * large sample are already far narrower than anything a reader acts on, so large samples get fewer
 * resamples (never fewer than MIN_RESAMPLES); the count used is reported beside the intervals.
 */
export const BOOTSTRAP_DRAW_BUDGET = 5e7;
export const MIN_RESAMPLES = 100;

export function resamplesFor(n: number, requested: number = DEFAULT_RESAMPLES): number {
  return Math.max(Math.min(MIN_RESAMPLES, requested), Math.min(requested, Math.floor(BOOTSTRAP_DRAW_BUDGET / Math.max(1, n))));
}

/** The q-quantile of sorted values (linear interpolation between order statistics). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The 2.5 % and 97.5 % quantiles of the finite values (NaN ones dropped). */
export function percentileInterval(values: Float64Array): Interval | null {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0) return null;
  return [quantileSorted(finite, 0.025), quantileSorted(finite, 0.975)];
}

/**
 * Resamples the means of several per-item columns at once (the same drawn indices for every column, so
 * statistics derived from several means — the skill score — stay paired). Returns, per column, the
 * mean of each resample.
 */
export function bootstrapMeans(columns: readonly ArrayLike<number>[], resamples: number, seed: number): Float64Array[] {
  const n = columns[0]!.length;
  const rng = new SeededRandom(seed);
  const out = columns.map(() => new Float64Array(resamples));
  const sums = new Float64Array(columns.length);
  const m = columns.length;
  for (let b = 0; b < resamples; b++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      const i = rng.below(n);
      for (let c = 0; c < m; c++) sums[c]! += columns[c]![i]!;
    }
    for (let c = 0; c < m; c++) out[c]![b] = sums[c]! / n;
  }
  return out;
}
