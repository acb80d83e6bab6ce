import { TocsinError } from "../core/errors/tocsin-error.js";

export type LogReadErrorCode =
  | "LOG_SIZE_BEYOND_TREE" // a proof or tile asked about more leaves than the log holds
  | "LOG_ENTRY_NOT_FOUND" // no leaf at that index
  | "LOG_TILE_NOT_FOUND" // the tile does not exist (yet) at that width
  | "LOG_NO_CHECKPOINT"; // nothing has been signed yet

export class LogReadError extends TocsinError<LogReadErrorCode> {}
