import { test } from "node:test";
import assert from "node:assert/strict";
import { ml_dsa44 } from "@noble/post-quantum/ml-dsa.js";
import { fromBase64, sha256, utf8, concatBytes } from "../crypto/index.js";
import { addSignatures, formatCheckpoint, generateNoteSigner, parseSignatureLines, signCheckpoint } from "./index.js";
import {
  collectMlDsaCosignatures,
  cosignCheckpointMlDsa,
  formatMlDsaSignerKey,
  formatMlDsaVerifierKey,
  mlDsaCosignerFromSeed,
  parseMlDsaSignerKey,
  parseMlDsaVerifierKey,
  subtreeCosignedMessage,
} from "./ml-dsa-cosignature.js";

const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
const cosigner = mlDsaCosignerFromSeed("witness.example/w1", seed);
const log = generateNoteSigner("example.com/log");
const checkpoint = { origin: log.name, size: 20852163, rootHash: fromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")!, extensions: [] };

test("key ID and vkey follow tlog-cosignature §Format: SHA-256(name || \\n || 0x06 || 1312-byte key)[:4]", () => {
  assert.equal(cosigner.publicKey.length, 1312);
  const digest = sha256(utf8.encode(cosigner.name), Uint8Array.of(0x0a, 0x06), cosigner.publicKey);
  assert.equal(cosigner.keyId, new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0));
  const vkey = formatMlDsaVerifierKey(cosigner);
  assert.equal(fromBase64(vkey.split("+")[2]!)![0], 0x06);
  assert.deepEqual(parseMlDsaVerifierKey(vkey), { name: cosigner.name, keyId: cosigner.keyId, publicKey: cosigner.publicKey });
  assert.deepEqual(parseMlDsaSignerKey(formatMlDsaSignerKey(cosigner)).publicKey, cosigner.publicKey);
  assert.throws(() => parseMlDsaVerifierKey(vkey.replace(/^witness/, "witnesz")), { code: "NOTE_BAD_KEY" });
});

test("the subtree/v1 message is the spec's struct, byte for byte", () => {
  const m = subtreeCosignedMessage("w", 1679315147, "o", 5, new Uint8Array(32).fill(7));
  const u64 = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n));
    return b;
  };
  const expected = concatBytes(utf8.encode("subtree/v1\n\0"), Uint8Array.of(1), utf8.encode("w"), u64(1679315147), Uint8Array.of(1), utf8.encode("o"), u64(0), u64(5), new Uint8Array(32).fill(7));
  assert.deepEqual(m, expected);
  assert.equal(utf8.encode("subtree/v1\n\0").length, 12);
});

test("an ML-DSA-44 cosignature verifies in the note, carries its timestamp, and fails when anything changes", () => {
  const body = formatCheckpoint(checkpoint);
  const line = cosignCheckpointMlDsa(body, cosigner, 1679315147);
  const [sig] = parseSignatureLines(line);
  assert.equal(sig!.signature.length, 8 + 2420);
  const note = addSignatures(signCheckpoint(checkpoint, log), line);
  assert.deepEqual(collectMlDsaCosignatures(note, [cosigner]), [{ name: cosigner.name, keyId: cosigner.keyId, timestamp: 1679315147 }]);
  // The raw signature is a FIPS 204 ML-DSA-44 signature over the subtree/v1 message (empty context).
  const msg = subtreeCosignedMessage(cosigner.name, 1679315147, checkpoint.origin, checkpoint.size, checkpoint.rootHash);
  assert.ok(ml_dsa44.verify(sig!.signature.slice(8), msg, cosigner.publicKey));
  // Another root, or another time, does not verify.
  const other = addSignatures(signCheckpoint({ ...checkpoint, size: checkpoint.size + 1 }, log), line);
  assert.throws(() => collectMlDsaCosignatures(other, [cosigner]), { code: "NOTE_BAD_SIGNATURE" });
  const retimed = line.replace(/ (\S+)\n$/, (_, b64: string) => {
    const raw = fromBase64(b64)!;
    raw[4 + 7] = raw[4 + 7]! ^ 1;
    return ` ${Buffer.from(raw).toString("base64")}\n`;
  });
  assert.throws(() => collectMlDsaCosignatures(addSignatures(signCheckpoint(checkpoint, log), retimed), [cosigner]), { code: "NOTE_BAD_SIGNATURE" });
  // Lines of unknown keys are ignored.
  assert.deepEqual(collectMlDsaCosignatures(note, [mlDsaCosignerFromSeed("witness.example/w2", seed)]), []);
});
