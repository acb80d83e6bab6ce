import { TocsinError } from "../errors/tocsin-error.js";

/** Why a proof or a proof request was refused; tests assert these codes, never messages. */
export type MerkleErrorCode =
  | "MERKLE_BAD_SIZE" // a tree size that is negative, not an integer or beyond 2^53 − 1
  | "MERKLE_INDEX_OUT_OF_RANGE" // leaf index ≥ tree size, or consistency sizes out of order
  | "MERKLE_BAD_HASH" // a hash that is not 32 bytes
  | "MERKLE_PROOF_WRONG_LENGTH" // more or fewer proof hashes than the sizes imply
  | "MERKLE_ROOT_MISMATCH"; // the proof recomputes a root other than the one claimed

export class MerkleError extends TocsinError<MerkleErrorCode> {}
