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
 * Above this many items a resample draws only MAX_DRAWS_PER_RESAMPLE of them and its deviation from
 * the full-sample mean is scaled by √(m/N): the m-out-of-n bootstrap, whose spread for a mean equals
 * the full bootstrap's (σ²/N) while costing m, not N, draws. A track record over a million warnings,
 * per recipient and per period, then costs a few hundred million fewer draws; below the threshold the
 * bootstrap is the ordinary one.
 */
export const MAX_DRAWS_PER_RESAMPLE = 1000;

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
 * mean of each resample (rescaled as described at MAX_DRAWS_PER_RESAMPLE for large samples).
 */
export function bootstrapMeans(columns: readonly ArrayLike<number>[], resamples: number, seed: number): Float64Array[] {
  const n = columns[0]!.length;
  const k = columns.length;
  // Interleaved, so one random draw touches one cache line for every column.
  const rows = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) rows[i * k + c] = columns[c]![i]!;
  return bootstrapInterleaved(rows, k, resamples, seed);
}

/** {@link bootstrapMeans} over items already interleaved: `rows[i * k + c]` is column c of item i. */
export function bootstrapInterleaved(rows: Float64Array, k: number, resamples: number, seed: number): Float64Array[] {
  const n = rows.length / k;
  const m = Math.min(n, MAX_DRAWS_PER_RESAMPLE);
  const shrink = Math.sqrt(m / n);
  const full = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) full[c]! += rows[i * k + c]!;
  for (let c = 0; c < k; c++) full[c]! /= n;
  const rng = new SeededRandom(seed);
  const idx = new Uint32Array(m);
  const sums = new Float64Array(k);
  const out = Array.from({ length: k }, () => new Float64Array(resamples));
  for (let b = 0; b < resamples; b++) {
    rng.fillBelow(idx, n);
    sums.fill(0);
    // The one- and three-column cases (lead time; Brier, log score and base rate) are the hot ones:
    // scalar accumulators there, the general loop otherwise.
    if (k === 1) {
      let s0 = 0;
      for (let j = 0; j < m; j++) s0 += rows[idx[j]!]!;
      sums[0] = s0;
    } else if (k === 3) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < m; j++) {
        const base = idx[j]! * 3;
        s0 += rows[base]!;
        s1 += rows[base + 1]!;
        s2 += rows[base + 2]!;
      }
      sums[0] = s0;
      sums[1] = s1;
      sums[2] = s2;
    } else {
      for (let j = 0; j < m; j++) {
        const base = idx[j]! * k;
        for (let c = 0; c < k; c++) sums[c]! += rows[base + c]!;
      }
    }
    for (let c = 0; c < k; c++) out[c]![b] = full[c]! + (sums[c]! / m - full[c]!) * shrink;
  }
  return out;
}
