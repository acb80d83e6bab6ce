import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { generateEd25519 } from "../core/crypto/ed25519.js";
import { utf8 } from "../core/crypto/bytes.js";
import { SIGNATURE_EXT, WARNING_EXT, signRecord, type StixObject } from "../core/record/index.js";
import {
  buildAssessment,
  buildReceipt,
  buildResolution,
  buildReveal,
  buildWarning,
  newSalt,
  sign,
  type Author,
} from "../client/record-builders.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";

/*
 * Bad input over the real app: every refusal is an RFC 9457 problem with a stable code and a 4xx
 * status, and a refused request leaves no trace — the log does not grow and the record's id is not
 * retrievable (neither through the store nor through the API, even by its own author).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Reply = { statusCode: number; headers: Record<string, unknown>; body: string; json(): any };

function assertProblem(res: Reply, status: number, code: string): Record<string, any> {
  assert.equal(res.statusCode, status, `expected ${status} ${code}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/, "a problem document");
  const p = JSON.parse(res.body) as Record<string, any>;
  assert.equal(p.code, code, res.body);
  assert.equal(p.status, status);
  assert.equal(typeof p.title, "string");
  assert.equal(typeof p.detail, "string");
  assert.ok(status >= 400 && status < 500, "a client error, never a 5xx");
  return p;
}

/** Nothing of a refused request was stored or logged. */
async function assertNothingStored(h: NodeHarness, sizeBefore: number, ids: readonly string[], reader?: TestParty): Promise<void> {
  assert.equal(await h.logSize(), sizeBefore, "the log did not grow");
  for (const id of ids) {
    assert.deepEqual(await h.node.store.recordVersions(id), [], `${id} is not stored`);
    if (reader) {
      const got = await h.get(reader, `/api/v1/records/${id}`);
      assertProblem(got, 404, "RECORD_NOT_FOUND");
    }
  }
}

/** A fresh warning from `from` to `to` (signed when `from` holds its key). */
function warningOf(h: NodeHarness, from: Author, to: readonly string[], extra: Partial<Parameters<typeof buildWarning>[1]> = {}): StixObject {
  const now = h.clock.now();
  return buildWarning(from, { at: now, name: "Imminent attack", recipients: to, windowStart: now, windowEnd: now + 7 * DAY, probability: 0.6, ...extra });
}

/** The object with the signature removed, changed by `edit`, then signed again by `author`. */
function resigned(obj: StixObject, author: Author, edit: (o: StixObject) => void): StixObject {
  const copy = structuredClone(obj);
  delete (copy.extensions as Record<string, unknown>)[SIGNATURE_EXT];
  edit(copy);
  return sign(copy, author);
}

function sigExt(obj: StixObject): Record<string, unknown> {
  return (obj.extensions as Record<string, Record<string, unknown>>)[SIGNATURE_EXT]!;
}

/** Flips one base64 character of the signature (the first: the result stays canonical base64 of 64 bytes). */
function flipSignature(obj: StixObject): StixObject {
  const copy = structuredClone(obj);
  const ext = sigExt(copy);
  const s = ext.signature as string;
  ext.signature = (s[0] === "A" ? "B" : "A") + s.slice(1);
  return copy;
}

describe("bad input: each is a coded 4xx problem, and nothing is stored or logged", () => {
  let h: NodeHarness;
  let a: TestParty; // a warning's author
  let b: TestParty; // its recipient
  let c: TestParty; // an outsider
  let warning: StixObject; // an admitted warning a → b, carrying a commitment
  const commitment = { id: "evidence-1", salt: newSalt(), evidence: utf8.encode("the target is venue 3 of 40") };

  before(async () => {
    h = await NodeHarness.start({ clock: new TestClock(Date.parse("2024-05-01T08:00:00.000Z")) });
    a = await h.party("alpha");
    b = await h.party("bravo");
    c = await h.party("charlie");
    warning = warningOf(h, a, [b.id], { commitments: [commitment] });
    const res = await h.post(a, warning);
    assert.equal(res.statusCode, 201, res.body);
    h.clock.advance(MINUTE);
  });
  after(async () => {
    await h.close();
  });

  test("malformed JSON body → 400 HTTP_MALFORMED_JSON", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    const text = JSON.stringify(w);
    for (const payload of [text.slice(0, -1), `${text},`, "{'type': 'report'}", "[1, 2,]"]) {
      assertProblem(await h.post(a, undefined, { payload }), 400, "HTTP_MALFORMED_JSON");
    }
    await assertNothingStored(h, size, [w.id], a);
  });

  test("empty body → 400 (HTTP_MALFORMED_JSON with a JSON content type, HTTP_BAD_REQUEST_BODY with none)", async () => {
    const size = await h.logSize();
    assertProblem(await h.post(a, undefined, { payload: "" }), 400, "HTTP_MALFORMED_JSON");
    const none = await h.node.app.inject({ method: "POST", url: "/api/v1/records", headers: { authorization: `Bearer ${a.token}` } });
    assertProblem(none, 400, "HTTP_BAD_REQUEST_BODY");
    // JSON that is not a STIX object, an array of them or a bundle.
    for (const payload of ["null", '"a string"', "42", "true"]) {
      assertProblem(await h.post(a, undefined, { payload }), 400, "HTTP_BAD_REQUEST_BODY");
    }
    assertProblem(await h.post(a, { type: "bundle", id: "bundle--6a3c6e0e-6d0b-4c56-9e8a-7d1f0b9a1c2d" }), 400, "HTTP_BAD_REQUEST_BODY");
    await assertNothingStored(h, size, []);
  });

  test("a batch entry that is not an object → 400 STIX_NOT_OBJECT at its position", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    for (const [body, at] of [[[1], 0], [[w, null], 1], [[w, w, "report"], 2], [[w, []], 1]] as const) {
      const p = assertProblem(await h.post(a, body), 400, "STIX_NOT_OBJECT");
      assert.equal(p.details?.record, at, JSON.stringify(body).slice(0, 40));
    }
    await assertNothingStored(h, size, [w.id], a);
  });

  test(
    "another method on the records route → 405 HTTP_METHOD_NOT_ALLOWED, as docs/errors.md documents",
    async () => {
      const size = await h.logSize();
      const w = warningOf(h, a, [b.id]);
      for (const method of ["PUT", "PATCH", "DELETE"] as const) {
        const res = await h.node.app.inject({ method, url: "/api/v1/records", headers: { authorization: `Bearer ${a.token}` }, payload: w });
        assertProblem(res, 405, "HTTP_METHOD_NOT_ALLOWED");
        assert.match(String(res.headers.allow), /POST/);
      }
      await assertNothingStored(h, size, [w.id], a);
    },
  );

  test("a body that is not JSON (text/plain, XML, form) → 415 HTTP_UNSUPPORTED_MEDIA_TYPE", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    for (const contentType of ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      assertProblem(await h.post(a, undefined, { payload: JSON.stringify(w), contentType }), 415, "HTTP_UNSUPPORTED_MEDIA_TYPE");
    }
    await assertNothingStored(h, size, [w.id], a);
  });

  test("no Authorization header → 401 AUTH_REQUIRED with WWW-Authenticate", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    const res = await h.post(undefined, w);
    assertProblem(res, 401, "AUTH_REQUIRED");
    assert.match(String(res.headers["www-authenticate"]), /Bearer/);
    await assertNothingStored(h, size, [w.id], a);
  });

  test("a wrong token → 401 AUTH_INVALID with WWW-Authenticate", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    const wrong = [
      `Bearer ${a.token.slice(0, -1)}${a.token.endsWith("A") ? "B" : "A"}`, // one character off
      "Bearer tocsin_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "Bearer not-even-a-tocsin-token",
      `Basic ${Buffer.from(`bravo:${a.token}`).toString("base64")}`, // a's token under b's slug
    ];
    for (const header of wrong) {
      const res = await h.post(header, w);
      assertProblem(res, 401, "AUTH_INVALID");
      assert.ok(res.headers["www-authenticate"], header);
    }
    await assertNothingStored(h, size, [w.id], a);
  });

  test("a malformed Authorization header → 401 AUTH_REQUIRED (never a silent downgrade)", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    for (const header of ["Bearer", "Bearer ", a.token, `Digest ${a.token}`, `Bearer ${a.token} extra`, `Basic ${Buffer.from(a.token).toString("base64")}`]) {
      const res = await h.post(header, w);
      assertProblem(res, 401, "AUTH_REQUIRED");
      assert.ok(res.headers["www-authenticate"], header);
    }
    await assertNothingStored(h, size, [w.id], a);
  });

  test("a wrong signature (one base64 character flipped) → 400 RECORD_BAD_SIGNATURE", async () => {
    const size = await h.logSize();
    const w = flipSignature(warningOf(h, a, [b.id]));
    assertProblem(await h.post(a, w), 400, "RECORD_BAD_SIGNATURE");
    await assertNothingStored(h, size, [w.id], a);
  });

  test("a signature that is not base64 of 64 bytes → 400 STIX_EXTENSION_SCHEMA naming it; none at all → 400 RECORD_UNSIGNED", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    const short = structuredClone(w);
    sigExt(short).signature = (sigExt(w).signature as string).slice(4);
    // The signature extension's registered schema catches it before the signature code does.
    const p = assertProblem(await h.post(a, short), 400, "STIX_EXTENSION_SCHEMA");
    assert.equal(p.details?.property, `/extensions/${SIGNATURE_EXT}/signature`);
    const unsigned = structuredClone(w);
    delete (unsigned.extensions as Record<string, unknown>)[SIGNATURE_EXT];
    assertProblem(await h.post(a, unsigned), 400, "RECORD_UNSIGNED");
    await assertNothingStored(h, size, [w.id], a);
  });

  test("a signed property changed after signing (name) → 400 RECORD_BAD_SIGNATURE", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id]);
    const tampered = { ...structuredClone(w), name: "Nothing to worry about" };
    assertProblem(await h.post(a, tampered), 400, "RECORD_BAD_SIGNATURE");
    await assertNothingStored(h, size, [w.id], a);
  });

  test("an unknown key id → 400 RECORD_UNKNOWN_KEY", async () => {
    const size = await h.logSize();
    // Signed by a's identity with a key pair the node never registered.
    const stray = generateEd25519();
    const base = warningOf(h, { id: a.id }, [b.id]);
    const unregistered = signRecord(base, { signerRef: a.id, seed: stray.seed, publicKey: stray.publicKey });
    assertProblem(await h.post(a, unregistered), 400, "RECORD_UNKNOWN_KEY");
    // A registered key's signature, relabelled with another key id.
    const relabelled = warningOf(h, a, [b.id]);
    sigExt(relabelled).key_id = "0123456789abcdef0123456789abcdef";
    assertProblem(await h.post(a, relabelled), 400, "RECORD_UNKNOWN_KEY");
    await assertNothingStored(h, size, [base.id, relabelled.id], a);
  });

  test("a record replayed under another author is refused", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [c.id]);
    // A's signed record posted by B.
    const asB = await h.post(b, w);
    const p = assertProblem(asB, 403, "RECORD_AUTHOR_MISMATCH");
    assert.equal(p.details?.property, "created_by_ref");
    // A's record with created_by_ref changed to B, posted by B: the signature names A.
    const claimed = { ...structuredClone(w), created_by_ref: b.id };
    assertProblem(await h.post(b, claimed), 400, "RECORD_SIGNER_MISMATCH");
    // …and with signer_ref changed too: B has no key of that id.
    const reattributed = structuredClone(claimed);
    sigExt(reattributed).signer_ref = b.id;
    assertProblem(await h.post(b, reattributed), 400, "RECORD_UNKNOWN_KEY");
    // …and the changed record re-posted by A: not A's any more.
    assertProblem(await h.post(a, claimed), 403, "RECORD_AUTHOR_MISMATCH");
    await assertNothingStored(h, size, [w.id], a);
    await assertNothingStored(h, size, [w.id], b);
  });

  test("a warning addressed to its own author → 422 LIFECYCLE_SELF_ADDRESSED", async () => {
    const size = await h.logSize();
    const w = warningOf(h, a, [b.id, a.id]);
    assertProblem(await h.post(a, w), 422, "LIFECYCLE_SELF_ADDRESSED");
    const alone = warningOf(h, a, [a.id]);
    assertProblem(await h.post(a, alone), 422, "LIFECYCLE_SELF_ADDRESSED");
    await assertNothingStored(h, size, [w.id, alone.id], a);
  });

  test("a warning with no recipients → 400 STIX_SCHEMA on recipient_refs (a STIX list is never empty)", async () => {
    const size = await h.logSize();
    // About something (object_refs must not be empty either), addressed to nobody.
    const w = warningOf(h, a, [], { objectRefs: [a.id] });
    // The schemas refuse it before the lifecycle would (LIFECYCLE_NO_RECIPIENTS is for other callers).
    const p = assertProblem(await h.post(a, w), 400, "STIX_SCHEMA");
    assert.equal(p.details?.property, `/extensions/${WARNING_EXT}/recipient_refs`);
    await assertNothingStored(h, size, [w.id], a);
  });

  test("a receipt by a party that is not a recipient → 422 LIFECYCLE_NOT_A_RECIPIENT", async () => {
    const size = await h.logSize();
    const r = buildReceipt(c, warning, h.clock.now());
    assertProblem(await h.post(c, r), 422, "LIFECYCLE_NOT_A_RECIPIENT");
    // The author acknowledging its own warning is no recipient either.
    const own = buildReceipt(a, warning, h.clock.now());
    assertProblem(await h.post(a, own), 422, "LIFECYCLE_NOT_A_RECIPIENT");
    await assertNothingStored(h, size, [r.id, own.id], b);
  });

  test("a receipt for a version that does not exist → 422 LIFECYCLE_UNKNOWN_VERSION", async () => {
    const size = await h.logSize();
    const otherVersion = { ...warning, modified: new Date(Date.parse(warning.modified!) + 1).toISOString() };
    const r = buildReceipt(b, otherVersion, h.clock.now());
    assertProblem(await h.post(b, r), 422, "LIFECYCLE_UNKNOWN_VERSION");
    await assertNothingStored(h, size, [r.id], b);
  });

  test("a receipt for a warning that does not exist → 404 RECORD_NOT_FOUND", async () => {
    const size = await h.logSize();
    const ghost = warningOf(h, a, [b.id]); // never posted
    const r = buildReceipt(b, ghost, h.clock.now());
    const p = assertProblem(await h.post(b, r), 404, "RECORD_NOT_FOUND");
    assert.equal(p.details?.record, 0);
    await assertNothingStored(h, size, [r.id, ghost.id], b);
  });

  test("an assessment before the receipt → 422 LIFECYCLE_NOT_RECEIVED", async () => {
    const size = await h.logSize();
    const x = buildAssessment(b, warning.id, h.clock.now(), "agree", "Plausible.");
    assertProblem(await h.post(b, x), 422, "LIFECYCLE_NOT_RECEIVED");
    await assertNothingStored(h, size, [x.id], b);
  });

  test("a resolution by a party with no standing → 422 LIFECYCLE_NO_STANDING", async () => {
    const size = await h.logSize();
    const r = buildResolution(c, warning.id, h.clock.now(), { outcome: "did-not-materialize", content: "Nothing happened." });
    assertProblem(await h.post(c, r), 422, "LIFECYCLE_NO_STANDING");
    await assertNothingStored(h, size, [r.id], a);
  });

  test("a record dated 1 h ahead of the node's clock → 422 RECORD_FUTURE_DATED", async () => {
    const size = await h.logSize();
    const ahead = h.clock.now() + HOUR;
    const w = buildWarning(a, { at: ahead, name: "From the future", recipients: [b.id], windowStart: ahead, windowEnd: ahead + DAY, probability: 0.5 });
    const p = assertProblem(await h.post(a, w), 422, "RECORD_FUTURE_DATED");
    assert.equal(p.details?.property, "created");
    // Only `modified` in the future.
    const late = resigned(warningOf(h, a, [b.id]), a, (o) => (o.modified = new Date(ahead).toISOString()));
    const q = assertProblem(await h.post(a, late), 422, "RECORD_FUTURE_DATED");
    assert.equal(q.details?.property, "modified");
    // A receipt from the future too.
    const r = buildReceipt(b, warning, ahead);
    assertProblem(await h.post(b, r), 422, "RECORD_FUTURE_DATED");
    await assertNothingStored(h, size, [w.id, late.id, r.id], a);
  });

  test("a batch of 1 001 records → 413 BATCH_TOO_LARGE", async () => {
    const size = await h.logSize();
    const batch = Array.from({ length: 1001 }, () => warningOf(h, a, [b.id]));
    assertProblem(await h.post(a, batch), 413, "BATCH_TOO_LARGE");
    await assertNothingStored(h, size, [batch[0]!.id, batch[500]!.id, batch[1000]!.id], a);
  });

  test("an empty batch [] (or a bundle with no objects) → 400 BATCH_EMPTY", async () => {
    const size = await h.logSize();
    assertProblem(await h.post(a, []), 400, "BATCH_EMPTY");
    assertProblem(await h.post(a, { type: "bundle", id: "bundle--6a3c6e0e-6d0b-4c56-9e8a-7d1f0b9a1c2d", objects: [] }), 400, "BATCH_EMPTY");
    await assertNothingStored(h, size, []);
  });

  test("a batch whose record 2 of 3 is invalid stores none of it; details.record = 1", async () => {
    const size = await h.logSize();
    // Invalid in itself (a bad signature): found before anything is checked against the log.
    const w1 = warningOf(h, a, [b.id]);
    const w2 = flipSignature(warningOf(h, a, [b.id]));
    const w3 = warningOf(h, a, [b.id]);
    const p = assertProblem(await h.post(a, [w1, w2, w3]), 400, "RECORD_BAD_SIGNATURE");
    assert.equal(p.details?.record, 1);
    await assertNothingStored(h, size, [w1.id, w2.id, w3.id], a);

    // Invalid only given the record before it (the lifecycle): a bundle of a warning to b, a receipt
    // of it by c (no recipient), and a warning to c.
    const v1 = warningOf(h, a, [b.id]);
    const v2 = buildReceipt(c, v1, h.clock.now());
    const v3 = warningOf(h, c, [b.id]);
    const q = assertProblem(await h.post(c, [v1, v2, v3]), 403, "RECORD_AUTHOR_MISMATCH");
    assert.equal(q.details?.record, 0);
    const fromA = [v1, buildReceipt(c, v1, h.clock.now()), warningOf(h, a, [c.id])];
    // c's receipt inside a's batch: refused as another author's record, at position 1.
    const r = assertProblem(await h.post(a, fromA), 403, "RECORD_AUTHOR_MISMATCH");
    assert.equal(r.details?.record, 1);
    // a's warning, a's assessment of it (a is no recipient), a's second warning: a lifecycle refusal at 1.
    const l1 = warningOf(h, a, [b.id]);
    const l2 = buildAssessment(a, l1.id, h.clock.now(), "agree", "Self-assessed.");
    const l3 = warningOf(h, a, [c.id]);
    const s = assertProblem(await h.post(a, { type: "bundle", id: "bundle--0d7a4f7e-3c1b-4f43-9a52-2f7c0c2b8e11", objects: [l1, l2, l3] }), 422, "LIFECYCLE_NOT_A_RECIPIENT");
    assert.equal(s.details?.record, 1);
    await assertNothingStored(h, size, [v1.id, v2.id, v3.id, fromA[2]!.id, l1.id, l2.id, l3.id], a);
    assert.equal(await h.node.admission.states.get(l1.id), undefined, "no lifecycle state for the refused warning");
  });

  test("a STIX schema violation (a report without published) → 400 STIX_SCHEMA naming the property", async () => {
    const size = await h.logSize();
    const w = resigned(warningOf(h, a, [b.id]), a, (o) => delete o.published);
    const p = assertProblem(await h.post(a, w), 400, "STIX_SCHEMA");
    assert.equal(p.details?.property, "/published");
    assert.equal(p.details?.record, 0);
    await assertNothingStored(h, size, [w.id], a);
  });

  test("an unknown STIX type → 400 STIX_UNKNOWN_TYPE", async () => {
    const size = await h.logSize();
    const now = new Date(h.clock.now()).toISOString();
    const obj = sign(
      { type: "x-made-up", spec_version: "2.1", id: "x-made-up--3f1f4d6e-8a44-4c55-9d1e-0a1b2c3d4e5f", created: now, modified: now, created_by_ref: a.id },
      a,
    );
    const p = assertProblem(await h.post(a, obj), 400, "STIX_UNKNOWN_TYPE");
    assert.equal(p.details?.property, "/type");
    await assertNothingStored(h, size, [obj.id], a);
  });

  test("a custom property with a bad name → 400 STIX_CUSTOM_PROPERTY_NAME", async () => {
    const size = await h.logSize();
    for (const name of ["Bad-Name", "x", "1st_property", "has space"]) {
      const w = resigned(warningOf(h, a, [b.id]), a, (o) => (o[name] = "value"));
      const p = assertProblem(await h.post(a, w), 400, "STIX_CUSTOM_PROPERTY_NAME");
      assert.equal(p.details?.property, `/${name}`);
      await assertNothingStored(h, size, [w.id], a);
    }
  });

  test("a reveal whose evidence does not match its commitment → 422 LIFECYCLE_REVEAL_MISMATCH", async () => {
    const size = await h.logSize();
    const wrongEvidence = buildReveal(a, warning.id, h.clock.now(), { ...commitment, evidence: utf8.encode("the target is venue 4 of 40") });
    assertProblem(await h.post(a, wrongEvidence), 422, "LIFECYCLE_REVEAL_MISMATCH");
    const wrongSalt = buildReveal(a, warning.id, h.clock.now(), { ...commitment, salt: newSalt() });
    assertProblem(await h.post(a, wrongSalt), 422, "LIFECYCLE_REVEAL_MISMATCH");
    await assertNothingStored(h, size, [wrongEvidence.id, wrongSalt.id], a);
  });

  test("a reveal by someone other than the warning's author → 422 LIFECYCLE_REVEAL_NOT_AUTHOR", async () => {
    const size = await h.logSize();
    // The recipient, even holding the right salt and evidence, cannot open the author's commitment.
    const byRecipient = buildReveal(b, warning.id, h.clock.now(), commitment);
    assertProblem(await h.post(b, byRecipient), 422, "LIFECYCLE_REVEAL_NOT_AUTHOR");
    const byOutsider = buildReveal(c, warning.id, h.clock.now(), commitment);
    assertProblem(await h.post(c, byOutsider), 422, "LIFECYCLE_REVEAL_NOT_AUTHOR");
    await assertNothingStored(h, size, [byRecipient.id, byOutsider.id], a);
  });

  test("GET of a record that does not exist → 404 RECORD_NOT_FOUND (record and proof)", async () => {
    const missing = "report--00000000-0000-4000-8000-000000000000";
    for (const who of [a, undefined]) {
      assertProblem(await h.get(who, `/api/v1/records/${missing}`), 404, "RECORD_NOT_FOUND");
      assertProblem(await h.get(who, `/api/v1/records/${missing}/proof`), 404, "RECORD_NOT_FOUND");
      assertProblem(await h.get(who, `/api/v1/records/not-even-an-id`), 404, "RECORD_NOT_FOUND");
    }
    // An existing record at a version that does not exist.
    assertProblem(await h.get(a, `/api/v1/records/${warning.id}?version=2000-01-01T00:00:00.000Z`), 404, "RECORD_NOT_FOUND");
  });

  test("bad credentials on a read path are 401, never a silent downgrade to anonymous", async () => {
    for (const url of [`/api/v1/records/${warning.id}`, `/api/v1/records/${warning.id}/proof`, "/api/v1/warnings"]) {
      const wrong = await h.node.app.inject({ method: "GET", url, headers: { authorization: "Bearer tocsin_not-a-real-token" } });
      assertProblem(wrong, 401, "AUTH_INVALID");
      assert.ok(wrong.headers["www-authenticate"]);
      const malformed = await h.node.app.inject({ method: "GET", url, headers: { authorization: "Bearer" } });
      assertProblem(malformed, 401, "AUTH_REQUIRED");
    }
  });

  test("an unknown query parameter → 400 HTTP_BAD_PARAMETER naming it", async () => {
    for (const url of ["/api/v1/warnings?recipents=bravo", "/api/v1/warnings?state=issued&sort=desc", `/api/v1/records/${warning.id}?versoin=x`, `/api/v1/records/${warning.id}/proof?x=1`]) {
      const p = assertProblem(await h.get(a, url), 400, "HTTP_BAD_PARAMETER");
      assert.ok(["recipents", "sort", "versoin", "x"].includes(p.details?.parameter), url);
    }
  });

  test("a bad state value on /api/v1/warnings → 400 HTTP_BAD_PARAMETER (parameter state)", async () => {
    for (const state of ["open", "ISSUED", "", "issued,received"]) {
      const p = assertProblem(await h.get(a, `/api/v1/warnings?state=${encodeURIComponent(state)}`), 400, "HTTP_BAD_PARAMETER");
      assert.equal(p.details?.parameter, "state");
    }
    // The good values still work.
    const ok = await h.get(b, "/api/v1/warnings?state=issued");
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json().warnings.map((w: { id: string }) => w.id), [warning.id]);
  });

  test("after all of the above the one admitted warning is intact and alone", async () => {
    assert.equal((await h.node.store.listRecords({ kind: "warning", limit: 100 })).length, 1);
    const got = await h.get(b, `/api/v1/records/${warning.id}`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), warning);
  });
});

describe("bad input with a small body limit (maxBodyBytes 4096)", () => {
  test("an oversized body → 413 HTTP_BODY_TOO_LARGE; nothing stored, nothing logged", async () => {
    const h = await NodeHarness.start({ config: { maxBodyBytes: 4096 } });
    try {
      const a = await h.party("alpha");
      const b = await h.party("bravo");
      const size = await h.logSize();
      const now = h.clock.now();
      const big = buildWarning(a, { at: now, name: "big", description: "x".repeat(5000), recipients: [b.id], windowStart: now, windowEnd: now + DAY, probability: 0.3 });
      assertProblem(await h.post(a, big), 413, "HTTP_BODY_TOO_LARGE");
      // Several small records that together exceed the limit.
      const many = Array.from({ length: 5 }, () => buildWarning(a, { at: now, name: "small", recipients: [b.id], windowStart: now, windowEnd: now + DAY, probability: 0.3 }));
      assert.ok(JSON.stringify(many).length > 4096);
      assertProblem(await h.post(a, many), 413, "HTTP_BODY_TOO_LARGE");
      await assertNothingStored(h, size, [big.id, ...many.map((m) => m.id)], a);
      // A record under the limit is admitted by the same node.
      assert.equal((await h.post(a, many[0])).statusCode, 201);
    } finally {
      await h.close();
    }
  });
});

describe("bad input over real HTTP on loopback", () => {
  test("problems arrive intact through a real socket; nothing stored or logged", async () => {
    const h = await NodeHarness.start({ config: { maxBodyBytes: 4096 } });
    try {
      const a = await h.party("alpha");
      const b = await h.party("bravo");
      await h.node.app.listen({ host: "127.0.0.1", port: 0 });
      const { port } = h.node.app.server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/api/v1/records`;
      const size = await h.logSize();
      const w = warningOf(h, a, [b.id]);
      const body = JSON.stringify(w);
      const auth = { authorization: `Bearer ${a.token}` };

      const expect = async (res: Response, status: number, code: string) => {
        const text = await res.text();
        const headers: Record<string, unknown> = Object.fromEntries(res.headers.entries());
        return { p: assertProblem({ statusCode: res.status, headers, body: text, json: () => JSON.parse(text) }, status, code), headers };
      };

      const noAuth = await expect(await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }), 401, "AUTH_REQUIRED");
      assert.match(String(noAuth.headers["www-authenticate"]), /Bearer/);
      await expect(await fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: body.slice(0, -2) }), 400, "HTTP_MALFORMED_JSON");
      await expect(await fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "" }), 400, "HTTP_MALFORMED_JSON");
      await expect(await fetch(url, { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body }), 415, "HTTP_UNSUPPORTED_MEDIA_TYPE");
      await expect(await fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(flipSignature(w)) }), 400, "RECORD_BAD_SIGNATURE");
      const big = JSON.stringify({ ...w, description: "x".repeat(5000) });
      await expect(await fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: big }), 413, "HTTP_BODY_TOO_LARGE");
      await expect(await fetch(`${url}/${w.id}`, { headers: auth }), 404, "RECORD_NOT_FOUND");
      await expect(await fetch(`http://127.0.0.1:${port}/api/v1/warnings?bogus=1`, { headers: auth }), 400, "HTTP_BAD_PARAMETER");
      await assertNothingStored(h, size, [w.id], a);

      // The same record, well formed, is admitted over the same socket.
      const ok = await fetch(url, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body });
      assert.equal(ok.status, 201, await ok.text());
      assert.equal(await h.logSize(), size + 1);
    } finally {
      await h.close();
    }
  });
});

describe("a batch carrying two contents for one id and version", () => {
  test(
    "→ 409 RECORD_VERSION_CONFLICT at the second, nothing stored, and the node keeps admitting",
    async () => {
      const h = await NodeHarness.start();
      try {
        const a = await h.party("alpha");
        const b = await h.party("bravo");
        const now = new Date(h.clock.now()).toISOString();
        const actor = (name: string) =>
          sign({ type: "threat-actor", spec_version: "2.1", id: "threat-actor--3f1f4d6e-8a44-4c55-9d1e-0a1b2c3d4e5f", created: now, modified: now, created_by_ref: a.id, name, threat_actor_types: ["crime-syndicate"] }, a);
        const size = await h.logSize();
        const p = assertProblem(await h.post(a, [actor("one"), actor("two")]), 409, "RECORD_VERSION_CONFLICT");
        assert.equal(p.details?.record, 1);
        await assertNothingStored(h, size, ["threat-actor--3f1f4d6e-8a44-4c55-9d1e-0a1b2c3d4e5f"], a);
        // The node is still up for everyone.
        const w = warningOf(h, b, [a.id]);
        const ok = await h.post(b, w);
        assert.equal(ok.statusCode, 201, ok.body);
      } finally {
        await h.close();
      }
    },
  );
});
