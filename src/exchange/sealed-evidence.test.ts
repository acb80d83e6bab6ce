import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fromBase64, fromHex, utf8 } from "../core/crypto/bytes.js";
import { hashLeaf, verifyInclusion } from "../core/merkle/index.js";
import { openCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { SIGNATURE_EXT, WARNING_EXT, decodeRecordLeaf, recordDigestHex, type StixObject } from "../core/record/index.js";
import { buildResolution, buildReveal, buildWarning, newSalt, sign, type Author } from "../client/record-builders.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";

/*
 * Sealed evidence: a warning carries SHA-256(salt ‖ evidence) of evidence its author cannot share yet;
 * later the author reveals salt and evidence. The transparency log is what makes the claim "we knew
 * this before it happened" checkable: the warning's leaf (with the node's logged_at) precedes both the
 * event and the reveal, and the revealed bytes hash to the digest inside the logged warning.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** SHA-256(salt ‖ evidence), computed here with node:crypto rather than the product's helper. */
function sha256Hex(...parts: Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** The record's proof from the API, checked against the node's signed checkpoint; returns the decoded leaf. */
async function provenLeaf(h: NodeHarness, who: TestParty, id: string, version?: string) {
  const res = await h.get(who, `/api/v1/records/${id}/proof${version ? `?version=${encodeURIComponent(version)}` : ""}`);
  assert.equal(res.statusCode, 200, res.body);
  const p = res.json();
  const leafBytes = fromBase64(p.leaf)!;
  const cp = openCheckpoint(p.checkpoint, verifierFromSigner(h.node.signer)).checkpoint;
  verifyInclusion(p.index, cp.size, hashLeaf(leafBytes), p.hashes.map((x: string) => fromHex(x)!), cp.rootHash);
  // The leaf is JCS JSON: read it as plain JSON too, not only through the product's decoder.
  const json = JSON.parse(utf8.decode(leafBytes)) as Record<string, unknown>;
  // A record about a warning: leaf v2, whose only additions are the warning's id and the thread position.
  assert.deepEqual(Object.keys(json).sort(), ["author", "custodial", "digest", "id", "key_id", "kind", "logged_at", "modified", "seq", "v", "warning"], "digests and metadata only");
  const decoded = decodeRecordLeaf(leafBytes);
  assert.equal(decoded.loggedAt, json.logged_at);
  return { index: p.index as number, json, decoded };
}

function commitmentsOf(w: StixObject): { commitment_id: string; digest: string }[] {
  return (w.extensions as Record<string, any>)[WARNING_EXT].commitments;
}

async function assertRefused(h: NodeHarness, who: TestParty, record: StixObject, status: number, code: string) {
  const size = await h.logSize();
  const res = await h.post(who, record);
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
  assert.equal(res.json().code, code, res.body);
  assert.equal(await h.logSize(), size, "nothing logged");
  assert.deepEqual(await h.node.store.recordVersions(record.id), [], "nothing stored");
  const got = await h.get(who, `/api/v1/records/${record.id}`);
  assert.equal(got.statusCode, 404);
  assert.equal(got.json().code, "RECORD_NOT_FOUND");
}

test("a committed warning is logged before the event and before its reveal; the reveal opens exactly what was logged", async () => {
  const t0 = Date.parse("2024-06-01T06:00:00.000Z");
  const clock = new TestClock(t0);
  const h = await NodeHarness.start({ clock });
  try {
    const source = await h.party("source");
    const target = await h.party("target");
    const c1 = { id: "venue", salt: newSalt(), evidence: utf8.encode("The target is the arena on Pier 7, 21:00 on 2 June."), description: "the venue" };
    const c2 = { id: "informant.report-2", salt: newSalt(), evidence: new Uint8Array([0, 1, 2, 253, 254, 255]) };
    assert.equal(c1.salt.length, 32);

    // t0: the warning, sealing two pieces of evidence.
    const warning = buildWarning(source, {
      at: t0,
      name: "Attack on a venue within 48 hours",
      recipients: [target.id],
      windowStart: t0,
      windowEnd: t0 + 2 * DAY,
      probability: 0.8,
      tlp: "AMBER",
      commitments: [c1, c2],
    });
    assert.deepEqual(
      commitmentsOf(warning).map((c) => [c.commitment_id, c.digest]),
      [
        [c1.id, sha256Hex(c1.salt, c1.evidence)],
        [c2.id, sha256Hex(c2.salt, c2.evidence)],
      ],
      "the warning carries SHA-256(salt ‖ evidence), not the evidence",
    );
    assert.ok(!JSON.stringify(warning).includes("Pier 7"));
    const posted = await h.post(source, warning);
    assert.equal(posted.statusCode, 201, posted.body);
    const w = posted.json().records[0];

    // t0 + 1 day: the event happens. t0 + 2 days: the author reveals the venue.
    const eventTime = t0 + DAY;
    clock.advance(2 * DAY);
    const reveal = buildReveal(source, warning.id, clock.now(), c1);
    const revealed = await h.post(source, reveal);
    assert.equal(revealed.statusCode, 201, revealed.body);
    const r = revealed.json().records[0];
    assert.equal(r.kind, "reveal");
    assert.ok(r.index > w.index, "the reveal's log index is after the warning's");

    // What any party can check from the API alone.
    const wLeaf = await provenLeaf(h, target, warning.id);
    const rLeaf = await provenLeaf(h, target, reveal.id);
    assert.equal(wLeaf.index, w.index);
    assert.equal(rLeaf.index, r.index);
    assert.equal(wLeaf.json.kind, "warning");
    assert.equal(rLeaf.json.kind, "reveal");
    assert.equal(wLeaf.json.logged_at, new Date(t0).toISOString(), "logged_at is the node's clock at admission");
    const wLogged = Date.parse(wLeaf.json.logged_at as string);
    const rLogged = Date.parse(rLeaf.json.logged_at as string);
    assert.ok(wLogged < eventTime, "the commitment was logged before the event");
    assert.ok(wLogged < rLogged, "the commitment was logged before the reveal");
    assert.ok(eventTime < rLogged);

    // The warning as served is the one logged (same envelope digest), and the revealed bytes open its commitment.
    const fetchedWarning = (await h.get(target, `/api/v1/records/${warning.id}`)).json();
    assert.equal(recordDigestHex(fetchedWarning), wLeaf.json.digest);
    const fetchedReveal = (await h.get(target, `/api/v1/records/${reveal.id}`)).json();
    assert.equal(recordDigestHex(fetchedReveal), rLeaf.json.digest);
    assert.equal(fetchedReveal.warning_ref, warning.id);
    const salt = fromBase64(fetchedReveal.salt)!;
    const evidence = fromBase64(fetchedReveal.evidence)!;
    assert.equal(salt.length, 32);
    const sealed = commitmentsOf(fetchedWarning).find((c) => c.commitment_id === fetchedReveal.commitment_id)!;
    assert.equal(sha256Hex(salt, evidence), sealed.digest);
    assert.equal(utf8.decode(evidence), "The target is the arena on Pier 7, 21:00 on 2 June.");

    // The author resolves it as materialized at the event time, which sits between the two leaves.
    clock.advance(HOUR);
    const resolution = buildResolution(source, warning.id, clock.now(), { outcome: "materialized", eventTime, content: "Attack on the arena.", tlp: "AMBER" });
    assert.equal((await h.post(source, resolution)).statusCode, 201);

    // A mismatching reveal: wrong evidence, or the right evidence with another salt, or another commitment's opening.
    await assertRefused(h, source, buildReveal(source, warning.id, clock.now(), { ...c2, evidence: new Uint8Array([0, 1, 2, 253, 254, 254]) }), 422, "LIFECYCLE_REVEAL_MISMATCH");
    await assertRefused(h, source, buildReveal(source, warning.id, clock.now(), { ...c2, salt: newSalt() }), 422, "LIFECYCLE_REVEAL_MISMATCH");
    await assertRefused(h, source, buildReveal(source, warning.id, clock.now(), { ...c1, id: c2.id }), 422, "LIFECYCLE_REVEAL_MISMATCH");
    // A second reveal of the same commitment (a new record, the same opening).
    await assertRefused(h, source, buildReveal(source, warning.id, clock.now(), c1), 422, "LIFECYCLE_DUPLICATE_REVEAL");
    // A commitment the warning never carried.
    await assertRefused(h, source, buildReveal(source, warning.id, clock.now(), { ...c1, id: "no-such-commitment" }), 422, "LIFECYCLE_UNKNOWN_COMMITMENT");
    // A salt that is not exactly 32 bytes never opens anything: the reveal schema refuses it.
    for (const n of [31, 33]) {
      const res = await h.post(source, buildReveal(source, warning.id, clock.now(), { ...c2, salt: new Uint8Array(n) }));
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, "STIX_EXTENSION_SCHEMA");
      assert.equal(res.json().details.property, "/salt");
    }
    // The recipient cannot open the author's commitment, even with the right bytes.
    await assertRefused(h, target, buildReveal(target, warning.id, clock.now(), c2), 422, "LIFECYCLE_REVEAL_NOT_AUTHOR");

    // Re-posting the accepted reveal itself is idempotent, not a duplicate reveal.
    const again = await h.post(source, reveal);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().records[0].duplicate, true);
    assert.equal(again.json().records[0].index, r.index);

    // After resolution the other commitment can still be opened (showing afterwards what one knew before).
    clock.advance(HOUR);
    const late = buildReveal(source, warning.id, clock.now(), c2);
    const lateRes = await h.post(source, late);
    assert.equal(lateRes.statusCode, 201, lateRes.body);
    assert.ok(lateRes.json().records[0].index > r.index);
    const state = await h.node.admission.states.get(warning.id);
    assert.deepEqual(state?.revealed.map((x) => x.commitmentId), [c1.id, c2.id]);
    // The state rebuilt from the stored log agrees (a fresh cache reads the same records).
    const { foldRecords } = await import("./warning-states.js");
    const rebuilt = foldRecords(await h.node.store.recordsAbout(warning.id), (await h.node.parties.require("node")).id);
    assert.deepEqual(rebuilt?.revealed.map((x) => x.commitmentId), [c1.id, c2.id]);
  } finally {
    await h.close();
  }
});

test("a commitment added by a later version is revealable, and the leaf of that version precedes the reveal", async () => {
  const t0 = Date.parse("2024-06-10T00:00:00.000Z");
  const clock = new TestClock(t0);
  const h = await NodeHarness.start({ clock });
  try {
    const source = await h.party("source");
    const target = await h.party("target");
    const v1 = buildWarning(source, { at: t0, name: "w", recipients: [target.id], windowStart: t0, windowEnd: t0 + 3 * DAY, probability: 0.5 });
    assert.equal((await h.post(source, v1)).statusCode, 201);
    clock.advance(HOUR);
    const c = { id: "late-evidence", salt: newSalt(), evidence: utf8.encode("a second source confirms") };
    const v2 = versionOf(v1, source, clock.now(), (ext) => (ext.commitments = [{ commitment_id: c.id, digest: sha256Hex(c.salt, c.evidence) }]));
    const posted = await h.post(source, v2);
    assert.equal(posted.statusCode, 201, posted.body);
    clock.advance(DAY);
    const reveal = buildReveal(source, v1.id, clock.now(), c);
    const res = await h.post(source, reveal);
    assert.equal(res.statusCode, 201, res.body);
    const v2Leaf = await provenLeaf(h, target, v1.id, v2.modified);
    const rLeaf = await provenLeaf(h, target, reveal.id);
    assert.equal(v2Leaf.json.modified, v2.modified);
    assert.ok(v2Leaf.index < rLeaf.index);
    assert.ok(Date.parse(v2Leaf.json.logged_at as string) < Date.parse(rLeaf.json.logged_at as string));
  } finally {
    await h.close();
  }
});

/** A new version of a warning by its author: same id and created, a later modified, edited extension. */
function versionOf(w: StixObject, author: Author, at: number, edit: (ext: Record<string, any>) => void): StixObject {
  const copy = structuredClone(w);
  delete (copy.extensions as Record<string, unknown>)[SIGNATURE_EXT];
  copy.modified = new Date(at).toISOString();
  edit((copy.extensions as Record<string, any>)[WARNING_EXT]);
  return sign(copy, author);
}

test("a warning listing one commitment id twice → 422 RECORD_COMMITMENT_DUPLICATE", async () => {
  const t0 = Date.parse("2024-06-20T00:00:00.000Z");
  const h = await NodeHarness.start({ clock: new TestClock(t0) });
  try {
    const source = await h.party("source");
    const target = await h.party("target");
    const a = { id: "e1", salt: newSalt(), evidence: utf8.encode("venue A") };
    const b = { id: "e1", salt: newSalt(), evidence: utf8.encode("venue B") };
    const w = buildWarning(source, { at: t0, name: "w", recipients: [target.id], windowStart: t0, windowEnd: t0 + DAY, probability: 0.5, commitments: [a, b] });
    await assertRefused(h, source, w, 422, "RECORD_COMMITMENT_DUPLICATE");
  } finally {
    await h.close();
  }
});

/** v1 seals e1 = SHA-256(A); v2 re-seals e1 = SHA-256(B). */
function resealed(source: TestParty, target: TestParty, t0: number) {
  const a = { id: "e1", salt: newSalt(), evidence: utf8.encode("venue A") };
  const b = { id: "e1", salt: newSalt(), evidence: utf8.encode("venue B") };
  const v1 = buildWarning(source, { at: t0, name: "w", recipients: [target.id], windowStart: t0, windowEnd: t0 + 3 * DAY, probability: 0.5, commitments: [a] });
  const v2 = versionOf(v1, source, t0 + HOUR, (ext) => (ext.commitments = [{ commitment_id: "e1", digest: sha256Hex(b.salt, b.evidence) }]));
  return { a, b, v1, v2 };
}

test("a later version may not re-seal a logged commitment id with another digest → 422 RECORD_COMMITMENT_RESEALED", async () => {
  const t0 = Date.parse("2024-06-20T00:00:00.000Z");
  const clock = new TestClock(t0);
  const h = await NodeHarness.start({ clock });
  try {
    const source = await h.party("source");
    const target = await h.party("target");
    const { a, v1, v2 } = resealed(source, target, t0);
    assert.equal((await h.post(source, v1)).statusCode, 201);
    clock.advance(HOUR);
    const size = await h.logSize();
    const res = await h.post(source, v2);
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, "RECORD_COMMITMENT_RESEALED");
    assert.equal(await h.logSize(), size);
    assert.equal((await h.node.store.recordVersions(v1.id)).length, 1, "only v1 is stored");
    // Re-listing the same digest in a later version is fine, and the original opening still works.
    const v3 = versionOf(v1, source, clock.now(), (ext) => (ext.probability = 0.7));
    assert.equal((await h.post(source, v3)).statusCode, 201);
    assert.equal((await h.post(source, buildReveal(source, v1.id, clock.now(), a))).statusCode, 201);
  } finally {
    await h.close();
  }
});

test(
  "re-sealing inside one batch (v1 and v2 posted together) is refused too",
  async () => {
    const t0 = Date.parse("2024-06-20T00:00:00.000Z");
    const clock = new TestClock(t0);
    const h = await NodeHarness.start({ clock });
    try {
      const source = await h.party("source");
      const target = await h.party("target");
      const { v1, v2 } = resealed(source, target, t0);
      clock.advance(2 * HOUR);
      const size = await h.logSize();
      const res = await h.post(source, [v1, v2]);
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json().code, "RECORD_COMMITMENT_RESEALED");
      assert.equal(res.json().details.record, 1);
      assert.equal(await h.logSize(), size);
    } finally {
      await h.close();
    }
  },
);

test("two different reveals of one commitment racing: exactly one is admitted", async () => {
  const t0 = Date.parse("2024-06-15T00:00:00.000Z");
  const clock = new TestClock(t0);
  const h = await NodeHarness.start({ clock });
  try {
    const source = await h.party("source");
    const target = await h.party("target");
    const c = { id: "e1", salt: newSalt(), evidence: utf8.encode("venue") };
    const w = buildWarning(source, { at: t0, name: "w", recipients: [target.id], windowStart: t0, windowEnd: t0 + DAY, probability: 0.5, commitments: [c] });
    assert.equal((await h.post(source, w)).statusCode, 201);
    clock.advance(HOUR);
    const size = await h.logSize();
    const reveals = Array.from({ length: 4 }, () => buildReveal(source, w.id, clock.now(), c));
    const results = await Promise.all(reveals.map((r) => h.post(source, r)));
    const codes = results.map((r) => (r.statusCode === 201 ? "201" : `${r.statusCode} ${r.json().code}`)).sort();
    assert.deepEqual(codes, ["201", "422 LIFECYCLE_DUPLICATE_REVEAL", "422 LIFECYCLE_DUPLICATE_REVEAL", "422 LIFECYCLE_DUPLICATE_REVEAL"]);
    assert.equal(await h.logSize(), size + 1);
  } finally {
    await h.close();
  }
});

test(
  "a warning and the reveal of its commitment in one batch: the reveal is judged against the batch's warning",
  async () => {
    const t0 = Date.parse("2024-06-16T00:00:00.000Z");
    const h = await NodeHarness.start({ clock: new TestClock(t0) });
    try {
      const source = await h.party("source");
      const target = await h.party("target");
      const c = { id: "e1", salt: newSalt(), evidence: utf8.encode("venue") };
      const w = buildWarning(source, { at: t0, name: "w", recipients: [target.id], windowStart: t0, windowEnd: t0 + DAY, probability: 0.5, commitments: [c] });
      const reveal = buildReveal(source, w.id, t0, c);
      const res = await h.post(source, [w, reveal]);
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual(res.json().records.map((r: { kind: string }) => r.kind), ["warning", "reveal"]);
    } finally {
      await h.close();
    }
  },
);
