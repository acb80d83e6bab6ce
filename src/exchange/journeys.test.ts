import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBase64, fromHex, toBase64 } from "../core/crypto/bytes.js";
import { hashLeaf, verifyInclusion } from "../core/merkle/index.js";
import { openCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { decodeRecordLeaf, keyIdOf, recordDigestHex, verifyRecordSignature, SIGNATURE_EXT } from "../core/record/index.js";
import { buildAction, buildAssessment, buildReceipt, buildResolution, buildWarning } from "../client/record-builders.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Verifies a record's inclusion proof from the API against the node's signed checkpoint, as any party would. */
async function assertProvablyLogged(h: NodeHarness, who: Parameters<NodeHarness["get"]>[0], id: string, digest: string) {
  const res = await h.get(who, `/api/v1/records/${id}/proof`);
  assert.equal(res.statusCode, 200, res.body);
  const p = res.json();
  const cp = openCheckpoint(p.checkpoint, verifierFromSigner(h.node.signer)).checkpoint;
  const leaf = fromBase64(p.leaf)!;
  assert.equal(decodeRecordLeaf(leaf).digest, digest, "the leaf commits to the record's digest");
  verifyInclusion(p.index, cp.size, hashLeaf(leaf), p.hashes.map((x: string) => fromHex(x)!), cp.rootHash);
}

test("journeys 1–3: warn, receive, dismiss, escalate, resolve — every step signed and provable", async () => {
  const clock = new TestClock(Date.parse("2024-03-06T09:00:00.000Z"));
  const h = await NodeHarness.start({ clock });
  try {
    const source = await h.party("us-ic");
    const recipient = await h.party("ru-fsb");

    // Journey 1: a TLP:AMBER warning, p = 0.7, two-week window, assessment due in 24 h.
    const t0 = clock.now();
    const warning = buildWarning(source, {
      at: t0,
      name: "Imminent attack on a large concert venue",
      recipients: [recipient.id],
      windowStart: t0,
      windowEnd: t0 + 14 * DAY,
      probability: 0.7,
      deadlines: { receipt: t0 + 6 * HOUR, assessment: t0 + 24 * HOUR, action: t0 + 3 * DAY },
      requestedActions: ["protect large venues"],
      tlp: "AMBER",
    });
    const posted = await h.post(source, warning);
    assert.equal(posted.statusCode, 201, posted.body);
    const [w] = posted.json().records;
    assert.equal(w.kind, "warning");
    assert.equal(w.digest, recordDigestHex(warning));

    // The recipient reads it (TLP:AMBER names it), checks the sender's signature, and signs a receipt.
    clock.advance(HOUR);
    const fetched = await h.get(recipient, `/api/v1/records/${warning.id}`);
    assert.equal(fetched.statusCode, 200);
    const identity = (await h.get(recipient, `/api/v1/parties/${source.id}`)).json();
    const keys = Object.values(identity.extensions as Record<string, { keys: { key_id: string; public_key: string }[] }>)[0]!.keys;
    verifyRecordSignature(fetched.json(), (_s, keyId) => fromBase64(keys.find((k) => k.key_id === keyId)!.public_key));
    const receipt = buildReceipt(recipient, fetched.json(), clock.now(), "AMBER");
    const r = await h.post(recipient, receipt);
    assert.equal(r.statusCode, 201, r.body);
    await assertProvablyLogged(h, source, warning.id, w.digest);
    await assertProvablyLogged(h, recipient, receipt.id, recordDigestHex(receipt));

    // Journey 2: dismissed as a provocation; the action deadline passes with no action.
    clock.advance(12 * HOUR);
    const assessment = buildAssessment(recipient, warning.id, clock.now(), "strongly-disagree", "A provocation meant to intimidate.", "AMBER");
    assert.equal((await h.post(recipient, assessment)).statusCode, 201);
    assert.equal(await h.node.escalator.tick(), 0, "no deadline has passed yet");
    clock.advance(3 * DAY);
    assert.equal(await h.node.escalator.tick(), 1, "the missed action deadline is escalated");
    assert.equal(await h.node.escalator.tick(), 0, "exactly once");
    const listed = (await h.get(source, `/api/v1/warnings?recipient=ru-fsb`)).json().warnings;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].recipients[0].state, "assessed");
    assert.deepEqual(listed[0].recipients[0].escalated, ["action"]);
    // The escalation is itself a signed record in the log, authored by the node.
    const escalations = await h.node.store.listRecords({ kind: "escalation", limit: 10 });
    assert.equal(escalations.length, 1);
    const esc = JSON.parse(escalations[0]!.body);
    assert.equal(esc.deadline_kind, "action");
    assert.equal(esc.extensions[SIGNATURE_EXT].custodial, true);
    await assertProvablyLogged(h, source, esc.id, recordDigestHex(esc));

    // An action after the fact is still accepted (the escalation stands).
    clock.advance(HOUR);
    assert.equal((await h.post(recipient, buildAction(recipient, warning.id, clock.now(), { name: "Guard venues", status: "planned", tlp: "AMBER" }))).statusCode, 201);

    // Journey 3: the event happens; the source resolves the warning as materialized.
    clock.advance(10 * DAY);
    const resolution = buildResolution(source, warning.id, clock.now(), { outcome: "materialized", eventTime: clock.now() - HOUR, content: "Attack on the venue.", tlp: "AMBER" });
    assert.equal((await h.post(source, resolution)).statusCode, 201);
    const after = (await h.get(source, `/api/v1/warnings`)).json().warnings[0];
    assert.equal(after.resolved.outcome, "materialized");
    assert.equal(after.recipients[0].state, "resolved");
    assert.deepEqual((await h.get(recipient, `/api/v1/warnings?state=issued`)).json().warnings, []);
    await assertProvablyLogged(h, recipient, resolution.id, recordDigestHex(resolution));
  } finally {
    await h.close();
  }
});

test("re-posting an identical record is not an error and not a second leaf", async () => {
  const h = await NodeHarness.start();
  try {
    const a = await h.party("sender");
    const b = await h.party("receiver");
    const w = buildWarning(a, { at: h.clock.now(), name: "w", recipients: [b.id], windowStart: h.clock.now(), windowEnd: h.clock.now() + DAY, probability: 0.5 });
    const first = await h.post(a, w);
    const size = await h.logSize();
    const again = await h.post(a, w);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().records[0].duplicate, true);
    assert.equal(again.json().records[0].index, first.json().records[0].index);
    assert.equal(await h.logSize(), size);
    const twice = await h.post(a, [w, w]);
    assert.equal(twice.statusCode, 200);
    assert.equal(await h.logSize(), size);
  } finally {
    await h.close();
  }
});

test("a custodial party posts unsigned records and the node signs them, marked custodial", async () => {
  const h = await NodeHarness.start();
  try {
    const venue = await h.party("venue", { custodial: true });
    const src = await h.party("src");
    const w = buildWarning(venue, { at: h.clock.now(), name: "w", recipients: [src.id], windowStart: h.clock.now(), windowEnd: h.clock.now() + DAY, probability: 0.2, tlp: "GREEN" });
    assert.equal(w.extensions?.[SIGNATURE_EXT], undefined);
    const res = await h.post(venue, w);
    assert.equal(res.statusCode, 201, res.body);
    const rec = res.json().records[0];
    assert.equal(rec.custodial, true);
    assert.equal(rec.record.extensions[SIGNATURE_EXT].custodial, true);
    const stored = (await h.get(venue, `/api/v1/records/${w.id}`)).json();
    assert.equal(stored.extensions[SIGNATURE_EXT].signer_ref, venue.id);
  } finally {
    await h.close();
  }
});

test("attack: a party cannot rotate to a small-order key, nor post the records it would let anyone forge", async () => {
  const h = await NodeHarness.start();
  try {
    const a = await h.party("rotator");
    const b = await h.party("peer");
    // The identity point as the new key, in a properly signed rotation. Under it, R = identity and
    // S = 0 satisfy a cofactorless check (OpenSSL's) for any message: records nobody signed, and
    // a party that could deny every record it signed.
    const identityPoint = fromHex("01" + "00".repeat(31))!;
    await assert.rejects(h.node.registrar.rotateKey(a.slug, { publicKey: identityPoint, signedBy: a.seed }), { code: "KEY_CHANGE_INVALID" });
    h.clock.advance(1000);
    const warning = buildWarning(a, { at: h.clock.now(), name: "nobody signed this", recipients: [b.id], windowStart: h.clock.now(), windowEnd: h.clock.now() + DAY, probability: 0.9 });
    const trivial = new Uint8Array(64);
    trivial[0] = 1;
    const ext = warning.extensions![SIGNATURE_EXT] as Record<string, unknown>;
    const forged = { ...warning, extensions: { ...warning.extensions, [SIGNATURE_EXT]: { ...ext, key_id: keyIdOf(identityPoint), signature: toBase64(trivial) } } };
    const res = await h.post(a, forged);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().code, "RECORD_UNKNOWN_KEY");
    // Even under the registered key's id, the trivial signature is only a bad signature.
    const underOwnKey = { ...warning, extensions: { ...warning.extensions, [SIGNATURE_EXT]: { ...ext, signature: toBase64(trivial) } } };
    assert.equal((await h.post(a, underOwnKey)).json().code, "RECORD_BAD_SIGNATURE");
    assert.equal((await h.get(b, `/api/v1/records/${warning.id}`)).statusCode, 404, "nothing was stored");
  } finally {
    await h.close();
  }
});

test("key rotation: new records need the new key; records signed by the old key stay valid", async () => {
  const h = await NodeHarness.start();
  try {
    const a = await h.party("rotator");
    const b = await h.party("peer");
    const mk = (who: typeof a) =>
      buildWarning(who, { at: h.clock.now(), name: "w", recipients: [b.id], windowStart: h.clock.now(), windowEnd: h.clock.now() + DAY, probability: 0.4 });
    const old = mk(a);
    assert.equal((await h.post(a, old)).statusCode, 201);
    h.clock.advance(1000);
    const rotated = await h.node.registrar.rotateKey(a.slug, { signedBy: a.seed });
    const { readSeed } = await import("./party-key-files.js");
    const { ed25519PublicKey } = await import("../core/crypto/ed25519.js");
    const seed = readSeed(rotated.keyFile!);
    const fresh = { ...a, seed, publicKey: ed25519PublicKey(seed) };
    h.clock.advance(1000);
    const stale = await h.post(a, mk(a));
    assert.equal(stale.statusCode, 400);
    assert.equal(stale.json().code, "RECORD_KEY_RETIRED");
    assert.equal((await h.post(a, mk(fresh))).statusCode, 201);
    // The old record still verifies with the key the identity lists (now with valid_until).
    const identity = (await h.get(a, `/api/v1/parties/${a.id}`)).json();
    const keys = (Object.values(identity.extensions)[0] as { keys: { key_id: string; public_key: string; valid_until?: string }[] }).keys;
    assert.equal(keys.length, 2);
    assert.ok(keys[0]!.valid_until);
    const stored = (await h.get(a, `/api/v1/records/${old.id}`)).json();
    verifyRecordSignature(stored, (_s, keyId) => fromBase64(keys.find((k) => k.key_id === keyId)!.public_key));
  } finally {
    await h.close();
  }
});
