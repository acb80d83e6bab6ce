import { LEVELS, type Board, type Level } from "./board.js";
import { cellMean, cellsOf, groupSizes } from "./cells.js";
import { rankingOf, withRanks } from "./inconsistency.js";
import { INCONSISTENCY, LEVEL_WEIGHT } from "./weights.js";

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
 *
 * The score is a sum of per-group terms (inconsistency.ts), so a change to one item is applied to its
 * group's term alone: O(items × hypotheses) for the whole analysis rather than rescoring the board for
 * each of its 3 × items variants (a 500-item board would otherwise take seconds).
 */
export function sensitivity(board: Board): Sensitivity {
  const cells = cellsOf(board);
  const sizes = groupSizes(board);
  const hs = board.hypotheses.map((h) => h.id);
  // m[e][h]: the analysts' mean inconsistency of a cell (0 when none applies); S[g][h]: Σ over the group of w · m.
  const m = board.evidence.map((e) => hs.map((h) => cellMean(cells.get(e.id)?.get(h), (r) => INCONSISTENCY[r]) ?? 0));
  const w = (credibility: Level, relevance: Level): number => LEVEL_WEIGHT[credibility] * LEVEL_WEIGHT[relevance];
  const groupSum = new Map<string, number[]>();
  board.evidence.forEach((e, i) => {
    const s = groupSum.get(e.sourceGroup) ?? hs.map(() => 0);
    hs.forEach((_, j) => (s[j]! += w(e.credibility, e.relevance) * m[i]![j]!));
    groupSum.set(e.sourceGroup, s);
  });
  const base = hs.map((_, j) => [...groupSum.entries()].reduce((t, [g, s]) => t + s[j]! / sizes.get(g)!, 0));
  const ranking = rankingOf(withRanks(hs.map((h, j) => ({ hypothesis: h, score: base[j]! }))));
  const leader = leaderOf(ranking);
  const linchpins: Linchpin[] = [];
  const test = (evidence: string, change: Linchpin["change"], scores: number[]): void => {
    const r = rankingOf(withRanks(hs.map((h, j) => ({ hypothesis: h, score: clean(scores[j]!) }))));
    if (r !== ranking) linchpins.push({ evidence, change, ranking: r, leaderChanges: leaderOf(r) !== leader });
  };
  board.evidence.forEach((e, i) => {
    const n = sizes.get(e.sourceGroup)!;
    const s = groupSum.get(e.sourceGroup)!;
    const own = w(e.credibility, e.relevance);
    // Without e: its group's term loses e and is averaged over one item fewer.
    test(e.id, { kind: "remove" }, hs.map((_, j) => base[j]! - s[j]! / n + (n > 1 ? (s[j]! - own * m[i]![j]!) / (n - 1) : 0)));
    for (const to of LEVELS) {
      if (to === e.credibility) continue;
      const delta = w(to, e.relevance) - own;
      test(e.id, { kind: "credibility", from: e.credibility, to }, hs.map((_, j) => base[j]! + (delta * m[i]![j]!) / n));
    }
  });
  return { ranking, linchpins };
}

/** Cancelled sums land a hair off the score a fresh sum would give; snap them so ties stay ties. */
function clean(x: number): number {
  return Math.abs(x) < 1e-12 ? 0 : x;
}

/** "H1" of "H1 > H2", "H1 = H2" of "H1 = H2 > H3". */
function leaderOf(ranking: string): string {
  return ranking.split(" > ")[0]!;
}
