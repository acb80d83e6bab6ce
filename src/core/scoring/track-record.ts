import { scoreForecasts, type ResolvedForecast, type ScoreSet, type ScoringOptions } from "./forecast-scores.js";

/** How warnings are grouped in time: by the UTC calendar month, quarter or year they were issued in. */
export const PERIODS = ["month", "quarter", "year"] as const;
export type Period = (typeof PERIODS)[number];

/** "2024-03", "2024-Q1" or "2024" for a time in ms. */
export function periodKey(ms: number, period: Period): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (period === "year") return String(y);
  if (period === "quarter") return `${y}-Q${Math.floor(m / 3) + 1}`;
  return `${y}-${String(m + 1).padStart(2, "0")}`;
}

export interface GroupScores {
  readonly key: string;
  readonly scores: ScoreSet;
}

/** A party's record as the source of warnings: overall, per recipient and per period. */
export interface SourceTrackRecord {
  readonly overall: ScoreSet;
  readonly byRecipient: readonly GroupScores[];
  readonly byPeriod: readonly GroupScores[];
}

/** The forecasts a party received, scored: overall and per source (how good are the warnings it gets). */
export interface ReceivedForecasts {
  readonly overall: ScoreSet;
  readonly bySource: readonly GroupScores[];
}

export interface TrackRecordOptions extends ScoringOptions {
  readonly period?: Period;
}

const DAY_MS = 86_400_000;

/** periodKey for many times: one Date per distinct UTC day, not per warning. */
function periodKeys(period: Period): (ms: number) => string {
  const byDay = new Map<number, string>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let key = byDay.get(day);
    if (key === undefined) byDay.set(day, (key = periodKey(ms, period)));
    return key;
  };
}

function groupBy(forecasts: readonly ResolvedForecast[], keysOf: (f: ResolvedForecast) => readonly string[]): Map<string, ResolvedForecast[]> {
  const groups = new Map<string, ResolvedForecast[]>();
  for (const f of forecasts) {
    for (const k of keysOf(f)) {
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(f);
    }
  }
  return groups;
}

function scoreGroups(groups: Map<string, ResolvedForecast[]>, options: ScoringOptions): GroupScores[] {
  return [...groups.keys()].sort().map((key) => ({ key, scores: scoreForecasts(groups.get(key)!, options) }));
}

/** The source's scores over the resolved warnings it authored (the caller passes only those). */
export function sourceTrackRecord(authored: readonly ResolvedForecast[], options: TrackRecordOptions = {}): SourceTrackRecord {
  const keyOf = periodKeys(options.period ?? "quarter");
  return {
    overall: scoreForecasts(authored, options),
    byRecipient: scoreGroups(groupBy(authored, (f) => f.recipients), options),
    byPeriod: scoreGroups(groupBy(authored, (f) => [keyOf(f.issuedAt)]), options),
  };
}

/** The scores of the warnings a party received (the caller passes only those). */
export function receivedForecasts(received: readonly ResolvedForecast[], options: ScoringOptions = {}): ReceivedForecasts {
  return {
    overall: scoreForecasts(received, options),
    bySource: scoreGroups(groupBy(received, (f) => [f.source]), options),
  };
}
