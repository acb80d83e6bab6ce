import type { Board } from "./board.js";
import { cellMean, cellsOf, groupSizes } from "./cells.js";
import { INCONSISTENCY, itemWeight } from "./weights.js";

/** One hypothesis's weighted inconsistency score (≤ 0; closer to 0 is more likely) and its rank. */
export interface HypothesisScore {
  readonly hypothesis: string;
  readonly score: number;
  /** 1 = least inconsistent; tied hypotheses share a rank. */
  readonly rank: number;
}

/** Scores within this distance are ties (floating-point sums of √2 products). */
export const SCORE_EPSILON = 1e-9;

/**
 * The weighted inconsistency score of each hypothesis:
 *
 *   score(H) = Σ over evidence e of  w_cred(e) · w_rel(e) · mean_analysts(I(rating)) / |group(e)|
 *
 * with I = −1, II = −2, others 0, NA and blank cells left out of the mean. Dividing by the size of the
 * item's source group makes a group count as much as one item, however many reports repeat it.
 * Heuer: the most likely hypothesis is the one with the least evidence against it.
 */
export function inconsistencyScores(board: Board): HypothesisScore[] {
  const cells = cellsOf(board);
  const sizes = groupSizes(board);
  const raw = board.hypotheses.map((h) => {
    let score = 0;
    for (const e of board.evidence) {
      const m = cellMean(cells.get(e.id)?.get(h.id), (r) => INCONSISTENCY[r]);
      if (m !== undefined) score += (itemWeight(e.credibility, e.relevance) * m) / sizes.get(e.sourceGroup)!;
    }
    return { hypothesis: h.id, score: score === 0 ? 0 : score };
  });
  return withRanks(raw);
}

/** Ranks by descending score, ties (within SCORE_EPSILON) sharing the better rank; board order kept. */
export function withRanks(raw: readonly { hypothesis: string; score: number }[]): HypothesisScore[] {
  return raw.map((x) => ({ ...x, rank: 1 + raw.filter((y) => y.score > x.score + SCORE_EPSILON).length }));
}

/** The ranking as a comparable string, e.g. "H1 > H2 = H3": the order with ties shown. */
export function rankingOf(scores: readonly HypothesisScore[]): string {
  const sorted = [...scores].sort((a, b) => a.rank - b.rank);
  return sorted.map((s, i) => (i === 0 ? s.hypothesis : `${sorted[i - 1]!.rank === s.rank ? "=" : ">"} ${s.hypothesis}`)).join(" ");
}
