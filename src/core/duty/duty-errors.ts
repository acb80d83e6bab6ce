import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a duty-to-warn record or request was refused; tests assert these codes. */
export type DutyErrorCode = ErrorCodeOf<"duty">;

/** The error thrown by the duty-to-warn core and the duty service. */
export class DutyError extends TocsinError<DutyErrorCode> {}
