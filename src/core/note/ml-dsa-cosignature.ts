import { ml_dsa44 } from "@noble/post-quantum/ml-dsa.js";
import { concatBytes, fromBase64, fromHex, generateEd25519, toBase64, utf8 } from "../crypto/index.js";
import { parseCheckpoint } from "./checkpoint.js";
import { assertCosignatureTime, type VerifiedCosignature } from "./cosigned-message.js";
import { NoteError } from "./note-errors.js";
import { formatKeyId, isValidKeyName, noteKeyId } from "./note-keys.js";
import { formatSignatureLine, parseNote } from "./signed-note.js";

/**
 * ML-DSA-44 cosignatures (C2SP tlog-cosignature §Format, §ML-DSA-44 signed message): signature type
 * 0x06, a 1312-byte public key, and a timestamped_signature of u64 time || 2420-byte signature over the
 * binary `subtree/v1` message, which — unlike cosignature/v1 — commits to the cosigner's name. The spec
 * recommends this type for new deployments; a witness may sign with both, so a policy can require both.
 */

/** Signature type byte 0x06 (tlog-cosignature §Format). */
export const NOTE_ALG_ML_DSA_44 = 0x06;
export const ML_DSA_44_PUBLIC_KEY_BYTES = 1312;
export const ML_DSA_44_SIGNATURE_BYTES = 2420;
/** ML-DSA key generation is deterministic from a 32-byte seed (FIPS 204 ξ); the key file holds the seed. */
export const ML_DSA_44_SEED_BYTES = 32;

/** An ML-DSA-44 cosigner: name, key ID, seed, and the key pair derived from it. */
export interface MlDsaCosigner {
  readonly name: string;
  readonly keyId: number;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** A trusted ML-DSA-44 cosigner key (vkey type 0x06). */
export interface MlDsaCosignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

function badKey(why: string): NoteError {
  return new NoteError("NOTE_BAD_KEY", `malformed ML-DSA-44 key: ${why}`);
}

/** The cosigner of a 32-byte seed (keys derived as FIPS 204 ML-DSA.KeyGen_internal(ξ = seed)). */
export function mlDsaCosignerFromSeed(name: string, seed: Uint8Array): MlDsaCosigner {
  if (!isValidKeyName(name)) throw badKey("invalid name");
  if (seed.length !== ML_DSA_44_SEED_BYTES) throw badKey("seed must be 32 bytes");
  const { publicKey, secretKey } = ml_dsa44.keygen(seed);
  return { name, keyId: noteKeyId(name, NOTE_ALG_ML_DSA_44, publicKey), seed: Uint8Array.from(seed), publicKey, secretKey };
}

/** A fresh ML-DSA-44 cosigner. */
export function generateMlDsaCosigner(name: string): MlDsaCosigner {
  // An Ed25519 seed is 32 bytes from the backend's CSPRNG: exactly what an ML-DSA seed is.
  return mlDsaCosignerFromSeed(name, generateEd25519().seed);
}

/** Parses a vkey `<name>+<hex id>+base64(0x06 || public key)`, checking the key ID. */
export function parseMlDsaVerifierKey(s: string): MlDsaCosignerKey {
  const first = s.indexOf("+");
  const second = s.indexOf("+", first + 1);
  if (first < 0 || second < 0) throw badKey("expected name+id+key");
  const name = s.slice(0, first);
  const idHex = s.slice(first + 1, second);
  const raw = fromBase64(s.slice(second + 1));
  if (!isValidKeyName(name)) throw badKey("invalid name");
  const id = idHex.length === 8 ? fromHex(idHex) : undefined;
  if (id === undefined) throw badKey("key ID is not 8 hex digits");
  if (raw === undefined || raw.length !== 1 + ML_DSA_44_PUBLIC_KEY_BYTES || raw[0] !== NOTE_ALG_ML_DSA_44) throw badKey("not type 0x06 with 1312 key bytes");
  const publicKey = raw.slice(1);
  const keyId = noteKeyId(name, NOTE_ALG_ML_DSA_44, publicKey);
  if (keyId !== new DataView(id.buffer, id.byteOffset, 4).getUint32(0, false)) throw badKey("key ID does not match the key");
  return { name, keyId, publicKey };
}

/** Formats the vkey of an ML-DSA-44 cosigner (its public half). */
export function formatMlDsaVerifierKey(key: MlDsaCosignerKey): string {
  return `${key.name}+${formatKeyId(key.keyId)}+${toBase64(concatBytes(Uint8Array.of(NOTE_ALG_ML_DSA_44), key.publicKey))}`;
}

/** The private key file form, `PRIVATE+KEY+<name>+<hex id>+base64(0x06 || seed)` (Tocsin's, by analogy with signed-note's). */
export function formatMlDsaSignerKey(signer: MlDsaCosigner): string {
  return `PRIVATE+KEY+${signer.name}+${formatKeyId(signer.keyId)}+${toBase64(concatBytes(Uint8Array.of(NOTE_ALG_ML_DSA_44), signer.seed))}`;
}

/** Parses formatMlDsaSignerKey's output, checking the key ID against the derived public key. */
export function parseMlDsaSignerKey(s: string): MlDsaCosigner {
  const f = s.split("+");
  if (f.length < 5 || f[0] !== "PRIVATE" || f[1] !== "KEY") throw badKey("expected PRIVATE+KEY+name+id+key");
  const raw = fromBase64(f.slice(4).join("+"));
  if (raw === undefined || raw.length !== 1 + ML_DSA_44_SEED_BYTES || raw[0] !== NOTE_ALG_ML_DSA_44) throw badKey("not type 0x06 with a 32-byte seed");
  const signer = mlDsaCosignerFromSeed(f[2]!, raw.slice(1));
  if (formatKeyId(signer.keyId) !== f[3]) throw badKey("key ID does not match the key");
  return signer;
}

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), false);
  return b;
}

function opaque8(s: string, what: string): Uint8Array {
  const b = utf8.encode(s);
  if (b.length < 1 || b.length > 255) throw new NoteError("COSIGNATURE_MALFORMED", `${what} must be 1 to 255 bytes`);
  return concatBytes(Uint8Array.of(b.length), b);
}

/** The `subtree/v1` cosigned_message of a checkpoint (start 0, end = size) at `timeSeconds`. */
export function subtreeCosignedMessage(cosignerName: string, timeSeconds: number, origin: string, size: number, rootHash: Uint8Array): Uint8Array {
  assertCosignatureTime(timeSeconds);
  return concatBytes(
    utf8.encode("subtree/v1\n\0"),
    opaque8(cosignerName, "cosigner name"),
    u64(timeSeconds),
    opaque8(origin, "log origin"),
    u64(0),
    u64(size),
    rootHash,
  );
}

/** Cosigns a checkpoint body with ML-DSA-44 at `timeSeconds`; returns the signature line. */
export function cosignCheckpointMlDsa(checkpointBody: string, cosigner: MlDsaCosigner, timeSeconds: number): string {
  const c = parseCheckpoint(checkpointBody);
  const signature = ml_dsa44.sign(subtreeCosignedMessage(cosigner.name, timeSeconds, c.origin, c.size, c.rootHash), cosigner.secretKey);
  return formatSignatureLine({ name: cosigner.name, keyId: cosigner.keyId, signature: concatBytes(u64(timeSeconds), signature) });
}

/**
 * The verified ML-DSA-44 cosignatures in a note from the given keys, ignoring other lines; a failing
 * line from a known key throws NOTE_BAD_SIGNATURE. The log's own signature is not checked here.
 */
export function collectMlDsaCosignatures(note: string | Uint8Array, keys: readonly MlDsaCosignerKey[]): VerifiedCosignature[] {
  const { text, signatures } = parseNote(note);
  const c = parseCheckpoint(text);
  const out: VerifiedCosignature[] = [];
  for (const sig of signatures) {
    const key = keys.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (key === undefined) continue;
    if (sig.signature.length !== 8 + ML_DSA_44_SIGNATURE_BYTES) {
      throw new NoteError("COSIGNATURE_MALFORMED", "ML-DSA-44 cosignature must be 8 + 2420 bytes after the key ID");
    }
    const big = new DataView(sig.signature.buffer, sig.signature.byteOffset, 8).getBigUint64(0, false);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoteError("COSIGNATURE_MALFORMED", "cosignature timestamp beyond 2^53 − 1");
    const timestamp = Number(big);
    const message = subtreeCosignedMessage(key.name, timestamp, c.origin, c.size, c.rootHash);
    if (!ml_dsa44.verify(sig.signature.slice(8), message, key.publicKey)) {
      throw new NoteError("NOTE_BAD_SIGNATURE", "ML-DSA-44 cosignature does not verify", { details: { name: sig.name, keyId: sig.keyId } });
    }
    if (!out.some((v) => v.name === key.name && v.keyId === key.keyId)) out.push({ name: key.name, keyId: key.keyId, timestamp });
  }
  return out;
}
