/** One logged version of a warning's forecast. */
export interface ForecastVersion {
  readonly loggedAt: number;
  readonly probability: number;
}

/**
 * The probability a warning is scored on: that of the latest version logged before the event (or, with
 * no event time, before the resolution). A version written after the event is hindsight, not a forecast,
 * so revising the probability once the outcome is known cannot improve a source's record. Versions are
 * in log order; if none precedes the cutoff (cannot happen for a well-formed log) the first is used.
 */
export function scoredProbability(versions: readonly ForecastVersion[], cutoff: number): number {
  let chosen = versions[0]!;
  for (const v of versions) if (v.loggedAt <= cutoff) chosen = v;
  return chosen.probability;
}
