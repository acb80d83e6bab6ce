import { TocsinError } from "../core/errors/tocsin-error.js";

const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * A query or path parameter that must be a non-negative decimal integer (no sign, no leading zeros,
 * at most 2^53 − 1). Anything else is HTTP_BAD_PARAMETER naming the parameter.
 */
export function integerParam(value: unknown, name: string, options: { optional?: boolean } = {}): number | undefined {
  if (value === undefined && options.optional) return undefined;
  if (typeof value !== "string" || !DECIMAL.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new TocsinError("HTTP_BAD_PARAMETER", `${name} must be a non-negative decimal integer`, { details: { parameter: name } });
  }
  return Number(value);
}

export function requiredInteger(value: unknown, name: string): number {
  return integerParam(value, name)!;
}

/** Rejects query parameters the route does not know, so a typo is an error, not a silent default. */
export function onlyParams(query: unknown, allowed: readonly string[]): Record<string, unknown> {
  const q = (query ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(q)) {
    if (!allowed.includes(k)) throw new TocsinError("HTTP_BAD_PARAMETER", `unknown parameter ${k}`, { details: { parameter: k } });
  }
  return q;
}
