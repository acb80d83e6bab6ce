import { bytesEqual, concatBytes, fromHex, sha256, toHex } from "../crypto/index.js";
import { RecordError } from "./record-errors.js";

/*
 * Sealed evidence (design README, "warning … sealed evidence commitments"). A warning may carry the
 * digest SHA-256(salt || evidence) of evidence its sender cannot share yet; a later reveal record
 * publishes salt and evidence, and anyone can check they match what was committed on the warning's date.
 *
 * The salt hides the evidence until the reveal: without it, evidence drawn from a small set ("the target
 * is venue 3 of 40") could be found by hashing every candidate. 32 random bytes (256 bits) put that far
 * out of reach. SHA-256 is collision resistant, so the sender cannot later open the commitment to other
 * committed bytes (binding).
 *
 * The salt is EXACTLY 32 bytes, never more or less. The digest covers only the concatenation, not where
 * the salt ends, so with a variable-length salt the same committed bytes could be split differently at
 * reveal time: a sender who committed to salt || "not venue 3" could reveal the salt extended by "not "
 * and the evidence "venue 3" — a valid opening of the same digest to different evidence. With a fixed
 * length the split point is part of the format: the first 32 bytes are the salt and everything after
 * them is the evidence, so each committed byte string has exactly one opening. Any other salt length is
 * refused when committing and never opens a commitment when revealing.
 */

/** The length of every commitment salt, in bytes (exactly; see above). */
export const COMMITMENT_SALT_BYTES = 32;

/** The commitment digest SHA-256(salt || evidence), lowercase hex. RECORD_COMMITMENT_SALT_LENGTH unless the salt is exactly 32 bytes. */
export function commitmentDigest(salt: Uint8Array, evidence: Uint8Array): string {
  if (salt.length !== COMMITMENT_SALT_BYTES) {
    throw new RecordError("RECORD_COMMITMENT_SALT_LENGTH", `a commitment salt is exactly ${COMMITMENT_SALT_BYTES} bytes`, {
      details: { bytes: salt.length },
    });
  }
  return toHex(sha256(concatBytes(salt, evidence)));
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * True if salt and evidence open the commitment `commitmentHex` (64 lowercase hex digits). The digest
 * comparison is constant-time. A malformed commitment or a salt of any length but 32 bytes is simply
 * false: such a commitment could not have been made here, and a reveal is either valid or not.
 */
export function checkReveal(commitmentHex: string, salt: Uint8Array, evidence: Uint8Array): boolean {
  if (!HEX64.test(commitmentHex) || salt.length !== COMMITMENT_SALT_BYTES) return false;
  const expected = fromHex(commitmentHex)!;
  return bytesEqual(sha256(concatBytes(salt, evidence)), expected);
}
