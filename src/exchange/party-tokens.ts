import { randomBytes } from "node:crypto";
import { sha256Utf8 } from "../core/crypto/index.js";

/** Tokens are 32 random bytes; the prefix makes a leaked one easy to spot in logs and scanners. */
const TOKEN_PREFIX = "tocsin_";

/** A new API token (shown once: only its hash is stored). */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Whether a presented string could be a token at all (checked before hashing anything a caller sends). */
export function looksLikeToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX) && token.length <= 200;
}

export function hashToken(token: string): Uint8Array {
  return sha256Utf8(token);
}
