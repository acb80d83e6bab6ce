import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why the TLP core refused its input; tests assert these codes, never messages. */
export type TlpErrorCode = ErrorCodeOf<"tlp">;

/**
 * The error thrown by the TLP core. Both codes are programming or configuration errors on the
 * node's side (never caused by a reader), so an HTTP layer should answer them with 500.
 */
export class TlpError extends TocsinError<TlpErrorCode> {}
