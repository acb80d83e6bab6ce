import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ed25519PublicKey, ed25519Sign, fromBase64, sha256, toBase64, toHex, utf8 } from "../crypto/index.js";
import { canonicalJson } from "./canonical-json.js";
import { SIGNATURE_EXT, WARNING_EXT } from "./extension-ids.js";
import { RecordError, type RecordErrorCode } from "./record-errors.js";
import {
  RECORD_SIGNING_PREFIX,
  keyIdOf,
  readSignatureExtension,
  recordDigest,
  recordDigestHex,
  recordCanonicalForms,
  recordSigningBytes,
  signRecord,
  verifyRecordSignature,
  type RecordKeyResolver,
  type SignedRecord,
  type StixObject,
} from "./record-signature.js";

const throwsCode = (fn: () => unknown, code: RecordErrorCode): void =>
  assert.throws(fn, (e: unknown) => e instanceof RecordError && e.code === code);

const ALICE = "identity--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d";
const BOB = "identity--1a1b1c1d-1e1f-4a2b-9c2d-2e2f3a3b3c3d";
const seedOf = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const aliceSeed = seedOf(7);
const alicePub = ed25519PublicKey(aliceSeed);
const bobSeed = seedOf(9);
const bobPub = ed25519PublicKey(bobSeed);

const keys: Record<string, Uint8Array> = { [ALICE]: alicePub, [BOB]: bobPub };
const resolve: RecordKeyResolver = (signer, keyId) => {
  const k = keys[signer];
  return k !== undefined && keyIdOf(k) === keyId ? k : undefined;
};

function warning(author = ALICE): StixObject {
  return {
    type: "report",
    spec_version: "2.1",
    id: "report--5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c",
    created: "2026-11-25T09:00:00.000Z",
    modified: "2026-11-25T09:00:00.000Z",
    created_by_ref: author,
    name: "Warning",
    report_types: ["threat-report"],
    published: "2026-11-25T09:00:00.000Z",
    object_refs: ["threat-actor--3c9e1f2a-4b5d-4c6e-9f7a-8b9c0d1e2f3a", "attack-pattern--7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"],
    extensions: {
      [WARNING_EXT]: {
        extension_type: "property-extension",
        window_start: "2026-11-25T12:00:00.000Z",
        window_end: "2026-12-09T12:00:00.000Z",
        probability: 0.7,
        severity: "high",
        recipient_refs: [BOB],
        deadlines: { assessment: "2026-11-26T09:00:00.000Z" },
        requested_actions: ["protect large venues"],
      },
    },
  };
}

const signAlice = (obj: StixObject = warning(), custodial?: boolean): SignedRecord =>
  signRecord(obj, { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub, ...(custodial === undefined ? {} : { custodial }) });

const sigExt = (r: StixObject): Record<string, unknown> => (r.extensions as Record<string, Record<string, unknown>>)[SIGNATURE_EXT]!;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test("keyIdOf is the first 16 bytes of SHA-256 of the raw public key, lowercase hex", () => {
  assert.equal(keyIdOf(alicePub), toHex(sha256(alicePub)).slice(0, 32));
  assert.match(keyIdOf(alicePub), /^[0-9a-f]{32}$/);
  throwsCode(() => keyIdOf(new Uint8Array(31)), "RECORD_BAD_KEY");
});

test("keyIdOf answers by a key's content, also for the same array changed in place after a call", () => {
  const bobPub = ed25519PublicKey(seedOf(9));
  const idOf = (k: Uint8Array) => toHex(sha256(k)).slice(0, 32);
  assert.equal(keyIdOf(bobPub), idOf(bobPub));
  const key = Buffer.from(alicePub); // a Buffer, whose slice() would share the memory
  assert.equal(keyIdOf(key), idOf(alicePub));
  key.set(bobPub);
  assert.equal(keyIdOf(key), idOf(bobPub));
  assert.equal(keyIdOf(alicePub), idOf(alicePub));
  assert.equal(keyIdOf(new Uint8Array(alicePub)), idOf(alicePub));
  assert.equal(keyIdOf(bobPub), idOf(bobPub));
});

test("sign then verify round-trips, also through JSON text", () => {
  const signed = signAlice();
  assert.deepEqual(verifyRecordSignature(signed, resolve), { signerRef: ALICE, keyId: keyIdOf(alicePub), custodial: false });
  const wire = JSON.parse(JSON.stringify(signed, null, 2)) as unknown;
  assert.deepEqual(verifyRecordSignature(wire, resolve).signerRef, ALICE);
  const ext = sigExt(signed);
  assert.deepEqual(Object.keys(ext).sort(), ["algorithm", "extension_type", "key_id", "signature", "signer_ref"]);
  assert.equal(ext.algorithm, "ed25519");
  assert.equal(fromBase64(ext.signature as string)!.length, 64);
  // The warning extension is untouched.
  assert.deepEqual(signed.extensions[WARNING_EXT], warning().extensions![WARNING_EXT]);
});

test("custodial signatures say so, and verification reports it", () => {
  const signed = signAlice(warning(), true);
  assert.equal(sigExt(signed).custodial, true);
  assert.equal(verifyRecordSignature(signed, resolve).custodial, true);
  // custodial: false is the same as no flag (nothing is written).
  assert.equal("custodial" in sigExt(signAlice(warning(), false)), false);
});

test("the signing bytes: prefix, then JCS of the object without the signature value (metadata included)", () => {
  const signed = signAlice();
  const bytes = recordSigningBytes(signed);
  const { signature: _s, ...meta } = sigExt(signed);
  const expected = RECORD_SIGNING_PREFIX + canonicalJson({ ...signed, extensions: { ...signed.extensions, [SIGNATURE_EXT]: meta } });
  assert.equal(utf8.decode(bytes), expected);
  assert.ok(utf8.decode(bytes).startsWith('tocsin-record-v1\n{"created":'));
  assert.ok(utf8.decode(bytes).includes(`"key_id":"${keyIdOf(alicePub)}"`));
  assert.ok(!utf8.decode(bytes).includes('"signature"'));
  // Independent check of the signature with the crypto facade (Ed25519 is deterministic).
  assert.equal(sigExt(signed).signature, toBase64(ed25519Sign(aliceSeed, bytes)));
  // Signing bytes do not depend on the signature value.
  const other = clone(signed);
  sigExt(other).signature = toBase64(new Uint8Array(64));
  assert.deepEqual(recordSigningBytes(other), bytes);
});

test("signRecord copies: the input is not modified, and later changes to it do not reach the record", () => {
  const input = warning();
  const before = clone(input);
  const signed = signAlice(input);
  assert.deepEqual(input, before);
  (input.object_refs as string[]).push("location--b4e5f6a7-8c9d-4e0f-a1b2-c3d4e5f6a7b8");
  assert.doesNotThrow(() => verifyRecordSignature(signed, resolve));
});

test("re-signing replaces the signature extension (e.g. a new version, another key)", () => {
  const signed = signAlice();
  const next = { ...clone(signed), modified: "2026-11-26T09:00:00.000Z" };
  const resigned = signAlice(next, true);
  assert.equal(verifyRecordSignature(resigned, resolve).custodial, true);
  assert.notEqual(sigExt(resigned).signature, sigExt(signed).signature);
  // Re-signing an already-signed object unchanged gives the same bytes (the old signature value is not signed).
  assert.deepEqual(signAlice(signed), signed);
});

test("signRecord refuses a signer other than created_by_ref, and mismatched keys", () => {
  throwsCode(() => signRecord(warning(BOB), { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub }), "RECORD_SIGNER_MISMATCH");
  const noAuthor = warning();
  delete noAuthor.created_by_ref;
  throwsCode(() => signRecord(noAuthor, { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub }), "RECORD_SIGNER_MISMATCH");
  const notIdentity = warning("organization--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d");
  throwsCode(
    () => signRecord(notIdentity, { signerRef: "organization--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d", seed: aliceSeed, publicKey: alicePub }),
    "RECORD_SIGNER_MISMATCH",
  );
  throwsCode(() => signRecord(warning(), { signerRef: ALICE, seed: aliceSeed, publicKey: bobPub }), "RECORD_BAD_KEY");
  throwsCode(() => signRecord(warning(), { signerRef: ALICE, seed: new Uint8Array(31), publicKey: alicePub }), "RECORD_BAD_KEY");
  throwsCode(() => signRecord(warning(), { signerRef: ALICE, seed: aliceSeed, publicKey: new Uint8Array(33) }), "RECORD_BAD_KEY");
});

test("signRecord refuses what is not a STIX-shaped JSON object", () => {
  const opts = { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub };
  for (const bad of [null, [], "report", { id: "report--5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c" }, { type: "report" }, { ...warning(), extensions: [] }]) {
    throwsCode(() => signRecord(bad as unknown as StixObject, opts), "RECORD_MALFORMED");
  }
  throwsCode(() => signRecord({ ...warning(), confidence: NaN }, opts), "RECORD_NOT_CANONICALIZABLE");
  throwsCode(() => signRecord({ ...warning(), when: new Date() }, opts), "RECORD_NOT_CANONICALIZABLE");
});

test("RECORD_UNSIGNED: no signature extension", () => {
  throwsCode(() => verifyRecordSignature(warning(), resolve), "RECORD_UNSIGNED");
  const noExtensions = warning();
  delete noExtensions.extensions;
  throwsCode(() => verifyRecordSignature(noExtensions, resolve), "RECORD_UNSIGNED");
  throwsCode(() => recordSigningBytes(warning()), "RECORD_UNSIGNED");
  throwsCode(() => verifyRecordSignature("not an object", resolve), "RECORD_MALFORMED");
});

test("RECORD_SIGNATURE_MALFORMED: every malformed signature extension", () => {
  const signed = signAlice();
  const sig = sigExt(signed).signature as string;
  const mutations: [string, (e: Record<string, unknown>) => void][] = [
    ["algorithm missing", (e) => delete e.algorithm],
    ["other algorithm", (e) => (e.algorithm = "ed448")],
    ["upper-case algorithm", (e) => (e.algorithm = "Ed25519")],
    ["extension_type", (e) => (e.extension_type = "new-sdo")],
    ["signer_ref not an identity", (e) => (e.signer_ref = "report--5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c")],
    ["key_id upper case", (e) => (e.key_id = (e.key_id as string).toUpperCase())],
    ["key_id short", (e) => (e.key_id = (e.key_id as string).slice(2))],
    ["custodial false", (e) => (e.custodial = false)],
    ["custodial string", (e) => (e.custodial = "true")],
    ["unknown member", (e) => (e.comment = "hi")],
    ["signature missing", (e) => delete e.signature],
    ["signature not a string", (e) => (e.signature = 42)],
    ["signature url-safe base64", (e) => (e.signature = sig.replaceAll("+", "-").replaceAll("/", "_"))],
    ["signature unpadded", (e) => (e.signature = sig.replace(/=+$/, ""))],
    ["signature 63 bytes", (e) => (e.signature = toBase64(new Uint8Array(63)))],
    ["signature 65 bytes", (e) => (e.signature = toBase64(new Uint8Array(65)))],
    ["signature with whitespace", (e) => (e.signature = sig.slice(0, 10) + "\n" + sig.slice(10))],
    // "…Q==" and "…R==" decode to the same 64 bytes; only the canonical spelling is accepted.
    ["signature non-canonical base64", (e) => (e.signature = sig.slice(0, 85) + String.fromCharCode(sig.charCodeAt(85) + 1) + "==")],
  ];
  for (const [name, mutate] of mutations) {
    const r = clone(signed);
    mutate(sigExt(r));
    assert.throws(() => verifyRecordSignature(r, resolve), (e: unknown) => e instanceof RecordError && e.code === "RECORD_SIGNATURE_MALFORMED", name);
  }
  const notObject = clone(signed);
  (notObject.extensions as Record<string, unknown>)[SIGNATURE_EXT] = "sig";
  throwsCode(() => verifyRecordSignature(notObject, resolve), "RECORD_SIGNATURE_MALFORMED");
  assert.equal(sig.length, 88);
  assert.match(sig, /^[A-Za-z0-9+/]{85}[AQgw]==$/);
});

test("RECORD_SIGNER_MISMATCH: signer_ref must be created_by_ref", () => {
  const signed = signAlice();
  const r1 = clone(signed);
  r1.created_by_ref = BOB;
  throwsCode(() => verifyRecordSignature(r1, resolve), "RECORD_SIGNER_MISMATCH");
  const r2 = clone(signed);
  delete r2.created_by_ref;
  throwsCode(() => verifyRecordSignature(r2, resolve), "RECORD_SIGNER_MISMATCH");
});

test("relay: a party signs a third party's object of a relayable kind with its own signer_ref; Tocsin kinds are never relayed", () => {
  const indicator = (createdBy?: string): StixObject => ({
    type: "indicator",
    spec_version: "2.1",
    id: "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",
    created: "2026-11-25T09:00:00.000Z",
    modified: "2026-11-25T09:00:00.000Z",
    ...(createdBy ? { created_by_ref: createdBy } : {}),
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: "stix",
    valid_from: "2026-11-25T09:00:00.000Z",
  });
  const stranger = "identity--9f9e9d9c-9b9a-4999-8998-979695949392";
  for (const obj of [indicator(), indicator(stranger)]) {
    // Without `relay` the signer must be created_by_ref, as always.
    throwsCode(() => signRecord(obj, { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub }), "RECORD_SIGNER_MISMATCH");
    const relayed = signRecord(obj, { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub, relay: true });
    assert.equal(relayed.created_by_ref, obj.created_by_ref, "created_by_ref untouched");
    assert.deepEqual(verifyRecordSignature(relayed, resolve), { signerRef: ALICE, keyId: keyIdOf(alicePub), custodial: false });
    // signer_ref is signed: re-attributing the relay to Bob (with Bob's key id) breaks it.
    const moved = clone(relayed);
    Object.assign(moved.extensions[SIGNATURE_EXT] as object, { signer_ref: BOB, key_id: keyIdOf(bobPub) });
    throwsCode(() => verifyRecordSignature(moved, resolve), "RECORD_BAD_SIGNATURE");
  }
  // A warning (or any Tocsin kind) is its author's statement: no relay flag makes another signer valid.
  throwsCode(() => signRecord(warning(BOB), { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub, relay: true }), "RECORD_SIGNER_MISMATCH");
  const w = signAlice();
  const claimed = clone(w);
  claimed.created_by_ref = BOB;
  throwsCode(() => verifyRecordSignature(claimed, resolve), "RECORD_SIGNER_MISMATCH");
});

test("RECORD_UNKNOWN_KEY: no key, or a resolver answering with a key of another id", () => {
  const signed = signAlice();
  throwsCode(() => verifyRecordSignature(signed, () => undefined), "RECORD_UNKNOWN_KEY");
  throwsCode(() => verifyRecordSignature(signed, () => bobPub), "RECORD_UNKNOWN_KEY");
  throwsCode(() => verifyRecordSignature(signed, () => new Uint8Array(5)), "RECORD_UNKNOWN_KEY");
  const seen: [string, string][] = [];
  verifyRecordSignature(signed, (s, k) => {
    seen.push([s, k]);
    return alicePub;
  });
  assert.deepEqual(seen, [[ALICE, keyIdOf(alicePub)]]);
});

test("RECORD_BAD_SIGNATURE: a wrong signature value", () => {
  const signed = signAlice();
  const r = clone(signed);
  const bytes = fromBase64(sigExt(r).signature as string)!;
  bytes[10]! ^= 1;
  sigExt(r).signature = toBase64(bytes);
  throwsCode(() => verifyRecordSignature(r, resolve), "RECORD_BAD_SIGNATURE");
  // A valid signature of another record.
  const other = signAlice({ ...warning(), name: "Other" });
  const r2 = clone(signed);
  sigExt(r2).signature = sigExt(other).signature;
  throwsCode(() => verifyRecordSignature(r2, resolve), "RECORD_BAD_SIGNATURE");
});

test("tampering with any signed property breaks verification, signature metadata included", () => {
  const signed = signAlice();
  const tamper: [string, (r: StixObject) => void][] = [
    ["name", (r) => (r.name = "Warning!")],
    ["modified", (r) => (r.modified = "2026-11-25T09:00:00.001Z")],
    ["new top-level property", (r) => (r.labels = ["x"])],
    ["removed property", (r) => delete r.published],
    ["array order", (r) => (r.object_refs as string[]).reverse()],
    ["array element added", (r) => (r.object_refs as string[]).push("location--b4e5f6a7-8c9d-4e0f-a1b2-c3d4e5f6a7b8")],
    ["nested probability", (r) => ((r.extensions![WARNING_EXT] as Record<string, unknown>).probability = 0.71)],
    ["nested deadline", (r) => (((r.extensions![WARNING_EXT] as Record<string, unknown>).deadlines as Record<string, unknown>).receipt = "2026-11-25T10:00:00.000Z")],
    ["another extension added", (r) => (r.extensions!["x-acme-ext"] = { a: 1 })],
    ["number spelling of the same value is fine, value change is not", (r) => ((r.extensions![WARNING_EXT] as Record<string, unknown>).probability = 0.7000001)],
    ["custodial added", (r) => (sigExt(r).custodial = true)],
  ];
  for (const [name, change] of tamper) {
    const r = clone(signed);
    change(r);
    assert.throws(() => verifyRecordSignature(r, resolve), (e: unknown) => e instanceof RecordError && e.code === "RECORD_BAD_SIGNATURE", name);
  }
  // custodial removed from a custodial record.
  const c = clone(signAlice(warning(), true));
  delete sigExt(c).custodial;
  throwsCode(() => verifyRecordSignature(c, resolve), "RECORD_BAD_SIGNATURE");
  // key_id swapped for another key of the same signer that the resolver knows: the signed key_id no longer matches.
  const rotatedPub = ed25519PublicKey(seedOf(8));
  const twoKeys: RecordKeyResolver = (s, k) => (s !== ALICE ? undefined : [alicePub, rotatedPub].find((p) => keyIdOf(p) === k));
  const k = clone(signed);
  sigExt(k).key_id = keyIdOf(rotatedPub);
  throwsCode(() => verifyRecordSignature(k, twoKeys), "RECORD_BAD_SIGNATURE");
  // signer_ref (and created_by_ref with it) moved to another party sharing the key.
  const shared: RecordKeyResolver = () => alicePub;
  const s = clone(signed);
  sigExt(s).signer_ref = BOB;
  s.created_by_ref = BOB;
  throwsCode(() => verifyRecordSignature(s, shared), "RECORD_BAD_SIGNATURE");
});

test("property: flipping any character of any string in a signed record breaks it", () => {
  const signed = signAlice();
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (typeof v === "string") paths.push(path);
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(signed, []);
  fc.assert(
    fc.property(fc.nat(paths.length - 1), fc.nat(200), (pi, ci) => {
      const r = clone(signed) as unknown as Record<string, unknown>;
      const path = paths[pi]!;
      let parent: Record<string, unknown> = r;
      for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
      const key = path[path.length - 1]!;
      const s = parent[key] as string;
      const i = ci % s.length;
      parent[key] = s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
      assert.throws(() => verifyRecordSignature(r, resolve), RecordError);
    }),
    { numRuns: 200 },
  );
});

test("recordDigest: SHA-256 of the JCS of the whole signed object; whitespace and member order do not matter", () => {
  const signed = signAlice();
  assert.deepEqual(recordDigest(signed), sha256(utf8.encode(canonicalJson(signed))));
  assert.equal(recordDigestHex(signed), toHex(recordDigest(signed)));
  const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(signed).reverse()), null, 4)) as unknown;
  assert.equal(recordDigestHex(reordered), recordDigestHex(signed));
  assert.doesNotThrow(() => verifyRecordSignature(reordered, resolve));
  // The signature is part of the digest: two signatures, two digests.
  assert.notEqual(recordDigestHex(signAlice(warning(), true)), recordDigestHex(signed));
  const unsignedDigest = recordDigestHex(warning());
  assert.notEqual(unsignedDigest, recordDigestHex(signed));
});

test("readSignatureExtension returns a clean copy", () => {
  const signed = signAlice(warning(), true);
  const ext = readSignatureExtension(signed);
  assert.deepEqual(ext, sigExt(signed));
  assert.notEqual(ext, sigExt(signed));
});

test("an own \"__proto__\" member (legal JSON) is signed like any other member", () => {
  const input = JSON.parse(JSON.stringify(warning()).replace('{"type":', '{"__proto__":{"x":1},"type":')) as StixObject;
  assert.ok(Object.keys(input).includes("__proto__"));
  const signed = signAlice(input);
  assert.ok(Object.keys(signed).includes("__proto__"));
  const wire = JSON.parse(JSON.stringify(signed)) as StixObject;
  assert.doesNotThrow(() => verifyRecordSignature(wire, resolve));
  const tampered = JSON.parse(JSON.stringify(signed).replace('"__proto__":{"x":1}', '"__proto__":{"x":2}')) as StixObject;
  throwsCode(() => verifyRecordSignature(tampered, resolve), "RECORD_BAD_SIGNATURE");
});

test("recordCanonicalForms gives the JCS body and the signing bytes of one canonicalisation, equal to the separate ones", () => {
  const signed = signRecord(warning(), { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub });
  const custodial = signRecord(warning(), { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub, custodial: true });
  for (const r of [signed, custodial]) {
    const forms = recordCanonicalForms(r)!;
    assert.equal(forms.body, canonicalJson(r));
    assert.deepEqual(forms.signingBytes, recordSigningBytes(r));
    assert.equal(verifyRecordSignature(r, resolve, forms.signingBytes).signerRef, ALICE);
  }
  // A "signature" member elsewhere in the object is signed, not cut.
  const decoy = signRecord({ ...warning(), x_note: { signature: "decoy" } }, { signerRef: ALICE, seed: aliceSeed, publicKey: alicePub });
  assert.deepEqual(recordCanonicalForms(decoy)!.signingBytes, recordSigningBytes(decoy));
  assert.equal(recordCanonicalForms(warning()), undefined);
  assert.equal(recordCanonicalForms({ ...warning(), extensions: { [SIGNATURE_EXT]: "x" } }), undefined);
});
