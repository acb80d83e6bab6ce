import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

export type BundleErrorCode = ErrorCodeOf<"bundle">;

/**
 * A bundle that does not have the accountability-bundle shape (checked before anything is verified), a
 * thread statement that is not one, or omission evidence (a record proof) that is not readable.
 */
export class BundleError extends TocsinError<BundleErrorCode> {}
