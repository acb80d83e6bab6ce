import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from "../crypto/index.js";
import { canonicalJson } from "./canonical-json.js";
import { checkReveal } from "./commitment.js";
import { SIGNATURE_EXT } from "./extension-ids.js";
import { recordLeafOf, encodeRecordLeaf } from "./log-leaf.js";
import { verifyRecordSignature } from "./record-signature.js";
import { workedExample } from "../../testing/worked-example.js";
import { hashLeaf } from "../merkle/index.js";
import { repoRoot } from "../../testing/repo-root.js";

/*
 * The worked example of docs/formats.md. These constants are quoted there; if this test has to change,
 * the document changes with it (and the record format version, if old signatures stop verifying).
 */

const SEED_HEX = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
const PUBLIC_KEY_HEX = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
const KEY_ID = "65b60673d6ed884bf01c2c222d82ada0";
/** The commitment salt: exactly 32 bytes, 0xa0 … 0xbf. */
const COMMITMENT_SALT_HEX = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
/** SHA-256(salt ‖ "Source report 117: the target is a stadium."). */
const COMMITMENT_DIGEST = "41324fcd0cf7468d676235717095fea121fd65a34824a2befcc4cd631446d071";
/** The warning's log leaf (v2, position 0 of its own thread): its length and SHA-256(0x00 ‖ leaf). */
const LEAF_BYTES = 414;
const LEAF_HASH = "b7cbf0b25dc78cc715efe6c7e62837f98f282d1c6c39cb43fcbba2de9f4bd2f5";

/** The exact signed bytes: the prefix line, then the JCS of the warning with the signature value left out. */
const SIGNING_BYTES =
  "tocsin-record-v1\n" +
  '{"created":"2026-11-25T09:00:00.000Z","created_by_ref":"identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f",' +
  '"description":"An attack on a large public venue in the capital is likely within two weeks.",' +
  '"extensions":{"extension-definition--0de8ec1e-9148-4c81-950a-43f78d514dc7":{"commitments":[{"commitment_id":"c1",' +
  '"digest":"41324fcd0cf7468d676235717095fea121fd65a34824a2befcc4cd631446d071"}],' +
  '"deadlines":{"action":"2026-11-27T09:00:00.000Z","assessment":"2026-11-26T09:00:00.000Z","receipt":"2026-11-25T10:00:00.000Z"},' +
  '"extension_type":"property-extension","probability":0.7,"recipient_refs":["identity--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"],' +
  '"requested_actions":["protect large venues"],"severity":"high","window_end":"2026-12-09T12:00:00.000Z",' +
  '"window_start":"2026-11-25T12:00:00.000Z"},' +
  '"extension-definition--0e99f551-135d-42e5-bb1f-a4638591bd32":{"algorithm":"ed25519","extension_type":"property-extension",' +
  '"key_id":"65b60673d6ed884bf01c2c222d82ada0","signer_ref":"identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f"}},' +
  '"id":"report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b","modified":"2026-11-25T09:00:00.000Z",' +
  '"name":"Planned attack on large venues","object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],' +
  '"object_refs":["threat-actor--3c9e1f2a-4b5d-4c6e-9f7a-8b9c0d1e2f3a","location--b4e5f6a7-8c9d-4e0f-a1b2-c3d4e5f6a7b8"],' +
  '"published":"2026-11-25T09:00:00.000Z","report_types":["threat-report"],"spec_version":"2.1","type":"report"}';

const SIGNATURE = "aq+rW5PPm45fpGEs69ewg9fYmV0TStFbjZeMSkExDKMVRfa5dXqHOaZhrsP1VJr+JywsX0oqG9slBmiwjF6ODQ==";

/** SHA-256 of the JCS of the signed warning (signature included): the envelope digest. */
const DIGEST = "b26d9b502b88f7bc25d48817e3d26add79defbf31fd583f1bf5c0cd1289702b6";

test("the worked example reproduces its published constants", () => {
  const ex = workedExample();
  assert.equal(ex.seedHex, SEED_HEX);
  assert.equal(ex.publicKeyHex, PUBLIC_KEY_HEX);
  assert.equal(ex.keyId, KEY_ID);
  assert.equal(ex.signingBytes, SIGNING_BYTES);
  assert.equal(ex.signature, SIGNATURE);
  assert.equal(ex.signed.extensions[SIGNATURE_EXT].signature, SIGNATURE);
  assert.equal(ex.digest, DIGEST);
  assert.equal(ex.commitment.digest, COMMITMENT_DIGEST);
  // The canonical signed object is the signing JCS with the signature member put back.
  const signedJcs = SIGNING_BYTES.slice("tocsin-record-v1\n".length).replace(
    '"key_id":"65b60673d6ed884bf01c2c222d82ada0","signer_ref"',
    `"key_id":"65b60673d6ed884bf01c2c222d82ada0","signature":"${SIGNATURE}","signer_ref"`,
  );
  assert.equal(canonicalJson(ex.signed), signedJcs);
  assert.equal(canonicalJson(ex.unsigned), canonicalJson({ ...ex.signed, extensions: { ...ex.unsigned.extensions } }));
  // It verifies, and its commitment opens with the published salt and evidence.
  const pub = fromHex(PUBLIC_KEY_HEX)!;
  assert.deepEqual(verifyRecordSignature(ex.signed, () => pub), { signerRef: ex.signed.created_by_ref, keyId: KEY_ID, custodial: false });
  assert.equal(ex.commitment.saltHex, COMMITMENT_SALT_HEX);
  assert.ok(checkReveal(COMMITMENT_DIGEST, fromHex(ex.commitment.saltHex)!, utf8.encode(ex.commitment.evidence)));
  // Its log leaf carries the digest, never the content: a warning's first version is position 0 of its
  // own thread (leaf v2, as the node logs it), and the leaf hash is the one the docs print.
  const leafBytes = encodeRecordLeaf(recordLeafOf(ex.signed, "2026-11-25T09:00:01.000Z", undefined, { warning: ex.signed.id, seq: 0 }));
  const leaf = utf8.decode(leafBytes);
  assert.equal(
    leaf,
    `{"author":"identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f","custodial":false,"digest":"${DIGEST}",` +
      `"id":"report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b","key_id":"${KEY_ID}","kind":"warning",` +
      `"logged_at":"2026-11-25T09:00:01.000Z","modified":"2026-11-25T09:00:00.000Z","seq":0,"v":2,` +
      `"warning":"report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b"}`,
  );
  assert.equal(leafBytes.length, LEAF_BYTES);
  assert.equal(toHex(hashLeaf(leafBytes)), LEAF_HASH);
  // The docs print this leaf and its hash (and the OpenSSL command that recomputes it).
  const docs = readFileSync(join(repoRoot(), "docs", "formats.md"), "utf8");
  assert.ok(docs.includes(leaf), "docs/formats.md shows the leaf");
  assert.ok(docs.includes(`${LEAF_HASH} *stdin`), "docs/formats.md shows its leaf hash");
  assert.ok(docs.includes(`${LEAF_BYTES} bytes`), "docs/formats.md gives its length");
});

/*
 * Reproducing the example with OpenSSL 3.0 (the commands this test runs; docs/formats.md may quote them).
 * msg.bin holds exactly SIGNING_BYTES (no trailing newline), signed.json exactly the JCS of the signed
 * warning; SEED_HEX is the 32-byte seed in hex, SALT_HEX the 32-byte commitment salt in hex and EVIDENCE the
 * evidence text.
 *
 *   # The raw seed as a PKCS#8 key: the fixed RFC 8410 prefix 302e020100300506032b657004220420, then the seed.
 *   printf '302e020100300506032b657004220420%s' "$SEED_HEX" | xxd -r -p > key.der
 *   openssl pkey -inform DER -in key.der -out key.pem
 *
 *   # Sign (pure Ed25519 needs -rawin: the message is not hashed first) and print the base64 signature.
 *   openssl pkeyutl -sign -inkey key.pem -rawin -in msg.bin -out sig.bin
 *   openssl base64 -A -in sig.bin
 *
 *   # Verify with the public key alone.
 *   openssl pkey -in key.pem -pubout -out pub.pem
 *   openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg.bin -sigfile sig.bin
 *
 *   # The key id: SHA-256 of the raw public key (the last 32 bytes of its DER SubjectPublicKeyInfo), first 32 hex digits.
 *   openssl pkey -in key.pem -pubout -outform DER | tail -c 32 | openssl dgst -sha256 -r | cut -c1-32
 *
 *   # The envelope digest.
 *   openssl dgst -sha256 -r signed.json
 *
 *   # The commitment digest: the 32-byte salt, then the evidence bytes.
 *   { printf '%s' "$SALT_HEX" | xxd -r -p; printf '%s' "$EVIDENCE"; } | openssl dgst -sha256 -r
 */
test("OpenSSL reproduces the worked example's signature, key id and digest", (t) => {
  const probe = spawnSync("openssl", ["version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    t.skip("openssl not found on PATH; the OpenSSL cross-check is skipped");
    return;
  }
  const ex = workedExample();
  const dir = mkdtempSync(join(tmpdir(), "tocsin-worked-example-"));
  const run = (...args: string[]): string => execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    writeFileSync(join(dir, "msg.bin"), utf8.encode(ex.signingBytes));
    writeFileSync(join(dir, "signed.json"), utf8.encode(canonicalJson(ex.signed)));
    // What `printf … | xxd -r -p > key.der` writes.
    writeFileSync(join(dir, "key.der"), fromHex("302e020100300506032b657004220420" + ex.seedHex)!);
    run("pkey", "-inform", "DER", "-in", "key.der", "-out", "key.pem");

    run("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-in", "msg.bin", "-out", "sig.bin");
    const sig = new Uint8Array(readFileSync(join(dir, "sig.bin")));
    assert.equal(toBase64(sig), SIGNATURE);
    assert.equal(run("base64", "-A", "-in", "sig.bin").trim(), SIGNATURE);

    run("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
    assert.match(run("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg.bin", "-sigfile", "sig.bin"), /Signature Verified Successfully/);
    // A one-byte change to the message must fail OpenSSL's verification too.
    writeFileSync(join(dir, "msg2.bin"), utf8.encode(ex.signingBytes.replace('"probability":0.7', '"probability":0.8')));
    const tampered = spawnSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg2.bin", "-sigfile", "sig.bin"], { cwd: dir, encoding: "utf8" });
    assert.notEqual(tampered.status, 0);

    run("pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der");
    const pubDer = new Uint8Array(readFileSync(join(dir, "pub.der")));
    const rawPub = pubDer.subarray(pubDer.length - 32);
    assert.equal(toHex(rawPub), PUBLIC_KEY_HEX);
    writeFileSync(join(dir, "pub.raw"), rawPub);
    assert.equal(run("dgst", "-sha256", "-r", "pub.raw").slice(0, 32), KEY_ID);

    assert.equal(run("dgst", "-sha256", "-r", "signed.json").split(" ")[0], DIGEST);
    // The commitment: SHA-256 of the 32-byte salt followed by the evidence bytes.
    writeFileSync(join(dir, "commit.bin"), concatBytes(fromHex(COMMITMENT_SALT_HEX)!, utf8.encode(ex.commitment.evidence)));
    assert.equal(run("dgst", "-sha256", "-r", "commit.bin").split(" ")[0], COMMITMENT_DIGEST);
    // And the signature OpenSSL made is the one inside the record.
    assert.deepEqual(fromBase64(ex.signed.extensions[SIGNATURE_EXT].signature), sig);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
