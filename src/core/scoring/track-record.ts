import { runSteps, type Steps } from "./steps.js";
import { forecastColumns, newScratch, scoreColumnsSteps, type ForecastColumns, type ScoringScratch, type ResolvedForecast, type ScoreSet, type ScoringOptions } from "./forecast-scores.js";

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

/**
 * The rows of each group (a forecast may be in several, e.g. one per recipient) and its unknown outcomes,
 * scored one group per step: the generator yields after each group, so that a caller on an event loop
 * can let other work through between them (each group's bootstrap is the bounded unit of work).
 */
function* scoreGroups(
  forecasts: readonly ResolvedForecast[],
  columns: ForecastColumns,
  keysOf: (f: ResolvedForecast) => readonly string[],
  options: ScoringOptions,
  scratch: ScoringScratch,
): Steps<GroupScores[]> {
  const groups = new Map<string, { rows: number[]; unscored: number }>();
  for (let i = 0; i < forecasts.length; i++) {
    const row = columns.rowOf[i]!;
    for (const k of keysOf(forecasts[i]!)) {
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { rows: [], unscored: 0 }));
      if (row < 0) g.unscored++;
      else g.rows.push(row);
    }
  }
  const out: GroupScores[] = [];
  for (const key of [...groups.keys()].sort()) {
    yield;
    const g = groups.get(key)!;
    out.push({ key, scores: yield* scoreColumnsSteps(columns, g.rows, g.unscored, options, scratch) });
  }
  return out;
}

/** The source's scores over the resolved warnings it authored (the caller passes only those). */
export function sourceTrackRecord(authored: readonly ResolvedForecast[], options: TrackRecordOptions = {}): SourceTrackRecord {
  return runSteps(sourceTrackRecordSteps(authored, options));
}

/**
 * {@link sourceTrackRecord} in steps of a part of one group's scoring each (overall, each recipient, each period):
 * the same computation in the same order, so the same result; a caller drives it and may yield between steps.
 */
export function* sourceTrackRecordSteps(authored: readonly ResolvedForecast[], options: TrackRecordOptions = {}): Steps<SourceTrackRecord> {
  const keyOf = periodKeys(options.period ?? "quarter");
  const columns = forecastColumns(authored);
  const scratch = newScratch(columns.p.length);
  yield;
  const overall = yield* scoreColumnsSteps(columns, undefined, authored.length - columns.p.length, options, scratch);
  const byRecipient = yield* scoreGroups(authored, columns, (f) => f.recipients, options, scratch);
  const byPeriod = yield* scoreGroups(authored, columns, (f) => [keyOf(f.issuedAt)], options, scratch);
  return { overall, byRecipient, byPeriod };
}

/** The scores of the warnings a party received (the caller passes only those). */
export function receivedForecasts(received: readonly ResolvedForecast[], options: ScoringOptions = {}): ReceivedForecasts {
  return runSteps(receivedForecastsSteps(received, options));
}

/** {@link receivedForecasts} in steps of a part of one group's scoring each (overall, each source). */
export function* receivedForecastsSteps(received: readonly ResolvedForecast[], options: ScoringOptions = {}): Steps<ReceivedForecasts> {
  const columns = forecastColumns(received);
  const scratch = newScratch(columns.p.length);
  yield;
  const overall = yield* scoreColumnsSteps(columns, undefined, received.length - columns.p.length, options, scratch);
  const bySource = yield* scoreGroups(received, columns, (f) => [f.source], options, scratch);
  return { overall, bySource };
}
