import { test } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from "node:crypto";
import { readVector } from "../../testing/repo-root.js";
import * as nodeBackend from "./node-backend.js";
import * as portable from "./portable-backend.js";
import { ed25519 } from "@noble/curves/ed25519.js";

// The browser's cryptography (portable-backend.ts) must give the node's verdicts (node-backend.ts) on the
// same input, or a browser and `tocsin audit` could disagree about one bundle.

const v = readVector("merkle.json");
const hex = (s: string): Uint8Array => nodeBackend.fromHex(s)!;
const backends = [
  ["node", nodeBackend],
  ["portable", portable],
] as const;

/** RFC 8032 §7.1, test 1 (empty message) and test 2 (one byte). */
const RFC8032 = [
  {
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
];

test("SHA-256: both backends give the RFC 6962 hasher vectors, in one part or several", () => {
  for (const [name, b] of backends) {
    assert.equal(b.toHex(b.sha256(new Uint8Array())), v.hasher.vectors[0].expected, name);
    assert.equal(b.toHex(b.sha256(new Uint8Array([0]), hex(v.hasher.vectors[2].leafInputHex))), v.hasher.vectors[2].expected, name);
    const h = v.hasher.vectors[3];
    assert.equal(b.toHex(b.sha256(new Uint8Array([1]), hex(h.leftHex), hex(h.rightHex))), h.expected, name);
    const big = randomBytes(10_000);
    assert.equal(b.toHex(b.sha256(big.subarray(0, 3), big.subarray(3))), nodeBackend.toHex(nodeBackend.sha256(big)), name);
    // Into a buffer at an offset, one part or several, leaving the bytes around it alone.
    for (const parts of [[big], [new Uint8Array([1]), big.subarray(0, 32), big.subarray(32, 64)]]) {
      const out = new Uint8Array(40).fill(9);
      b.sha256Into(out, 5, ...parts);
      assert.equal(b.toHex(out.subarray(5, 37)), nodeBackend.toHex(nodeBackend.sha256(...parts)), name);
      assert.deepEqual([...out.subarray(0, 5), ...out.subarray(37)], [9, 9, 9, 9, 9, 9, 9, 9], name);
    }
    assert.throws(() => b.sha256Into(new Uint8Array(40), 9, big), RangeError, name);
    // Of text: the hash of its UTF-8 as utf8.encode writes it (multi-byte characters, a lone surrogate as U+FFFD).
    for (const text of ["", "abc", "é€😀 \u2028", "lone \ud800 surrogate", "x".repeat(5000)]) {
      assert.equal(b.toHex(b.sha256Utf8(text)), nodeBackend.toHex(nodeBackend.sha256(b.utf8.encode(text))), `${name} ${JSON.stringify(text.slice(0, 20))}`);
    }
    assert.equal(b.toHex(b.sha256Utf8("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", name);
  }
});

test("Ed25519: both backends derive, sign and verify the RFC 8032 vectors", () => {
  for (const [name, b] of backends) {
    for (const t of RFC8032) {
      assert.equal(b.toHex(b.ed25519PublicKey(hex(t.seed))), t.publicKey, name);
      assert.equal(b.toHex(b.ed25519Sign(hex(t.seed), hex(t.message))), t.signature, name);
      assert.equal(b.ed25519Verify(hex(t.publicKey), hex(t.message), hex(t.signature)), true, name);
    }
    assert.throws(() => b.ed25519Sign(new Uint8Array(31), new Uint8Array()), RangeError, name);
    assert.throws(() => b.ed25519PublicKey(new Uint8Array(33)), RangeError, name);
  }
});

test("Ed25519: both backends refuse the same bad signatures, without throwing", () => {
  const t = RFC8032[1]!;
  const pub = hex(t.publicKey);
  const msg = hex(t.message);
  const sig = hex(t.signature);
  const flipped = sig.slice();
  flipped[10]! ^= 1;
  // S + L: the same signature with a non-canonical scalar; RFC 8032 §5.1.7 requires S < L.
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
  s += L;
  const malleable = sig.slice();
  for (let i = 32; i < 64; i++) {
    malleable[i] = Number(s & 255n);
    s >>= 8n;
  }
  const cases: [string, Uint8Array, Uint8Array, Uint8Array][] = [
    ["flipped bit", pub, msg, flipped],
    ["other message", pub, new Uint8Array([0x73]), sig],
    ["non-canonical S", pub, msg, malleable],
    ["short signature", pub, msg, sig.subarray(0, 63)],
    ["short key", pub.subarray(0, 31), msg, sig],
    ["key not on the curve", hex("02" + "00".repeat(31)), msg, sig],
    ["all-zero key and signature", new Uint8Array(32), msg, new Uint8Array(64)],
  ];
  for (const [what, k, m, s2] of cases) {
    assert.equal(nodeBackend.ed25519Verify(k, m, s2), false, `node: ${what}`);
    assert.equal(portable.ed25519Verify(k, m, s2), false, `portable: ${what}`);
  }
  const fresh = portable.generateEd25519();
  const signed = portable.ed25519Sign(fresh.seed, msg);
  assert.equal(nodeBackend.ed25519Verify(fresh.publicKey, msg, signed), true, "a browser's signature verifies on the node");
  assert.deepEqual(nodeBackend.ed25519PublicKey(fresh.seed), fresh.publicKey);
});

test("Ed25519: the node's libsodium signatures and keys are OpenSSL's bytes, for fresh seeds and every message length up to 300", () => {
  // The node signed with OpenSSL before; a checkpoint or custodial record signed either way must be the same bytes.
  for (let i = 0; i < 300; i++) {
    const seed = new Uint8Array(randomBytes(32));
    const message = new Uint8Array(randomBytes(i));
    const key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
    const opensslPublic = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(12);
    assert.deepEqual(nodeBackend.ed25519Sign(seed, message), new Uint8Array(sign(null, message, key)), `signature, ${i} bytes`);
    assert.deepEqual(nodeBackend.ed25519PublicKey(seed), new Uint8Array(opensslPublic), `public key, ${i}`);
  }
  // A caller that changes its seed's bytes afterwards signs with the new seed, not a cached one.
  const seed = new Uint8Array(randomBytes(32));
  const first = nodeBackend.ed25519PublicKey(seed);
  seed[0] = seed[0]! ^ 1;
  assert.notDeepEqual(nodeBackend.ed25519PublicKey(seed), first);
  const fresh = nodeBackend.generateEd25519();
  assert.deepEqual(fresh.publicKey, portable.ed25519PublicKey(fresh.seed), "a generated pair is a pair");
});

/** OpenSSL's own verdict (node:crypto), the verify the node used before libsodium: the attack below is real there. */
function opensslVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]);
  return verify(null, message, createPublicKey({ key: spki, format: "der", type: "spki" }), signature);
}

test("Ed25519: a small-order key, whose trivial signature OpenSSL accepts for any message, verifies nothing on either backend", () => {
  // R = the identity point, S = 0: the cofactorless equation [S]B = R + [k]A holds whenever [k]A is
  // the identity, i.e. for every message under the identity key and for every even k under the key of
  // order 2. A party that rotated to such a key could post records nobody signed and deny them all.
  const trivial = new Uint8Array(64);
  trivial[0] = 1;
  const smallOrderKeys: [string, Uint8Array][] = [
    ["the identity", hex("01" + "00".repeat(31))],
    ["the point of order 2", hex("ec" + "ff".repeat(30) + "7f")],
  ];
  for (const [what, key] of smallOrderKeys) {
    const accepted = Array.from({ length: 16 }, (_, i) => new TextEncoder().encode(`a record nobody signed ${i}`)).filter((m) => opensslVerifies(key, m, trivial));
    assert.ok(accepted.length > 0, `OpenSSL accepts the trivial signature under ${what}`);
    for (const m of accepted) {
      assert.equal(nodeBackend.ed25519Verify(key, m, trivial), false, `node: ${what}`);
      assert.equal(portable.ed25519Verify(key, m, trivial), false, `portable: ${what}`);
    }
  }
});

test("Ed25519 keys: both backends accept real keys and refuse small-order, mixed-order and non-canonical ones", () => {
  // The eight points of small order: the multiples of a point of order 8.
  const order8 = ed25519.Point.fromBytes(hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"));
  const torsion = Array.from({ length: 8 }, (_, k) => (k === 0 ? ed25519.Point.ZERO : order8.multiply(BigInt(k))));
  assert.equal(new Set(torsion.map((p) => nodeBackend.toHex(p.toBytes()))).size, 8);
  const real = [...RFC8032.map((t) => hex(t.publicKey)), portable.generateEd25519().publicKey, nodeBackend.generateEd25519().publicKey];
  const refused: [string, Uint8Array][] = [
    ...torsion.map((p, k): [string, Uint8Array] => [`small order (${k} × the order-8 point)`, p.toBytes()]),
    ["mixed order (a real key plus the point of order 2)", ed25519.Point.fromBytes(real[0]!).add(torsion[4]!).toBytes()],
    ["non-canonical (y = p)", hex("ed" + "ff".repeat(30) + "7f")],
    ["not on the curve", hex("02" + "00".repeat(31))],
    ["31 bytes", real[0]!.subarray(0, 31)],
  ];
  for (const [name, b] of backends) {
    for (const k of real) assert.equal(b.ed25519IsValidPublicKey(k), true, `${name}: ${b.toHex(k)}`);
    for (const [what, k] of refused) assert.equal(b.ed25519IsValidPublicKey(k), false, `${name}: ${what}`);
  }
});

test("the C2SP and Go signed-note vectors' signatures verify with both backends", () => {
  for (const n of v.signedNote.vectors) {
    const key = nodeBackend.fromBase64(n.vkey.split("+")[2])!.subarray(1);
    const line: string = n.signatureLine ?? n.note.split("\n\n")[1];
    const sig = nodeBackend.fromBase64(line.trim().split(" ").pop()!)!.subarray(4);
    const msg = nodeBackend.utf8.encode(n.verifiedHere.signedMessage);
    for (const [name, b] of backends) assert.equal(b.ed25519Verify(key, msg, sig), true, `${name}: ${n.desc}`);
  }
});

test("codecs: both backends encode alike and refuse the same non-canonical hex and base64", () => {
  for (let n = 0; n < 70; n++) {
    const bytes = new Uint8Array(randomBytes(n));
    const h = nodeBackend.toHex(bytes);
    const b64 = nodeBackend.toBase64(bytes);
    assert.equal(portable.toHex(bytes), h);
    assert.equal(portable.toBase64(bytes), b64);
    assert.deepEqual(portable.fromHex(h), bytes);
    assert.deepEqual(portable.fromHex(h.toUpperCase()), bytes);
    assert.deepEqual(portable.fromBase64(b64), bytes);
  }
  for (const s of ["abc", "zz", "0g", " 00"]) {
    assert.equal(nodeBackend.fromHex(s), undefined, s);
    assert.equal(portable.fromHex(s), undefined, s);
  }
  for (const s of ["QQ", "QR==", "QQ=", "Q===", "QUJD\n", "QU JD", "QUJD=", "=QUJ", "QUJ-", "QUJ_", "QQ==QQ=="]) {
    assert.equal(nodeBackend.fromBase64(s), undefined, `node: ${JSON.stringify(s)}`);
    assert.equal(portable.fromBase64(s), undefined, `portable: ${JSON.stringify(s)}`);
  }
  for (const s of ["", "héllo — ✓ 𝄞", "\u0000"]) {
    assert.deepEqual(portable.utf8.encode(s), nodeBackend.utf8.encode(s));
    assert.equal(portable.utf8.decode(nodeBackend.utf8.encode(s)), s);
  }
  const invalid = new Uint8Array([0x61, 0xff, 0xc3, 0x28, 0xe2, 0x82]);
  assert.equal(portable.utf8.decode(invalid), nodeBackend.utf8.decode(invalid));
  const a = new Uint8Array([1, 2, 3]);
  for (const [name, b] of backends) {
    assert.equal(b.bytesEqual(a, new Uint8Array([1, 2, 3])), true, name);
    assert.equal(b.bytesEqual(a, new Uint8Array([1, 2, 4])), false, name);
    assert.equal(b.bytesEqual(a, new Uint8Array([1, 2])), false, name);
  }
});
