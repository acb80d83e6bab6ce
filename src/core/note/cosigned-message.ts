import { ED25519_SIGNATURE_BYTES, concatBytes, utf8 } from "../crypto/index.js";
import { NoteError } from "./note-errors.js";

/**
 * The cosignature/v1 wire pieces (tlog-cosignature §Format, §Ed25519 signed message), kept apart from
 * cosignature.ts so that signed-note.ts can verify 0x04 signatures without an import cycle.
 */

/** The domain-separation header line of the v1 cosigned message (tlog-cosignature §Ed25519 signed message). */
export const COSIGNATURE_V1_HEADER = "cosignature/v1";

/** Length of a v1 timestamped_signature: u64 timestamp || 64-byte Ed25519 signature. */
export const TIMESTAMPED_SIGNATURE_BYTES = 8 + ED25519_SIGNATURE_BYTES;

/** Throws COSIGNATURE_MALFORMED unless `t` is a non-negative integer POSIX time JS numbers hold exactly. */
export function assertCosignatureTime(t: number): void {
  // The spec caps timestamps at 2^63 − 1; we cap lower, at 2^53 − 1, so the decimal line and the u64
  // can never disagree through float rounding.
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new NoteError("COSIGNATURE_MALFORMED", "cosignature time must be an integer in [0, 2^53 − 1]", { details: { t } });
  }
}

/** The bytes a v1 cosigner signs: "cosignature/v1\ntime <t>\n" then the whole checkpoint body. */
export function cosignedMessage(checkpointBody: string, timeSeconds: number): Uint8Array {
  assertCosignatureTime(timeSeconds);
  // String(t) of a safe non-negative integer is plain decimal with no leading zeroes, as required.
  return utf8.encode(`${COSIGNATURE_V1_HEADER}\ntime ${String(timeSeconds)}\n${checkpointBody}`);
}

/** Serialises timestamped_signature: the timestamp big-endian (RFC 8446 §3.3) then the signature. */
export function encodeTimestampedSignature(timeSeconds: number, signature: Uint8Array): Uint8Array {
  assertCosignatureTime(timeSeconds);
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, BigInt(timeSeconds), false);
  return concatBytes(ts, signature);
}

/** Splits a timestamped_signature payload (after the key ID); throws COSIGNATURE_MALFORMED on a bad length or time. */
export function decodeTimestampedSignature(payload: Uint8Array): { timestamp: number; signature: Uint8Array } {
  if (payload.length !== TIMESTAMPED_SIGNATURE_BYTES) {
    throw new NoteError("COSIGNATURE_MALFORMED", "cosignature must be 8 + 64 bytes after the key ID", {
      details: { length: payload.length },
    });
  }
  const big = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0, false);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NoteError("COSIGNATURE_MALFORMED", "cosignature timestamp beyond 2^53 − 1", { details: { timestamp: big.toString() } });
  }
  return { timestamp: Number(big), signature: payload.slice(8) };
}

/** A verified v1 cosignature: the cosigner's key and the time it vouched for the checkpoint. */
export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: number;
  readonly timestamp: number;
}
