import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

/**
 * Ed25519 over raw 32-byte keys, through node:crypto (OpenSSL). No home-made curve arithmetic.
 *
 * Node's KeyObjects want DER; a raw RFC 8032 key is wrapped in the fixed PKCS#8 / SPKI prefixes of
 * RFC 8410 §7 and §10.1, which are constant for Ed25519.
 */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export interface Ed25519KeyPair {
  /** The 32-byte RFC 8032 private key (seed). */
  readonly seed: Uint8Array;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
}

/** A fresh key pair from the operating system's CSPRNG. */
export function generateEd25519(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(PKCS8_PREFIX.length);
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
  return { seed: new Uint8Array(seed), publicKey: new Uint8Array(pub) };
}

/** The public key of a 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  // Exporting the key costs several signatures' worth; signing checks the pair on every record.
  const k = privateKeyObject(seed);
  let pub = publicBytesCache.get(k);
  if (pub === undefined) {
    pub = new Uint8Array(publicOfPrivate(k).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length));
    publicBytesCache.set(k, pub);
  }
  return new Uint8Array(pub);
}

const publicBytesCache = new WeakMap<KeyObject, Uint8Array>();

const publicOfPrivateCache = new WeakMap<KeyObject, KeyObject>();

function publicOfPrivate(k: KeyObject): KeyObject {
  let p = publicOfPrivateCache.get(k);
  if (p === undefined) publicOfPrivateCache.set(k, (p = createPublicKey(k)));
  return p;
}

/*
 * Parsing a DER key into a KeyObject costs more than the signature itself (OpenSSL decodes and
 * validates it each time), so the few keys a node uses — its parties', its own — are kept parsed.
 * Bounded, so a stream of distinct attacker-supplied keys cannot grow memory without limit.
 */
const CACHE_LIMIT = 4096;
const privateCache = new Map<string, KeyObject>();
const publicCache = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, bytes: Uint8Array, make: () => KeyObject): KeyObject {
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let k = cache.get(key);
  if (k === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    k = make();
    cache.set(key, k);
  }
  return k;
}

export function privateKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_SEED_BYTES) throw new RangeError("Ed25519 seed must be 32 bytes");
  return cached(privateCache, seed, () => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" }));
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new RangeError("Ed25519 public key must be 32 bytes");
  return cached(publicCache, publicKey, () => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" }));
}

/** Signs `message`; `key` is a seed or a KeyObject made by {@link privateKeyObject} (faster when reused). */
export function ed25519Sign(key: Uint8Array | KeyObject, message: Uint8Array): Uint8Array {
  const k = key instanceof Uint8Array ? privateKeyObject(key) : key;
  return new Uint8Array(sign(null, message, k));
}

/** True only for a valid signature; malformed keys or signatures are simply invalid, never thrown. */
export function ed25519Verify(key: Uint8Array | KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    const k = key instanceof Uint8Array ? publicKeyObject(key) : key;
    return verify(null, message, k, signature);
  } catch {
    return false;
  }
}
