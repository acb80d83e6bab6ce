import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { toBase64 } from "../core/crypto/bytes.js";
import { keyIdOf } from "../core/record/index.js";
import { ClientError } from "./client-error.js";

/**
 * A party's Ed25519 signing key as it lives on the party's own machine: a PKCS#8 PEM file (what
 * `tocsin key generate`, `tocsin party create` and `openssl genpkey -algorithm ed25519` write). The
 * private half is read into this process only; nothing here sends it anywhere.
 */
export interface PartyKey {
  /** The raw 32-byte Ed25519 seed (RFC 8032 private key). */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  /** hex(SHA-256(public key)[0..16]): the key id records name. */
  readonly keyId: string;
}

/** The DER prefix of an Ed25519 PKCS#8 private key (RFC 8410 §7); the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Reads an Ed25519 private key from a PKCS#8 PEM (or DER) file: CLIENT_KEY_UNREADABLE when it is not one. */
export function readPartyKey(path: string): PartyKey {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (e) {
    throw new ClientError("CLIENT_KEY_UNREADABLE", `cannot read the key file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return partyKeyOf(file, path);
}

/** The same from the file's bytes (`where` names it in errors). */
export function partyKeyOf(pem: Uint8Array | string, where = "the key"): PartyKey {
  let der: Buffer;
  try {
    const key = createPrivateKey(typeof pem === "string" ? pem : Buffer.from(pem));
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`a ${key.asymmetricKeyType} key`);
    der = key.export({ format: "der", type: "pkcs8" });
  } catch (e) {
    throw new ClientError("CLIENT_KEY_UNREADABLE", `${where} is not an Ed25519 private key (PKCS#8 PEM): ${(e as Error).message}`, { cause: e });
  }
  if (der.length !== PKCS8_ED25519_PREFIX.length + 32 || !der.subarray(0, PKCS8_ED25519_PREFIX.length).equals(PKCS8_ED25519_PREFIX)) {
    throw new ClientError("CLIENT_KEY_UNREADABLE", `${where} is not a plain Ed25519 PKCS#8 key`);
  }
  const seed = new Uint8Array(der.subarray(PKCS8_ED25519_PREFIX.length));
  const publicKey = new Uint8Array(createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({ format: "der", type: "spki" }).subarray(-32));
  return { seed, publicKey, keyId: keyIdOf(publicKey) };
}

/** The PKCS#8 PEM text of a seed: how the node writes the keys it generates. */
export function partyKeyPem(seed: Uint8Array): string {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }).toString();
}

/**
 * Generates a key pair and writes the private key to `path` (PKCS#8 PEM, mode 0600). An existing file
 * is never overwritten: losing a signing key is not undoable.
 */
export function generatePartyKey(path: string): PartyKey & { readonly publicKeyBase64: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: "wx" });
    chmodSync(path, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ClientError("CLIENT_FILE_UNREADABLE", code === "EEXIST" ? `${path} exists: a key file is never overwritten` : `cannot write ${path}: ${code ?? (e as Error).message}`, { cause: e });
  }
  const key = partyKeyOf(pem, path);
  return { ...key, publicKeyBase64: toBase64(key.publicKey) };
}
