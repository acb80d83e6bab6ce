import type { ErrorCodeOf } from "../core/errors/error-codes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";

export type LogReadErrorCode = ErrorCodeOf<"log">;

export class LogReadError extends TocsinError<LogReadErrorCode> {}
