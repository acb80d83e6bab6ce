/*
 * Byte helpers over plain Uint8Array. The codecs and the constant-time comparison come from the
 * platform's backend (crypto-backend.ts): Buffer's native code on Node, plain code in a browser.
 */
export { bytesEqual, toHex, fromHex, toBase64, fromBase64, utf8 } from "#crypto";

/** Equality for public data (hashes in proofs and audits), where constant time buys nothing. */
export function publicBytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
