import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a board, an edit to it, or a board record was refused; tests assert these codes. */
export type AchErrorCode = ErrorCodeOf<"ach">;

/** The error thrown by the ACH core and the board service. */
export class AchError extends TocsinError<AchErrorCode> {}
