/**
 * The one table from error code to HTTP status and title. docs/errors.md documents every code, and
 * errors.test.ts keeps the two in step. A code missing here is a bug and answers 500.
 */
export const ERROR_TABLE: Readonly<Record<string, { status: number; title: string }>> = {
  // HTTP layer
  HTTP_BAD_PARAMETER: { status: 400, title: "Bad parameter" },
  HTTP_MALFORMED_JSON: { status: 400, title: "Malformed JSON" },
  HTTP_BAD_REQUEST_BODY: { status: 400, title: "Bad request body" },
  HTTP_NOT_FOUND: { status: 404, title: "Not found" },
  HTTP_METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  HTTP_BODY_TOO_LARGE: { status: 413, title: "Request body too large" },
  HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  HTTP_INTERNAL: { status: 500, title: "Internal error" },
  // Log reads
  LOG_SIZE_BEYOND_TREE: { status: 400, title: "Size beyond the tree" },
  LOG_ENTRY_NOT_FOUND: { status: 404, title: "No such log entry" },
  LOG_TILE_NOT_FOUND: { status: 404, title: "No such tile" },
  LOG_NO_CHECKPOINT: { status: 503, title: "No checkpoint yet" },
  TILE_PATH_MALFORMED: { status: 400, title: "Malformed tile path" },
  // Merkle
  MERKLE_BAD_SIZE: { status: 400, title: "Bad tree size" },
  MERKLE_INDEX_OUT_OF_RANGE: { status: 400, title: "Index out of range" },
  MERKLE_BAD_HASH: { status: 400, title: "Bad hash" },
  MERKLE_PROOF_WRONG_LENGTH: { status: 422, title: "Proof has the wrong length" },
  MERKLE_ROOT_MISMATCH: { status: 422, title: "Proof does not match the root" },
  // Log writes
  LOG_ENTRY_TOO_LARGE: { status: 413, title: "Log entry too large" },
  ENTRY_TOO_LARGE: { status: 413, title: "Log entry too large" },
  SEQUENCER_NOT_LEADER: { status: 503, title: "Not the sequencing process" },
  SEQUENCER_STOPPED: { status: 503, title: "Sequencer stopped" },
  STORE_FENCED: { status: 503, title: "Writer fenced off" },
  STORE_UNAVAILABLE: { status: 503, title: "Store unavailable" },
};

export function statusOf(code: string): number {
  return ERROR_TABLE[code]?.status ?? 500;
}
