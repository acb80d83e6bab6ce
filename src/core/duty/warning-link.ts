import { fromHex, utf8 } from "../crypto/index.js";
import { checkReveal, commitmentDigest } from "../record/commitment.js";

/*
 * How a sanitised warning proves which determination it discharged, without telling its recipients
 * anything about that determination. The warning carries, among its ordinary sealed-evidence
 * commitments (formats §2.6), one whose committed bytes are the determination's record digest (the 32
 * bytes of SHA-256 over the signed determination, formats §2.4):
 *
 *   link commitment = SHA-256(salt ‖ determination digest)        salt: exactly 32 random bytes
 *
 * The recipient sees only a digest; the salt makes it impossible to test a guessed determination
 * against it. The salt travels in the warn decision, which TLP lets only the determination's author and
 * reviewers read. A reviewer shown the determination, the warning and the decision recomputes the
 * digest of the determination and opens the commitment: that warning was made for that determination
 * (SHA-256 is binding), and the log shows both were logged when they say.
 *
 * Sealed waiver reasons use the same construction over the UTF-8 bytes of the reasons.
 */

/** The conventional commitment id of the link in a warning (any token may be used; the decision names it). */
export const DETERMINATION_LINK_COMMITMENT_ID = "duty-determination";

/** The commitment a warning carries to link it to a determination with this digest (hex). */
export function determinationLinkDigest(salt: Uint8Array, determinationDigestHex: string): string {
  return commitmentDigest(salt, fromHex(determinationDigestHex) ?? new Uint8Array());
}

/** Does `commitmentHex` (a warning's commitment) open to this determination digest with this salt? */
export function linkOpens(commitmentHex: string, salt: Uint8Array, determinationDigestHex: string): boolean {
  const digest = fromHex(determinationDigestHex);
  return digest !== undefined && digest.length === 32 && checkReveal(commitmentHex, salt, digest);
}

/** The commitment sealing a waiver's reasons. */
export function sealedReasonsDigest(salt: Uint8Array, reasons: string): string {
  return commitmentDigest(salt, utf8.encode(reasons));
}

/** Do these reasons and salt open the sealed commitment? */
export function reasonsOpen(sealedHex: string, salt: Uint8Array, reasons: string): boolean {
  return checkReveal(sealedHex, salt, utf8.encode(reasons));
}
