/**
 * The one error class of Tocsin: a stable string `code` (documented in docs/errors.md, mapped to an
 * HTTP status in one table), a human message, optional structured `details`, and the `cause` kept.
 * Tests assert the code, never the message.
 */
export class TocsinError<Code extends string = string> extends Error {
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
