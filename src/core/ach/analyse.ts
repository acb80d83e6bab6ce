import { bayesView, type BayesView } from "./bayes.js";
import type { Board } from "./board.js";
import { diagnosticity, type EvidenceDiagnosticity } from "./diagnosticity.js";
import { disagreements, type CellDisagreement } from "./disagreement.js";
import { inconsistencyScores, rankingOf, type HypothesisScore } from "./inconsistency.js";
import { sensitivity, type Linchpin } from "./sensitivity.js";
import { unsupportedFlags, type UnsupportedFlag } from "./unsupported.js";

/** Everything the tool computes from a board: shown beside it, never stored in it. */
export interface BoardAnalysis {
  readonly scores: readonly HypothesisScore[];
  /** e.g. "H1 > H4 > H2 = H3". */
  readonly ranking: string;
  readonly diagnosticity: readonly EvidenceDiagnosticity[];
  readonly disagreements: readonly CellDisagreement[];
  readonly bayes: BayesView;
  readonly linchpins: readonly Linchpin[];
  readonly flags: readonly UnsupportedFlag[];
}

export function analyseBoard(board: Board): BoardAnalysis {
  const scores = inconsistencyScores(board);
  return {
    scores,
    ranking: rankingOf(scores),
    diagnosticity: diagnosticity(board),
    disagreements: disagreements(board),
    bayes: bayesView(board),
    linchpins: sensitivity(board).linchpins,
    flags: unsupportedFlags(board),
  };
}
