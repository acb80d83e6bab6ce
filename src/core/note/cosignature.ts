import { ed25519Sign, ed25519Verify } from "../crypto/index.js";
import { parseCheckpoint } from "./checkpoint.js";
import {
  cosignedMessage,
  decodeTimestampedSignature,
  encodeTimestampedSignature,
  type VerifiedCosignature,
} from "./cosigned-message.js";
import { NoteError } from "./note-errors.js";
import { NOTE_ALG_COSIGNATURE_V1, noteKeyId, type NoteSigner, type NoteVerifier } from "./note-keys.js";
import { formatSignatureLine, parseNote, parseSignatureLines, type NoteSignature } from "./signed-note.js";

/** The key ID of an Ed25519 cosigner: SHA-256(name || 0x0A || 0x04 || public key)[:4] (tlog-cosignature §Format). */
export function cosignatureKeyId(name: string, publicKey: Uint8Array): number {
  return noteKeyId(name, NOTE_ALG_COSIGNATURE_V1, publicKey);
}

function assertCosigner(key: NoteSigner | NoteVerifier): void {
  // The 0x04 key ID and the timestamped message go together; an 0x01 key here would sign or check the wrong bytes.
  if (key.type !== "cosignature/v1") {
    throw new NoteError("NOTE_BAD_KEY", "a cosignature/v1 key is required", { details: { name: key.name } });
  }
}

/**
 * Cosigns a checkpoint body at `timeSeconds` (the caller's clock) and returns the signature line
 * "— <name> base64(key ID || u64 time || Ed25519 signature)\n", ready for addSignatures.
 */
export function cosignCheckpoint(checkpointBody: string, witness: NoteSigner, timeSeconds: number): string {
  assertCosigner(witness);
  // A witness vouches for checkpoints only; refusing anything else keeps the signature meaningful.
  parseCheckpoint(checkpointBody);
  const signature = ed25519Sign(witness.seed, cosignedMessage(checkpointBody, timeSeconds));
  return formatSignatureLine({
    name: witness.name,
    keyId: witness.keyId,
    signature: encodeTimestampedSignature(timeSeconds, signature),
  });
}

function verifyParsed(checkpointBody: string, sig: NoteSignature, witness: NoteVerifier): VerifiedCosignature {
  const { timestamp, signature } = decodeTimestampedSignature(sig.signature);
  if (!ed25519Verify(witness.publicKey, cosignedMessage(checkpointBody, timestamp), signature)) {
    throw new NoteError("NOTE_BAD_SIGNATURE", "cosignature does not verify", { details: { name: sig.name, keyId: sig.keyId } });
  }
  return { name: sig.name, keyId: sig.keyId, timestamp };
}

/**
 * Verifies one cosignature line over a checkpoint body with a cosigner key; returns its timestamp.
 * Throws NOTE_NO_VERIFIED_SIGNATURE if the line is from another key, NOTE_BAD_SIGNATURE if it fails.
 */
export function verifyCosignature(checkpointBody: string, signatureLine: string, witness: NoteVerifier): VerifiedCosignature {
  assertCosigner(witness);
  const lines = parseSignatureLines(signatureLine.endsWith("\n") ? signatureLine : `${signatureLine}\n`);
  if (lines.length !== 1) throw new NoteError("NOTE_MALFORMED", "expected exactly one signature line");
  const sig = lines[0]!;
  if (sig.name !== witness.name || sig.keyId !== witness.keyId) {
    throw new NoteError("NOTE_NO_VERIFIED_SIGNATURE", "signature line is not from this cosigner", {
      details: { name: sig.name, keyId: sig.keyId },
    });
  }
  return verifyParsed(checkpointBody, sig, witness);
}

/**
 * The verified cosignatures in a note from the given cosigners, ignoring other lines; a failing one
 * throws NOTE_BAD_SIGNATURE. It does not check the log's own signature: use openCheckpoint for that.
 */
export function collectCosignatures(note: string | Uint8Array, witnesses: readonly NoteVerifier[]): VerifiedCosignature[] {
  witnesses.forEach(assertCosigner);
  const { text, signatures } = parseNote(note);
  const out: VerifiedCosignature[] = [];
  for (const sig of signatures) {
    const witness = witnesses.find((w) => w.name === sig.name && w.keyId === sig.keyId);
    if (witness === undefined) continue;
    const verified = verifyParsed(text, sig, witness);
    if (!out.some((c) => c.name === verified.name && c.keyId === verified.keyId)) out.push(verified);
  }
  return out;
}
