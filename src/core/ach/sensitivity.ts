import { LEVELS, type Board, type Level } from "./board.js";
import { inconsistencyScores, rankingOf } from "./inconsistency.js";

/** One change to the evidence that would change the ranking: a linchpin of the analysis. */
export interface Linchpin {
  readonly evidence: string;
  /** Removing the item, or setting its credibility to another level. */
  readonly change: { readonly kind: "remove" } | { readonly kind: "credibility"; readonly from: Level; readonly to: Level };
  /** The ranking after the change, e.g. "H2 > H1 > H3". */
  readonly ranking: string;
  /** The top-ranked hypothesis (or tie) changes, not just the order below it. */
  readonly leaderChanges: boolean;
}

export interface Sensitivity {
  readonly ranking: string;
  readonly linchpins: readonly Linchpin[];
}

/**
 * Heuer's step 6: how sensitive the conclusion is to a few items. Every single change — dropping one
 * evidence item, or moving one item's credibility to each other level — is scored again, and the
 * changes that alter the ranking (the order, ties included) are listed.
 */
export function sensitivity(board: Board): Sensitivity {
  const base = inconsistencyScores(board);
  const ranking = rankingOf(base);
  const leader = leaderOf(ranking);
  const linchpins: Linchpin[] = [];
  const test = (evidence: string, change: Linchpin["change"], variant: Board): void => {
    const r = rankingOf(inconsistencyScores(variant));
    if (r !== ranking) linchpins.push({ evidence, change, ranking: r, leaderChanges: leaderOf(r) !== leader });
  };
  for (const e of board.evidence) {
    test(e.id, { kind: "remove" }, { ...board, evidence: board.evidence.filter((x) => x !== e), ratings: board.ratings.filter((r) => r.evidence !== e.id) });
    for (const to of LEVELS) {
      if (to === e.credibility) continue;
      test(e.id, { kind: "credibility", from: e.credibility, to }, { ...board, evidence: board.evidence.map((x) => (x === e ? { ...x, credibility: to } : x)) });
    }
  }
  return { ranking, linchpins };
}

/** "H1" of "H1 > H2", "H1 = H2" of "H1 = H2 > H3". */
function leaderOf(ranking: string): string {
  return ranking.split(" > ")[0]!;
}
