import { TocsinError } from "../errors/tocsin-error.js";

/**
 * A TAXII query the core cannot read (a bad filter, timestamp or page token), naming the parameter.
 * A domain code, not a transport one: the HTTP layer answers it as HTTP_BAD_PARAMETER (src/http/problem.ts).
 */
export const TAXII_QUERY_INVALID = "TAXII_QUERY_INVALID";

export function taxiiQueryError(parameter: string, message: string): TocsinError<typeof TAXII_QUERY_INVALID> {
  return new TocsinError(TAXII_QUERY_INVALID, message, { details: { parameter } });
}
