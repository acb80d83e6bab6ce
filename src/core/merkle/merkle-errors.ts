import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a proof or a proof request was refused; tests assert these codes, never messages. */
export type MerkleErrorCode = ErrorCodeOf<"merkle">;

export class MerkleError extends TocsinError<MerkleErrorCode> {}
