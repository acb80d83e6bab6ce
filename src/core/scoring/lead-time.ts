import { bootstrapInterleaved, percentileInterval, quantileSorted, type Interval } from "./bootstrap.js";

/** How long before the event the warning was logged, over the warnings whose event happened at a known time. */
export interface LeadTimeSummary {
  readonly count: number;
  readonly meanMs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Bootstrap interval of the mean (null with a single lead time). */
  readonly meanCi: Interval | null;
}

/**
 * Lead times in milliseconds (event time − the warning's first log time). A negative lead means the
 * warning was logged after the event: kept, not hidden, since it says the warning was no warning.
 */
export function leadTimeSummary(leads: Float64Array, resamples: number, seed: number): LeadTimeSummary | null {
  if (leads.length === 0) return null;
  const sorted = Float64Array.from(leads).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const meanCi = leads.length > 1 ? percentileInterval(bootstrapInterleaved(leads, 1, resamples, seed)[0]!) : null;
  return {
    count: leads.length,
    meanMs: sum / leads.length,
    medianMs: quantileSorted(sorted, 0.5),
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    meanCi,
  };
}
