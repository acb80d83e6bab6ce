import { timingSafeEqual } from "node:crypto";

/** Constant-time equality for secrets and digests; different lengths are simply unequal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

const HEX = /^(?:[0-9a-f]{2})*$/i;

/** Strict hex decoding: returns undefined on odd length or a non-hex character (Buffer.from would truncate). */
export function fromHex(s: string): Uint8Array | undefined {
  if (!HEX.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

/**
 * Strict standard base64 with padding (RFC 4648 §4); undefined for anything else. Node's decoder is
 * lenient (it skips junk, accepts missing padding and non-zero pad bits), so the input is accepted only
 * if it is exactly the canonical encoding of what was decoded: one spelling per byte string.
 */
export function fromBase64(s: string): Uint8Array | undefined {
  const b = Buffer.from(s, "base64");
  // A copy: Buffer.from may return a view into a shared pool, and callers may use .buffer.
  return b.toString("base64") === s ? new Uint8Array(b) : undefined;
}

/** Equality for public data (hashes in proofs and audits), where constant time buys nothing. */
export function publicBytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export const utf8 = {
  encode: (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8")),
  decode: (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"),
};
