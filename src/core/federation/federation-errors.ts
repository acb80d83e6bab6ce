import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

export type FederationErrorCode = ErrorCodeOf<"federation">;

/** Refusals of federation: records and peers that do not verify against what this node pinned. */
export class FederationError extends TocsinError<FederationErrorCode> {}
