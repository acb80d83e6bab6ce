/*
 * The primitives the core needs from a cryptographic library, and the byte codecs that go with them.
 * Two implementations export exactly this, chosen by the package's "#crypto" subpath import
 * (package.json "imports"): node-backend.ts (node:crypto and Buffer — OpenSSL and native codecs, for the
 * node's hot paths: admission verifies signatures, the log hashes leaves) under the "default" condition,
 * and portable-backend.ts (@noble/curves, @noble/hashes, plain Uint8Array code) under "browser", so the
 * verify library runs in a browser with the same core. Both are synchronous: verification is too.
 */

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export interface Ed25519KeyPair {
  /** The 32-byte RFC 8032 private key (seed). */
  readonly seed: Uint8Array;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
}

export interface CryptoBackend {
  /** SHA-256 of the concatenation of `parts`. */
  sha256(...parts: Uint8Array[]): Uint8Array;
  /**
   * SHA-256 of the concatenation of `parts`, written into `out` at `offset` (32 bytes) instead of
   * returned: for bulk work (the log audit hashes every leaf and node), where a fresh buffer per hash
   * is most of the cost.
   */
  sha256Into(out: Uint8Array, offset: number, ...parts: Uint8Array[]): void;
  /** SHA-256 of the UTF-8 of `text` (a lone surrogate as U+FFFD, as `utf8.encode` writes it), without the encoded copy where the library hashes text itself. */
  sha256Utf8(text: string): Uint8Array;
  /** A fresh key pair from the platform's CSPRNG. */
  generateEd25519(): Ed25519KeyPair;
  /** The public key of a 32-byte seed; RangeError for another length. */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /** An RFC 8032 signature of `message` with a 32-byte seed; RangeError for another length. */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** True only for a valid signature; malformed keys or signatures are simply invalid, never thrown. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * True for a key a party may register: the canonical encoding of a point of the prime-order group.
   * False for the eight points of small order (and their mixes): under them a signature made without
   * any private key passes a cofactorless check (R = identity, S = 0 under the identity point).
   */
  ed25519IsValidPublicKey(publicKey: Uint8Array): boolean;
  /** Constant-time equality for secrets and digests; different lengths are simply unequal. */
  bytesEqual(a: Uint8Array, b: Uint8Array): boolean;
  toHex(b: Uint8Array): string;
  /** Strict hex decoding: undefined on odd length or a non-hex character. */
  fromHex(s: string): Uint8Array | undefined;
  toBase64(b: Uint8Array): string;
  /** Strict standard base64 with padding (RFC 4648 §4): undefined for anything but the canonical spelling. */
  fromBase64(s: string): Uint8Array | undefined;
  readonly utf8: { encode(s: string): Uint8Array; decode(b: Uint8Array): string };
}
