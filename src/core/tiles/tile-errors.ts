import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/**
 * Stable codes for tile/bundle failures (C2SP tlog-tiles): a path that is not one of the spec's canonical
 * static-asset names, an entry bundle whose uint16 length prefixes do not frame its bytes, and an entry
 * that cannot be framed at all because it exceeds the uint16 length prefix.
 */
export type TileErrorCode = ErrorCodeOf<"tiles">;

/** The error thrown by the tiles core; callers branch on `code`, never on the message. */
export class TileError extends TocsinError<TileErrorCode> {}
