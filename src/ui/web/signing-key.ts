import { ed25519PublicKey, fromBase64, publicBytesEqual, toBase64 } from "../../core/crypto/index.js";

/*
 * A party's private key, loaded from its PKCS#8 PEM file in the browser only: the file is read with the
 * File API, never sent anywhere, and the key lives in this page's memory until the tab closes.
 */

/** DER of an RFC 8410 Ed25519 PrivateKeyInfo up to the 32-byte seed (version 0, OID 1.3.101.112, OCTET STRING). */
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

export interface LoadedKey {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** The seed of an Ed25519 PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), or an Error saying what the file is not. */
export function readPkcs8(pem: string): LoadedKey {
  const m = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/.exec(pem);
  if (!m) throw new Error("This file is not a PKCS#8 private key (it should begin with -----BEGIN PRIVATE KEY-----).");
  const der = fromBase64(m[1]!.replace(/\s+/g, ""));
  if (!der || der.length !== 48 || PKCS8_ED25519_PREFIX.some((b, i) => der[i] !== b)) {
    throw new Error("This private key is not an Ed25519 key in PKCS#8 form, the kind Tocsin gives its parties.");
  }
  const seed = der.slice(16);
  return { seed, publicKey: ed25519PublicKey(seed) };
}

/** The key the node's log says the party signs with now (from its identity record), base64. */
export function activeKeyOf(identity: Record<string, unknown>): string | undefined {
  for (const ext of Object.values((identity.extensions ?? {}) as Record<string, { keys?: { public_key: string; valid_until?: string; retired?: string }[] }>)) {
    const keys = ext.keys ?? [];
    const active = keys.filter((k) => k.valid_until === undefined && k.retired === undefined).at(-1) ?? keys.at(-1);
    if (active) return active.public_key;
  }
  return undefined;
}

/** True when the loaded key is the one logged for the party (else the node would refuse every record it signs). */
export function keyMatches(key: LoadedKey, identity: Record<string, unknown>): boolean {
  const logged = activeKeyOf(identity);
  const bytes = logged === undefined ? undefined : fromBase64(logged);
  return bytes !== undefined && publicBytesEqual(bytes, key.publicKey);
}

export const publicKeyText = (key: LoadedKey): string => toBase64(key.publicKey);
