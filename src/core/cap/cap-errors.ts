import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a CAP document was refused; tests assert these codes, never messages. */
export type CapErrorCode = ErrorCodeOf<"cap">;

/** The error of the CAP 1.2 mapping and of the Ack import (every one a 4xx: the input's fault). */
export class CapError extends TocsinError<CapErrorCode> {}
