import type { Board } from "./board.js";
import { cellMean, cellsOf } from "./cells.js";
import { LIKELIHOOD, itemWeight } from "./weights.js";

/**
 * The Bayesian view beside the PARC score. The hypotheses are taken as exclusive and exhaustive.
 *
 * - A cell's likelihood P(e | H) is the mean over analysts of the rating's likelihood (CC 0.9, C 0.7,
 *   N 0.5, I 0.3, II 0.1); NA and blank cells are 0.5 (they say nothing).
 * - Weak evidence is pulled toward 0.5: L' = 0.5 + r · (L − 0.5), with r = w_cred · w_rel / 2 — the
 *   PARC weights again, so high/high evidence counts fully and low/low a quarter.
 * - A source group counts once: its items' L' are combined by their geometric mean.
 * - posterior(H) ∝ prior(H) · Π over groups of L'_group(H); priors as stated, else uniform.
 * - The likelihood ratio of an item for H is P(e | H) / P(e | not H), with P(e | not H) the
 *   prior-weighted mean over the other hypotheses.
 */
export interface BayesView {
  readonly priors: Readonly<Record<string, number>>;
  readonly posteriors: Readonly<Record<string, number>>;
  /** Whether the priors were stated on the board (else uniform). */
  readonly statedPriors: boolean;
  /** Per evidence item: its effective likelihood and likelihood ratio for each hypothesis. */
  readonly evidence: readonly {
    readonly evidence: string;
    readonly likelihoods: Readonly<Record<string, number>>;
    readonly likelihoodRatios: Readonly<Record<string, number>>;
  }[];
}

export function bayesView(board: Board): BayesView {
  const hs = board.hypotheses;
  const statedPriors = hs.length > 0 && hs.every((h) => h.prior !== undefined);
  const priors = Object.fromEntries(hs.map((h) => [h.id, statedPriors ? h.prior! : 1 / hs.length]));
  const cells = cellsOf(board);
  const effective = (eId: string, hId: string, cred: number): number => {
    const l = cellMean(cells.get(eId)?.get(hId), (r) => LIKELIHOOD[r]) ?? 0.5;
    return 0.5 + cred * (l - 0.5);
  };
  const evidence = board.evidence.map((e) => {
    const r = itemWeight(e.credibility, e.relevance) / 2;
    const likelihoods = Object.fromEntries(hs.map((h) => [h.id, effective(e.id, h.id, r)]));
    const likelihoodRatios = Object.fromEntries(
      hs.map((h) => {
        const others = hs.filter((o) => o.id !== h.id);
        const mass = others.reduce((s, o) => s + priors[o.id]!, 0);
        const notH = others.length === 0 || mass === 0 ? likelihoods[h.id]! : others.reduce((s, o) => s + priors[o.id]! * likelihoods[o.id]!, 0) / mass;
        return [h.id, likelihoods[h.id]! / notH];
      }),
    );
    return { evidence: e.id, likelihoods, likelihoodRatios };
  });
  // Log space: hundreds of factors below 1 would underflow a plain product.
  const logPost = new Map<string, number>(hs.map((h) => [h.id, Math.log(priors[h.id]!)]));
  const groups = new Map<string, { lik: Record<string, number> }[]>();
  board.evidence.forEach((e, i) => {
    const list = groups.get(e.sourceGroup) ?? [];
    list.push({ lik: evidence[i]!.likelihoods });
    groups.set(e.sourceGroup, list);
  });
  for (const members of groups.values()) {
    for (const h of hs) logPost.set(h.id, logPost.get(h.id)! + members.reduce((s, m) => s + Math.log(m.lik[h.id]!), 0) / members.length);
  }
  const max = Math.max(...logPost.values());
  const unnorm = hs.map((h) => [h.id, Math.exp(logPost.get(h.id)! - max)] as const);
  const total = unnorm.reduce((s, [, v]) => s + v, 0);
  const posteriors = Object.fromEntries(unnorm.map(([id, v]) => [id, v / total]));
  return { priors, posteriors, statedPriors, evidence };
}
