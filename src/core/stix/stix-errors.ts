import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a STIX 2.1 object (or the validator's configuration) was refused; tests assert codes, never messages. */
export type StixErrorCode = ErrorCodeOf<"stix">;

/** One thing wrong with an object: `property` is an RFC 6901 JSON Pointer into it ("" is the object itself). */
export type StixProblem = {
  readonly code: StixErrorCode;
  readonly property: string;
  readonly message: string;
  /** The JSON Schema keyword that failed, for problems found by a schema. */
  readonly keyword?: string;
};

/** The error thrown by the STIX core; `details.property` names the offending property (a JSON Pointer). */
export class StixError extends TocsinError<StixErrorCode> {}

/** The StixError for a failed validation: the first problem's code, every problem in `details.problems`. */
export function stixErrorFromProblems(problems: readonly StixProblem[]): StixError {
  const first = problems[0];
  if (first === undefined) throw new RangeError("stixErrorFromProblems needs at least one problem");
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return new StixError(first.code, `${first.property || "object"}: ${first.message}${more}`, {
    details: { property: first.property, problems: [...problems] },
  });
}
