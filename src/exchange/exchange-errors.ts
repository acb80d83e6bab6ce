import type { ErrorCodeOf } from "../core/errors/error-codes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";

/** Errors of the application services (parties, admission, reads). */
export type ExchangeErrorCode = ErrorCodeOf<"exchange">;

export class ExchangeError extends TocsinError<ExchangeErrorCode> {}
