import { hash } from "node:crypto";

/*
 * SHA-256 through `crypto.hash` (Node >= 20.12), which hashes in one native call without creating a
 * Hash object. Multi-part inputs (0x00 ‖ leaf, 0x01 ‖ left ‖ right) are first copied into one scratch
 * buffer: for the 33- to 65-byte inputs of Merkle work this is about three times cheaper than
 * createHash().update().digest(), and it leaves no native objects behind for the garbage collector —
 * which dominated big appends and audits before (bench/log-bench.ts).
 */
let scratch = Buffer.allocUnsafe(4096);

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return hash("sha256", parts[0]!, "buffer");
  let total = 0;
  for (const p of parts) total += p.length;
  if (total > scratch.length) scratch = Buffer.allocUnsafe(Math.max(total, scratch.length * 2));
  let offset = 0;
  for (const p of parts) {
    scratch.set(p, offset);
    offset += p.length;
  }
  return hash("sha256", scratch.subarray(0, total), "buffer");
}
