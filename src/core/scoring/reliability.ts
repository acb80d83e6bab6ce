/**
 * Reliability-diagram data and the Murphy decomposition of the Brier score, from one pass over the
 * forecasts into equal-width probability bins.
 *
 * Murphy (1973) decomposes BS = REL − RES + UNC exactly only when every forecast in a bin equals the
 * bin's mean. With continuous probabilities two within-bin terms remain (Stephenson, Coelho & Jolliffe
 * 2008, "Two extra components in the Brier score decomposition"):
 *
 *   BS = REL − RES + UNC + WBV − WBC
 *   REL = (1/N) Σₖ nₖ (f̄ₖ − ōₖ)²          reliability (calibration error; lower is better)
 *   RES = (1/N) Σₖ nₖ (ōₖ − ō)²           resolution (higher is better)
 *   UNC = ō (1 − ō)                         uncertainty of the events themselves
 *   WBV = (1/N) Σₖ Σ_{i∈k} (fᵢ − f̄ₖ)²     within-bin variance of the forecasts
 *   WBC = (2/N) Σₖ Σ_{i∈k} (fᵢ − f̄ₖ)(oᵢ − ōₖ)  within-bin covariance
 *
 * so the parts sum to the Brier score to rounding error, which the tests check.
 */

/** Ten bins of width 0.1 unless asked otherwise. */
export const DEFAULT_BINS = 10;

export interface ReliabilityBin {
  /** Lower and upper edge of the bin; the last bin includes 1. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean forecast probability in the bin (null when empty). */
  readonly meanForecast: number | null;
  /** Observed frequency of the event in the bin (null when empty). */
  readonly observedFrequency: number | null;
}

export interface MurphyDecomposition {
  readonly reliability: number;
  readonly resolution: number;
  readonly uncertainty: number;
  readonly withinBinVariance: number;
  readonly withinBinCovariance: number;
  /** REL − RES + UNC + WBV − WBC: equals the Brier score. */
  readonly brier: number;
}

export interface ReliabilityDiagram {
  readonly bins: readonly ReliabilityBin[];
  /** Expected calibration error: Σₖ (nₖ/N) |f̄ₖ − ōₖ|. */
  readonly ece: number;
  readonly decomposition: MurphyDecomposition;
}

/** The bin of a probability: ⌊p·k⌋, with p = 1 in the last bin. */
export function binOf(p: number, bins: number): number {
  return Math.min(bins - 1, Math.floor(p * bins));
}

/** Bins, ECE and the Murphy decomposition (with the within-bin terms) of N ≥ 1 forecasts. */
export function reliabilityDiagram(p: ArrayLike<number>, o: ArrayLike<number>, bins: number = DEFAULT_BINS): ReliabilityDiagram {
  const n = p.length;
  const count = new Float64Array(bins);
  const sumF = new Float64Array(bins);
  const sumO = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const k = binOf(p[i]!, bins);
    count[k]!++;
    sumF[k]! += p[i]!;
    sumO[k]! += o[i]!;
    total += o[i]!;
  }
  const rate = total / n;
  const meanF = new Float64Array(bins);
  const meanO = new Float64Array(bins);
  let rel = 0;
  let res = 0;
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let k = 0; k < bins; k++) {
    const c = count[k]!;
    if (c > 0) {
      meanF[k] = sumF[k]! / c;
      meanO[k] = sumO[k]! / c;
      rel += c * (meanF[k]! - meanO[k]!) ** 2;
      res += c * (meanO[k]! - rate) ** 2;
      ece += c * Math.abs(meanF[k]! - meanO[k]!);
    }
    out.push({
      lower: k / bins,
      upper: (k + 1) / bins,
      count: c,
      meanForecast: c > 0 ? meanF[k]! : null,
      observedFrequency: c > 0 ? meanO[k]! : null,
    });
  }
  // Second pass for the within-bin terms (they need the bin means).
  let wbv = 0;
  let wbc = 0;
  for (let i = 0; i < n; i++) {
    const k = binOf(p[i]!, bins);
    const df = p[i]! - meanF[k]!;
    wbv += df * df;
    wbc += df * (o[i]! - meanO[k]!);
  }
  const decomposition: MurphyDecomposition = {
    reliability: rel / n,
    resolution: res / n,
    uncertainty: rate * (1 - rate),
    withinBinVariance: wbv / n,
    withinBinCovariance: (2 * wbc) / n,
    brier: rel / n - res / n + rate * (1 - rate) + wbv / n - (2 * wbc) / n,
  };
  return { bins: out, ece: ece / n, decomposition };
}
