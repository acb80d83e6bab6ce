/** SHA-256 of the concatenation of `parts`: node:crypto on Node, @noble/hashes in a browser (crypto-backend.ts). */
export { sha256, sha256Into, sha256Utf8 } from "#crypto";
