import type { ErrorCode } from "./error-codes.js";

/**
 * The one error class of Tocsin: a registered `code` (src/core/errors/error-codes.ts: an unregistered one
 * does not compile), a human message, optional structured `details`, and the `cause` kept.
 * Tests assert the code, never the message.
 */
export class TocsinError<Code extends ErrorCode = ErrorCode> extends Error {
  override readonly name = "TocsinError";
  readonly code: Code;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: Code, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isTocsinError(e: unknown): e is TocsinError {
  return e instanceof TocsinError;
}
