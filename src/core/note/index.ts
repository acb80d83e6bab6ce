/** Signed notes, checkpoints and cosignatures (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature): a pure core. */
export { NoteError } from "./note-errors.js";
export type { NoteErrorCode } from "./note-errors.js";
export {
  NOTE_ALG_ED25519,
  NOTE_ALG_COSIGNATURE_V1,
  noteAlgorithmByte,
  isValidKeyName,
  noteKeyId,
  formatKeyId,
  generateNoteSigner,
  makeNoteVerifier,
  verifierFromSigner,
  parseSignerKey,
  formatSignerKey,
  parseVerifierKey,
  formatVerifierKey,
} from "./note-keys.js";
export type { NoteKeyType, NoteSigner, NoteVerifier } from "./note-keys.js";
export {
  MAX_NOTE_SIGNATURES,
  isValidNoteString,
  parseSignatureLines,
  parseNote,
  formatSignatureLine,
  formatNote,
  signNote,
  addSignatures,
  openNote,
  verifyParsedNote,
} from "./signed-note.js";
export type { NoteSignature, ParsedNote, NoteKeyRef, VerifiedNoteSignature, OpenedNote } from "./signed-note.js";
export {
  COSIGNATURE_V1_HEADER,
  TIMESTAMPED_SIGNATURE_BYTES,
  assertCosignatureTime,
  cosignedMessage,
  encodeTimestampedSignature,
  decodeTimestampedSignature,
} from "./cosigned-message.js";
export type { VerifiedCosignature } from "./cosigned-message.js";
export { CHECKPOINT_ROOT_HASH_BYTES, formatCheckpoint, parseCheckpoint, signCheckpoint, openCheckpoint, openParsedCheckpoint, parseCheckpointNote } from "./checkpoint.js";
export type { Checkpoint, OpenedCheckpoint, ParsedCheckpointNote } from "./checkpoint.js";
export { cosignatureKeyId, cosignCheckpoint, verifyCosignature, collectCosignatures } from "./cosignature.js";
// ML-DSA-44 cosignatures are imported from ./ml-dsa-cosignature.js directly: the verify library (which
// re-exports this index) stays free of the post-quantum package.
