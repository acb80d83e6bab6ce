import { TocsinError } from "../errors/tocsin-error.js";

/** Why the TLP core refused its input; tests assert these codes, never messages. */
export type TlpErrorCode =
  | "TLP_RELATIONS_CYCLE" // the organisation map has a unit that is (transitively) its own parent
  | "TLP_UNKNOWN_LEVEL"; // a value that is not one of TLP_LEVELS was passed where a level is required

/**
 * The error thrown by the TLP core. Both codes are programming or configuration errors on the
 * node's side (never caused by a reader), so an HTTP layer should answer them with 500.
 */
export class TlpError extends TocsinError<TlpErrorCode> {}
