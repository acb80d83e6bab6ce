import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/**
 * Why the lifecycle core refused an event: one code per rule, documented with an example in
 * docs/lifecycle.md. Tests assert these codes, never messages.
 */
export type LifecycleErrorCode = ErrorCodeOf<"lifecycle">;

/** The error thrown by the lifecycle core; callers branch on `code`, never on the message. */
export class LifecycleError extends TocsinError<LifecycleErrorCode> {}
