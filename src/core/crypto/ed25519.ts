/**
 * Ed25519 over raw 32-byte keys (RFC 8032): node:crypto (OpenSSL) on Node, @noble/curves in a browser
 * (crypto-backend.ts says how one is chosen).
 */
export { ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES, ED25519_SIGNATURE_BYTES } from "./crypto-backend.js";
export type { Ed25519KeyPair } from "./crypto-backend.js";
export { generateEd25519, ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519IsValidPublicKey } from "#crypto";
