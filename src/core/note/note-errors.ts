import { TocsinError } from "../errors/tocsin-error.js";

/** Why a signed note, key, checkpoint or cosignature was refused; tests assert these codes, never messages. */
export type NoteErrorCode =
  | "NOTE_MALFORMED" // not a well-formed signed note (signed-note §Format)
  | "NOTE_BAD_KEY" // an unparseable or inconsistent signer/verifier key, or an invalid key name
  | "NOTE_NO_VERIFIED_SIGNATURE" // no signature from a known key verified (signed-note §Signatures: MUST reject)
  | "NOTE_BAD_SIGNATURE" // a known key's signature failed to verify (signed-note §Signatures: SHOULD reject)
  | "CHECKPOINT_MALFORMED" // the note text is not a tlog-checkpoint body (tlog-checkpoint §Note text)
  | "CHECKPOINT_ORIGIN_MISMATCH" // origin differs from the log key name or from the expected origin
  | "COSIGNATURE_MALFORMED"; // a cosignature payload or timestamp outside tlog-cosignature §Format

/** The error thrown by the signed-note, checkpoint and cosignature core. */
export class NoteError extends TocsinError<NoteErrorCode> {}
