import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import sodium from "sodium-native";
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES, ED25519_SIGNATURE_BYTES, type CryptoBackend, type Ed25519KeyPair } from "./crypto-backend.js";

/*
 * The core's cryptography on Node: node:crypto (OpenSSL) for SHA-256 and randomness, libsodium for
 * Ed25519, and Buffer's native codecs. The "default" implementation of "#crypto" (crypto-backend.ts);
 * no home-made curve arithmetic.
 */

// ---- SHA-256 ----

/*
 * SHA-256 through `crypto.hash` (Node >= 20.12), which hashes in one native call without creating a
 * Hash object. Multi-part inputs (0x00 ‖ leaf, 0x01 ‖ left ‖ right) are first copied into one scratch
 * buffer: for the 33- to 65-byte inputs of Merkle work this is about three times cheaper than
 * createHash().update().digest(), and it leaves no native objects behind for the garbage collector —
 * which dominated big appends and audits before (bench/log-bench.ts).
 */
let scratch = Buffer.allocUnsafe(4096);

export function sha256(...parts: Uint8Array[]): Uint8Array {
  return hash("sha256", joined(parts), "buffer");
}

/*
 * The digest as a 32-character latin1 ("binary") string, copied into `out`: a string is an ordinary heap object
 * for V8, where a returned Buffer has a backing store of its own that the collector must track and
 * free. For 65-byte inputs this takes the cost of a hash from ≈ 700 to ≈ 240 ns of CPU (with the GC it
 * causes), which is what the audit pays per node (bench/log-bench.ts). Views of the scratch buffer are
 * kept by length, so hashing equal-sized inputs allocates nothing but the string.
 */
const latin1Write = Buffer.prototype.latin1Write as (this: Uint8Array, s: string, offset: number, length: number) => number;
let views: Buffer[] = [];

function grow(total: number): void {
  scratch = Buffer.allocUnsafe(Math.max(total, scratch.length * 2));
  views = [];
}

/** The parts as one input: the part itself when there is one, else copied into the scratch buffer. */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const p of parts) total += p.length;
  if (total > scratch.length) grow(total);
  let at = 0;
  for (const p of parts) {
    scratch.set(p, at);
    at += p.length;
  }
  return (views[total] ??= scratch.subarray(0, total));
}

export function sha256Into(out: Uint8Array, offset: number, ...parts: Uint8Array[]): void {
  if (offset < 0 || offset + 32 > out.length) throw new RangeError("no room for a SHA-256 digest at that offset");
  latin1Write.call(out, hash("sha256", joined(parts), "binary"), offset, 32);
}

/** OpenSSL hashes the string's UTF-8 as Node writes it: 1.2 µs less a signed warning's body than encoding it first. */
export function sha256Utf8(text: string): Uint8Array {
  return hash("sha256", text, "buffer");
}

// ---- Ed25519 ----

export function generateEd25519(): Ed25519KeyPair {
  const seed = new Uint8Array(randomBytes(ED25519_SEED_BYTES));
  return { seed, publicKey: ed25519PublicKey(seed) };
}

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return new Uint8Array(signingKey(seed).publicKey);
}

/*
 * A seed's libsodium key pair (the 64-byte secret key is the seed followed by the public key), derived
 * once: the derivation is a scalar multiplication, as costly as a signature. The few keys a node signs
 * with — its log key, its custodial parties' — are kept; bounded, so many distinct seeds cannot grow
 * memory without limit.
 */
const CACHE_LIMIT = 4096;
const signingKeys = new Map<string, { readonly secretKey: Buffer; readonly publicKey: Buffer }>();

function signingKey(seed: Uint8Array): { readonly secretKey: Buffer; readonly publicKey: Buffer } {
  if (seed.length !== ED25519_SEED_BYTES) throw new RangeError("Ed25519 seed must be 32 bytes");
  const key = Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength).toString("base64");
  let k = signingKeys.get(key);
  if (k === undefined) {
    if (signingKeys.size >= CACHE_LIMIT) signingKeys.delete(signingKeys.keys().next().value!);
    k = { secretKey: Buffer.alloc(64), publicKey: Buffer.alloc(ED25519_PUBLIC_KEY_BYTES) };
    sodium.crypto_sign_seed_keypair(k.publicKey, k.secretKey, seed);
    signingKeys.set(key, k);
  }
  return k;
}

/*
 * libsodium's sign, not OpenSSL's: RFC 8032 signatures are deterministic, so the bytes are the same
 * (portable-backend.test.ts checks them against OpenSSL and RFC 8032's vectors), and libsodium takes
 * about half the time (13–14 against 27 µs here): OpenSSL 3 derives the public key again on every signature.
 * The node signs a checkpoint every commit, so at one record a request this is paid every few records.
 */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  const signature = new Uint8Array(ED25519_SIGNATURE_BYTES);
  sodium.crypto_sign_detached(signature, message, signingKey(seed).secretKey);
  return signature;
}

/*
 * libsodium's verify (sodium-native), not OpenSSL's, for two reasons measured here:
 * - OpenSSL's cofactorless check accepts small-order public keys and R points: with the identity as
 *   the key, R = identity and S = 0 "verify" every message. A party that rotated to such a key could
 *   post records nobody signed and later deny all of them, and the portable backend (@noble, strict)
 *   refused what the node admitted. libsodium refuses small-order and non-canonical keys and R, as
 *   @noble does, so the node and a browser agree (portable-backend.test.ts).
 * - It verifies in about half OpenSSL 3's CPU time on x86-64 (bench: `admit --only=floor`), and the
 *   verify is most of what admitting a record costs.
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}

export function ed25519IsValidPublicKey(publicKey: Uint8Array): boolean {
  return publicKey.length === ED25519_PUBLIC_KEY_BYTES && sodium.crypto_core_ed25519_is_valid_point(publicKey);
}

// ---- Bytes ----

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

const HEX = /^(?:[0-9a-f]{2})*$/i;

export function fromHex(s: string): Uint8Array | undefined {
  // Checked first: Buffer.from would silently truncate at the first bad character.
  if (!HEX.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

export function fromBase64(s: string): Uint8Array | undefined {
  // Node's decoder is lenient (it skips junk, accepts missing padding and non-zero pad bits), so the
  // input is accepted only if it is exactly the canonical encoding of what was decoded.
  const b = Buffer.from(s, "base64");
  // A copy: Buffer.from may return a view into a shared pool, and callers may use .buffer.
  return b.toString("base64") === s ? new Uint8Array(b) : undefined;
}

// TextEncoder writes a fresh Uint8Array in one pass (lone surrogates become U+FFFD, as with Buffer);
// Buffer.from and a copy out of its shared pool cost twice that, on every record's digest and leaf.
const encoder = new TextEncoder();

export const utf8 = {
  encode: (s: string): Uint8Array => encoder.encode(s),
  decode: (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"),
};

void ({ sha256, sha256Into, sha256Utf8, generateEd25519, ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519IsValidPublicKey, bytesEqual, toHex, fromHex, toBase64, fromBase64, utf8 } satisfies CryptoBackend);
