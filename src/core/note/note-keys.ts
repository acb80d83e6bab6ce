import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SEED_BYTES,
  concatBytes,
  ed25519PublicKey,
  fromBase64,
  fromHex,
  generateEd25519,
  sha256,
  toBase64,
  utf8,
} from "../crypto/index.js";
import { NoteError } from "./note-errors.js";

/** The signature algorithms this core supports: plain Ed25519 notes and Ed25519 witness cosignatures. */
export type NoteKeyType = "ed25519" | "cosignature/v1";

/** Signature type byte 0x01, Ed25519 over the note text (signed-note §Signature types). */
export const NOTE_ALG_ED25519 = 0x01;
/** Signature type byte 0x04, timestamped Ed25519 cosignatures (signed-note §Signature types, tlog-cosignature). */
export const NOTE_ALG_COSIGNATURE_V1 = 0x04;

/** A private note key: the key name, its key ID, the 32-byte Ed25519 seed and public key, and the algorithm. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly type: NoteKeyType;
}

/** A trusted public note key; (name, keyId) identifies it in signature lines (signed-note §Signatures). */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  readonly type: NoteKeyType;
}

/** The signature type byte of a key type. */
export function noteAlgorithmByte(type: NoteKeyType): number {
  return type === "ed25519" ? NOTE_ALG_ED25519 : NOTE_ALG_COSIGNATURE_V1;
}

function typeOfAlgorithmByte(alg: number | undefined): NoteKeyType | undefined {
  if (alg === NOTE_ALG_ED25519) return "ed25519";
  if (alg === NOTE_ALG_COSIGNATURE_V1) return "cosignature/v1";
  return undefined;
}

// Unicode White_Space (what Go's unicode.IsSpace tests in the reference isValidName); JS \s differs
// (it includes U+FEFF and misses U+0085).
const WHITE_SPACE = /\p{White_Space}/u;
// Lone surrogates cannot be encoded as UTF-8, and notes MUST be valid UTF-8 (signed-note §Format).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Notes MUST NOT contain ASCII control characters other than newline (signed-note §Format); a name
// carrying one could never appear in a valid signature line.
const CONTROL = /[\x00-\x1f]/;

/** True for a legal key name: non-empty, no Unicode spaces, no "+" (signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 && !name.includes("+") && !WHITE_SPACE.test(name) && !CONTROL.test(name) && !LONE_SURROGATE.test(name)
  );
}

function assertName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError("NOTE_BAD_KEY", "invalid key name", { details: { name } });
}

/** The key ID: SHA-256(name || 0x0A || type byte || public key)[:4] as a big-endian uint32 (signed-note §Signatures). */
export function noteKeyId(name: string, algByte: number, publicKey: Uint8Array): number {
  const digest = sha256(utf8.encode(name), Uint8Array.of(0x0a, algByte), publicKey);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
}

/** The key ID as the 8 lowercase hex digits used in key strings. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, "0");
}

function parseKeyIdHex(s: string): number | undefined {
  if (s.length !== 8) return undefined;
  const b = fromHex(s);
  return b === undefined ? undefined : new DataView(b.buffer, b.byteOffset, 4).getUint32(0, false);
}

function signerFromSeed(name: string, seed: Uint8Array, type: NoteKeyType): NoteSigner {
  const publicKey = ed25519PublicKey(seed);
  return { name, keyId: noteKeyId(name, noteAlgorithmByte(type), publicKey), seed, publicKey, type };
}

/** A fresh signer named `name` (Ed25519 by default, or a cosignature/v1 witness key). */
export function generateNoteSigner(name: string, type: NoteKeyType = "ed25519"): NoteSigner {
  assertName(name);
  return signerFromSeed(name, generateEd25519().seed, type);
}

/** A verifier for a configured (name, public key, algorithm) tuple, computing its key ID (tlog-cosignature §Format). */
export function makeNoteVerifier(name: string, publicKey: Uint8Array, type: NoteKeyType = "ed25519"): NoteVerifier {
  assertName(name);
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new NoteError("NOTE_BAD_KEY", "public key must be 32 bytes");
  return { name, keyId: noteKeyId(name, noteAlgorithmByte(type), publicKey), publicKey: Uint8Array.from(publicKey), type };
}

/** The public half of a signer. */
export function verifierFromSigner(signer: NoteSigner): NoteVerifier {
  return { name: signer.name, keyId: signer.keyId, publicKey: signer.publicKey, type: signer.type };
}

// Key strings are "+"-separated; names cannot contain "+" but base64 can, so split off a fixed
// number of leading fields and keep the rest whole (as golang.org/x/mod/sumdb/note does).
function splitFields(s: string, n: number): string[] | undefined {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < n - 1; i++) {
    const j = rest.indexOf("+");
    if (j < 0) return undefined;
    out.push(rest.slice(0, j));
    rest = rest.slice(j + 1);
  }
  out.push(rest);
  return out;
}

function decodeKeyMaterial(b64: string, expectedLen: number): { type: NoteKeyType; key: Uint8Array } | undefined {
  const raw = fromBase64(b64);
  if (raw === undefined || raw.length !== 1 + expectedLen) return undefined;
  const type = typeOfAlgorithmByte(raw[0]);
  return type === undefined ? undefined : { type, key: raw.subarray(1) };
}

/** Parses `PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>`, checking the key ID against the derived public key. */
export function parseSignerKey(s: string): NoteSigner {
  const f = splitFields(s, 5);
  const bad = (why: string): NoteError => new NoteError("NOTE_BAD_KEY", `malformed signer key: ${why}`);
  if (f === undefined || f[0] !== "PRIVATE" || f[1] !== "KEY") throw bad("expected PRIVATE+KEY+name+id+key");
  const [, , name, idHex, b64] = f as [string, string, string, string, string];
  if (!isValidKeyName(name)) throw bad("invalid name");
  const keyId = parseKeyIdHex(idHex);
  if (keyId === undefined) throw bad("key ID is not 8 hex digits");
  const material = decodeKeyMaterial(b64, ED25519_SEED_BYTES);
  if (material === undefined) throw bad("unsupported or malformed key material");
  const signer = signerFromSeed(name, Uint8Array.from(material.key), material.type);
  if (signer.keyId !== keyId) throw bad("key ID does not match the key");
  return signer;
}

/** Formats a signer as `PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>`. */
export function formatSignerKey(signer: NoteSigner): string {
  assertName(signer.name);
  if (signer.seed.length !== ED25519_SEED_BYTES) throw new NoteError("NOTE_BAD_KEY", "seed must be 32 bytes");
  const b64 = toBase64(concatBytes(Uint8Array.of(noteAlgorithmByte(signer.type)), signer.seed));
  return `PRIVATE+KEY+${signer.name}+${formatKeyId(signer.keyId)}+${b64}`;
}

/** Parses a verifier key `<name>+<hex id>+<base64(type || public key)>` (type 0x01 or 0x04), checking the key ID. */
export function parseVerifierKey(s: string): NoteVerifier {
  const f = splitFields(s, 3);
  const bad = (why: string): NoteError => new NoteError("NOTE_BAD_KEY", `malformed verifier key: ${why}`);
  if (f === undefined) throw bad("expected name+id+key");
  const [name, idHex, b64] = f as [string, string, string];
  if (!isValidKeyName(name)) throw bad("invalid name");
  const keyId = parseKeyIdHex(idHex);
  if (keyId === undefined) throw bad("key ID is not 8 hex digits");
  const material = decodeKeyMaterial(b64, ED25519_PUBLIC_KEY_BYTES);
  if (material === undefined) throw bad("unsupported or malformed key material");
  const verifier = makeNoteVerifier(name, material.key, material.type);
  if (verifier.keyId !== keyId) throw bad("key ID does not match the key");
  return verifier;
}

/** Formats a verifier key `<name>+<hex id>+<base64(type || public key)>`; accepts a signer too (its public half). */
export function formatVerifierKey(key: NoteVerifier | NoteSigner): string {
  assertName(key.name);
  if (key.publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new NoteError("NOTE_BAD_KEY", "public key must be 32 bytes");
  const alg = noteAlgorithmByte(key.type);
  if (noteKeyId(key.name, alg, key.publicKey) !== key.keyId) throw new NoteError("NOTE_BAD_KEY", "key ID does not match the key");
  return `${key.name}+${formatKeyId(key.keyId)}+${toBase64(concatBytes(Uint8Array.of(alg), key.publicKey))}`;
}
