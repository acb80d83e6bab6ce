import type { ErrorCodeOf } from "../core/errors/error-codes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";

export type StoreErrorCode = ErrorCodeOf<"store">;

export class StoreError extends TocsinError<StoreErrorCode> {}
