/** Timelines of a warning: what each record says, for the API, the offline audit and the report. */
export { summarizeRecord } from "./record-summary.js";
export type { RecordSummary } from "./record-summary.js";
export { custodySummary, signedByPhrase, signerOf } from "./signed-by.js";
export type { Signer } from "./signed-by.js";
export { witnessBoundOf, witnessBoundPhrase } from "./witness-bound.js";
export type { WitnessBound } from "./witness-bound.js";
