import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a record, its canonical form, its signature, its log leaf or a commitment was refused; tests assert these codes. */
export type RecordErrorCode = ErrorCodeOf<"record">;

/** The error thrown by the record core (canonical JSON, signatures, log leaves, commitments). */
export class RecordError extends TocsinError<RecordErrorCode> {}
