/** Track records, a pure core: proper scores, reliability and the Murphy decomposition, bootstrap intervals, lead time, recipients' records. */
export { outcomeValue } from "./outcome-value.js";
export { SeededRandom } from "./prng.js";
export { LOG_SCORE_EPSILON, brierScore, logLoss, logScore, baseRate, brierSkillScore } from "./proper-scores.js";
export { DEFAULT_BINS, binOf, reliabilityDiagram } from "./reliability.js";
export type { ReliabilityBin, MurphyDecomposition, ReliabilityDiagram } from "./reliability.js";
export {
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  MAX_DRAWS_PER_RESAMPLE,
  quantileSorted,
  percentileInterval,
  bootstrapMeans,
  bootstrapInterleaved,
} from "./bootstrap.js";
export type { Interval, BootstrapOptions } from "./bootstrap.js";
export { leadTimeSummary } from "./lead-time.js";
export type { LeadTimeSummary } from "./lead-time.js";
export { DEFAULT_MIN_RESOLVED, forecastColumns, newScratch, scoreColumns, scoreColumnsSteps, scoreForecasts } from "./forecast-scores.js";
export type { ForecastColumns, ScoringScratch, ResolvedForecast, ScoringOptions, Estimate, ScoredSet, TooFewResolved, ScoreSet } from "./forecast-scores.js";
export { PERIODS, periodKey, sourceTrackRecord, sourceTrackRecordSteps, receivedForecasts, receivedForecastsSteps } from "./track-record.js";
export { runSteps } from "./steps.js";
export type { Steps } from "./steps.js";
export type { Period, GroupScores, SourceTrackRecord, ReceivedForecasts, TrackRecordOptions } from "./track-record.js";
export { DISMISSING_OPINIONS, recipientRecord, recipientRecordSteps } from "./recipient-record.js";
export type { DismissedWarning, MissedDeadline, ResponseTime, RecipientRecord } from "./recipient-record.js";
export { scoredProbability } from "./scored-probability.js";
export type { ForecastVersion } from "./scored-probability.js";
