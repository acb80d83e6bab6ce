import type { Level, Rating } from "./board.js";

/*
 * The numbers of the PARC-style weighted inconsistency score (standards.md, "Scoring and analysis"):
 * credibility and relevance weights Low 1/√2, Medium 1, High √2, multiplied; I counts −1 and II −2,
 * every other rating 0 (ACH weighs only inconsistency: consistent evidence is usually consistent
 * with several hypotheses and proves little).
 */

export const LEVEL_WEIGHT: Readonly<Record<Level, number>> = { low: Math.SQRT1_2, medium: 1, high: Math.SQRT2 };

/** The inconsistency a rating adds to a hypothesis; NA is excluded from cells (not 0). */
export const INCONSISTENCY: Readonly<Record<Exclude<Rating, "NA">, number>> = { CC: 0, C: 0, N: 0, I: -1, II: -2 };

/** The full scale as numbers, for consensus, diagnosticity and disagreement: CC 2 … II −2. */
export const SCALE_VALUE: Readonly<Record<Exclude<Rating, "NA">, number>> = { CC: 2, C: 1, N: 0, I: -1, II: -2 };

/**
 * The Bayesian view's likelihood P(evidence | hypothesis) per rating: symmetric around N = 0.5 (no
 * information), so a rating and its opposite give reciprocal-ish odds. A documented choice, not a law:
 * ACH ratings are ordinal and any such map is a convention, shown beside the PARC score, never instead of it.
 */
export const LIKELIHOOD: Readonly<Record<Exclude<Rating, "NA">, number>> = { CC: 0.9, C: 0.7, N: 0.5, I: 0.3, II: 0.1 };

/** credibility weight × relevance weight, in [0.5, 2]. */
export function itemWeight(credibility: Level, relevance: Level): number {
  return LEVEL_WEIGHT[credibility] * LEVEL_WEIGHT[relevance];
}
