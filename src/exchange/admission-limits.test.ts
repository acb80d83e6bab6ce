/**
 * Issue 10, "Bad input": records of many megabytes and warnings to identities that are no party were
 * admitted. Each is now a coded refusal with nothing stored or logged, on every write path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { buildReveal, buildWarning, newSalt, sign } from "../client/record-builders.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";
import { MAX_RECORD_BYTES } from "./admission-limits.js";

const DAY = 86_400_000;
const TAXII = "application/taxii+json;version=2.1";

test("a record above 256 KiB of canonical JSON → 413 RECORD_TOO_LARGE, nothing stored; one just under the limit is admitted", async () => {
  const clock = new TestClock(Date.parse("2025-06-01T09:00:00.000Z"));
  const h = await NodeHarness.start({ clock });
  try {
    const a = await h.party("alpha");
    const b = await h.party("bravo");
    const hosted = await h.party("hosted", { custodial: true });
    const t = clock.now() - 1000;
    const size = await h.logSize();
    const huge = buildWarning(a, { at: t, name: "big", description: "x".repeat(4 * 1024 * 1024), recipients: [b.id], windowStart: t, windowEnd: t + DAY, probability: 0.5 });
    const res = await h.post(a, huge);
    assert.equal(res.statusCode, 413, res.body.slice(0, 500));
    assert.equal(res.json().code, "RECORD_TOO_LARGE");
    assert.equal(res.json().details.limit, MAX_RECORD_BYTES);
    // Exactly at the boundary: multi-byte characters count as UTF-8 bytes, not as characters.
    const fits = (desc: string) => buildWarning(a, { at: t, name: "edge", description: desc, recipients: [b.id], windowStart: t, windowEnd: t + DAY, probability: 0.5 });
    const overhead = Buffer.byteLength(JSON.stringify(fits(""))); // the signed record without a description
    const justUnder = fits("é".repeat(Math.floor((MAX_RECORD_BYTES - overhead - 64) / 2)));
    const justOver = fits("é".repeat(Math.ceil((MAX_RECORD_BYTES - overhead + 64) / 2)));
    assert.equal((await h.post(a, justOver)).json().code, "RECORD_TOO_LARGE");
    // The custodial path (the node signs, adding the signature) and TAXII are held to the same limit.
    const big = { type: "note", spec_version: "2.1", id: `note--${randomUUID()}`, created: new Date(t).toISOString(), modified: new Date(t).toISOString(), created_by_ref: hosted.id, content: "y".repeat(MAX_RECORD_BYTES), object_refs: [huge.id] };
    assert.equal((await h.post(hosted, big)).json().code, "RECORD_TOO_LARGE");
    const viaTaxii = await h.node.app.inject({
      method: "POST",
      url: "/taxii2/exchange/collections/shared/objects/",
      headers: { accept: TAXII, "content-type": TAXII, authorization: `Bearer ${hosted.token}` },
      payload: JSON.stringify({ objects: [big] }),
    });
    assert.match(viaTaxii.json().failures[0].message, /^RECORD_TOO_LARGE/);
    assert.equal(await h.logSize(), size, "nothing logged");
    for (const id of [huge.id, justOver.id, big.id]) assert.equal((await h.node.store.recordVersions(id)).length, 0);
    assert.equal((await h.post(a, justUnder)).statusCode, 201, "just under the limit is admitted");

    // A reveal with ~190 KiB of evidence fits: the documented room for inline evidence.
    const c = { id: "c1", salt: newSalt(), evidence: new Uint8Array(190 * 1024).fill(7) };
    const w = buildWarning(a, { at: t, name: "sealed", recipients: [b.id], windowStart: t, windowEnd: t + DAY, probability: 0.5, commitments: [c] });
    assert.equal((await h.post(a, w)).statusCode, 201);
    const reveal = await h.post(a, buildReveal(a, w.id, t + 500, c));
    assert.equal(reveal.statusCode, 201, reveal.body.slice(0, 300));
  } finally {
    await h.close();
  }
});

test("a warning to a recipient or arbiter that is no party of the node → 422 RECORD_UNKNOWN_PARTY, nothing stored", async () => {
  const clock = new TestClock(Date.parse("2025-06-01T09:00:00.000Z"));
  const h = await NodeHarness.start({ clock });
  try {
    const a = await h.party("alpha");
    const b = await h.party("bravo");
    const t = clock.now() - 1000;
    const ghost = `identity--${randomUUID()}`;
    const size = await h.logSize();
    const toGhost = buildWarning(a, { at: t, name: "typo", recipients: [b.id, ghost], windowStart: t, windowEnd: t + DAY, probability: 0.5 });
    const res = await h.post(a, toGhost);
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, "RECORD_UNKNOWN_PARTY");
    assert.equal(res.json().details.party, ghost);
    const ghostArbiter = buildWarning(a, { at: t, name: "arbiter", recipients: [b.id], arbiters: [ghost], windowStart: t, windowEnd: t + DAY, probability: 0.5 });
    assert.equal((await h.post(a, ghostArbiter)).json().code, "RECORD_UNKNOWN_PARTY");
    assert.equal(await h.logSize(), size, "nothing logged");
    // A new version that adds an unknown recipient is refused the same way.
    const w = buildWarning(a, { at: t, name: "fine", recipients: [b.id], windowStart: t, windowEnd: t + DAY, probability: 0.5 });
    assert.equal((await h.post(a, w)).statusCode, 201);
    const v2 = buildWarning({ id: a.id }, { at: t, name: "fine", recipients: [b.id, ghost], windowStart: t, windowEnd: t + DAY, probability: 0.5 });
    Object.assign(v2, { id: w.id, created: w.created, modified: new Date(t + 500).toISOString() });
    const again = await h.post(a, sign(v2, a));
    assert.equal(again.statusCode, 422, again.body);
    assert.equal(again.json().code, "RECORD_UNKNOWN_PARTY");
    assert.equal(await h.logSize(), size + 1);
  } finally {
    await h.close();
  }
});
