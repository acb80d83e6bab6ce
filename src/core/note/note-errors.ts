import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";

/** Why a signed note, key, checkpoint or cosignature was refused; tests assert these codes, never messages. */
export type NoteErrorCode = ErrorCodeOf<"note">;

/** The error thrown by the signed-note, checkpoint and cosignature core. */
export class NoteError extends TocsinError<NoteErrorCode> {}
