import type { Board } from "./board.js";
import { cellMean, cellsOf } from "./cells.js";
import { SCALE_VALUE, itemWeight } from "./weights.js";

export interface EvidenceDiagnosticity {
  readonly evidence: string;
  /**
   * Spread of the item's consensus ratings across the hypotheses (max − min of the mean CC 2 … II −2
   * values, over the hypotheses with an applicable rating): 0 when it rates every hypothesis alike and
   * so cannot tell them apart (Heuer's non-diagnostic evidence), 4 at most.
   */
  readonly spread: number;
  /** spread × credibility weight × relevance weight: how much the item can move the ranking. */
  readonly weighted: number;
}

export function diagnosticity(board: Board): EvidenceDiagnosticity[] {
  const cells = cellsOf(board);
  return board.evidence.map((e) => {
    const means = board.hypotheses.map((h) => cellMean(cells.get(e.id)?.get(h.id), (r) => SCALE_VALUE[r])).filter((m): m is number => m !== undefined);
    const spread = means.length < 2 ? 0 : Math.max(...means) - Math.min(...means);
    return { evidence: e.id, spread, weighted: spread * itemWeight(e.credibility, e.relevance) };
  });
}
