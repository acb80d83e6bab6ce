import { TocsinError } from "../errors/tocsin-error.js";

// Section numbers refer to STIX Version 2.1 (OASIS Standard, 10 June 2021).
/** Why a STIX 2.1 object (or the validator's configuration) was refused; tests assert codes, never messages. */
export type StixErrorCode =
  | "STIX_NOT_OBJECT" // the value is not a JSON object (§2: every STIX Object is a JSON object)
  | "STIX_SCHEMA" // the official OASIS JSON schema (or a spec-required property it misses) rejects the object
  | "STIX_UNKNOWN_TYPE" // `type` has no official schema and no registered new-sdo extension (§3.1, §7.3)
  | "STIX_ID_FORMAT" // an `id` or reference is not `<type>--<RFC 4122 UUID>`, or `id` names another type (§2.9)
  | "STIX_MODIFIED_BEFORE_CREATED" // `modified` is earlier than `created` (§3.2)
  | "STIX_TIME_ORDER" // another ordered timestamp pair is out of order (e.g. sighting last_seen < first_seen)
  | "STIX_TIMESTAMP" // not an RFC 3339 UTC `Z` timestamp, an impossible date, or below the required precision (§2.15)
  | "STIX_SPEC_VERSION" // `spec_version` is not "2.1" (§3.2)
  | "STIX_REF_TYPE" // a `*_ref`/`*_refs` value points to an object type the spec does not allow there
  | "STIX_UNKNOWN_MARKING" // a marking reference that is neither TLP nor in the caller's known set
  | "STIX_TLP_MISMATCH" // a marking-definition that reuses a TLP id but differs from the published object (§7.2.1.4)
  | "STIX_CIRCULAR_MARKING" // a marking-definition that marks itself (§7.2.1)
  | "STIX_CUSTOM_PROPERTY_NAME" // a property name outside `^[a-z][a-z0-9_]{2,249}$` (§3.1, §11.1)
  | "STIX_EXTENSION_KEY" // an `extensions` key that is neither an extension-definition id nor predefined (§7.3)
  | "STIX_EXTENSION_SCHEMA" // an extension value, or a new-sdo object, rejected by its registered schema
  | "STIX_EXTENSION_MISSING" // a registered new-sdo object that does not name its extension definition
  | "STIX_SCHEMA_LOAD" // the schema directory is missing, unreadable, or lacks an official schema
  | "STIX_EXTENSION_REGISTRATION"; // an extension schema passed to the validator is ill-formed or conflicting

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
