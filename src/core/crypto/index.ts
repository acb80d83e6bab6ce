export { sha256, sha256Utf8 } from "./sha256.js";
export {
  generateEd25519,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  ed25519IsValidPublicKey,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SEED_BYTES,
  ED25519_SIGNATURE_BYTES,
} from "./ed25519.js";
export type { Ed25519KeyPair } from "./ed25519.js";
export { bytesEqual, publicBytesEqual, toHex, fromHex, toBase64, fromBase64, concatBytes, utf8 } from "./bytes.js";
