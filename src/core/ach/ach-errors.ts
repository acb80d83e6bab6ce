import { TocsinError } from "../errors/tocsin-error.js";

/** Why a board, an edit to it, or a board record was refused; tests assert these codes. */
export type AchErrorCode =
  | "ACH_BOARD_INVALID" // the board's shape is wrong: a missing or mistyped field, an empty title, no subject
  | "ACH_DUPLICATE_ID" // two hypotheses, evidence items or source groups share an id, or an analyst rates a cell twice
  | "ACH_NAME_TAKEN" // another board on the node has this name
  | "ACH_UNKNOWN_REFERENCE" // a rating, comment, prior or interest names a hypothesis, evidence item or source group the board lacks
  | "ACH_RATING_INVALID" // a rating outside the scale CC, C, N, I, II, NA (blank is no rating)
  | "ACH_LEVEL_INVALID" // a credibility or relevance outside low, medium, high
  | "ACH_EVIDENCE_SOURCE_MISSING" // an evidence item with no source or no source group
  | "ACH_PRIORS_INVALID" // priors not all stated, not in (0, 1], or not summing to 1
  | "ACH_EDIT_INVALID" // an edit operation that is unknown or malformed
  | "ACH_FORBIDDEN" // the party is neither the board's owner nor granted editing rights by it
  | "ACH_BOARD_NOT_FOUND" // no board with that id or name (or none the reader may see)
  | "ACH_VERSION_CONFLICT" // the edit was based on a version that is no longer the latest, or breaks the version chain
  | "ACH_SIGNATURE_REQUIRED"; // the party signs its own records: the node returns the next version for it to sign

/** The error thrown by the ACH core and the board service. */
export class AchError extends TocsinError<AchErrorCode> {}
