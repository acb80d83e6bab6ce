/** The part of sodium-native (libsodium bindings, which ship no types of their own) that node-backend.ts uses. */
declare module "sodium-native" {
  interface Sodium {
    /** libsodium's `crypto_sign_verify_detached`: true only for a valid Ed25519 signature by a key of large order. */
    crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
    /** libsodium's `crypto_core_ed25519_is_valid_point`: canonical, on the curve, in the prime-order group, not of small order. */
    crypto_core_ed25519_is_valid_point(point: Uint8Array): boolean;
    /** libsodium's `crypto_sign_seed_keypair`: fills `publicKey` (32 bytes) and `secretKey` (64: the seed, then the public key). */
    crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
    /** libsodium's `crypto_sign_detached`: the RFC 8032 signature (64 bytes) of `message` into `signature`. */
    crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  }
  const sodium: Sodium;
  export default sodium;
}
