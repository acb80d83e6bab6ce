/*
 * Strictly proper scores of binary probability forecasts. `p[i]` is the forecast probability of the event,
 * `o[i]` 1 if it happened and 0 if not. Typed arrays so a million forecasts score without allocation.
 */

/** Forecasts are clamped to [LOG_SCORE_EPSILON, 1 − LOG_SCORE_EPSILON] in the log score, so one p = 0 that came true costs ln(1000) ≈ 6.9 nats, not infinity. */
export const LOG_SCORE_EPSILON = 1e-3;

/** Brier score: mean of (p − o)²; 0 is perfect, 0.25 is what always saying 0.5 earns. */
export function brierScore(p: ArrayLike<number>, o: ArrayLike<number>): number {
  const n = p.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i]! - o[i]!;
    s += d * d;
  }
  return s / n;
}

/** The log score of one forecast as a loss: −ln of the probability given to what happened, clamped. */
export function logLoss(p: number, o: number): number {
  const q = Math.min(1 - LOG_SCORE_EPSILON, Math.max(LOG_SCORE_EPSILON, p));
  return -Math.log(o === 1 ? q : 1 - q);
}

/** Mean clamped log score (negative log-likelihood in nats); lower is better, 0 is perfect. */
export function logScore(p: ArrayLike<number>, o: ArrayLike<number>): number {
  const n = p.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += logLoss(p[i]!, o[i]!);
  return s / n;
}

/** The observed frequency of the event: the base rate (climatology). */
export function baseRate(o: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < o.length; i++) s += o[i]!;
  return s / o.length;
}

/**
 * Brier skill score against always forecasting the sample's base rate ō (whose Brier score is ō(1 − ō)):
 * 1 − BS / (ō(1 − ō)). 1 is perfect, 0 no better than the base rate, negative worse. Undefined (null)
 * when every outcome was the same, since the reference then scores a perfect 0.
 */
export function brierSkillScore(brier: number, rate: number): number | null {
  const reference = rate * (1 - rate);
  return reference === 0 ? null : 1 - brier / reference;
}
