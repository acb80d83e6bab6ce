/** The part of sodium-native (libsodium bindings, which ship no types) that node-backend.ts uses. */
declare module "sodium-native" {
  interface Sodium {
    /** libsodium's `crypto_sign_verify_detached`: true only for a valid Ed25519 signature by a key of large order. */
    crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  }
  const sodium: Sodium;
  export default sodium;
}
