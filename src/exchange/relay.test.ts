/**
 * Issue 10, deliver 7: third-party STIX is relayed honestly. A TAXII client posts objects with no
 * created_by_ref, or created by identities that are not parties of the node: they are admitted as relayed
 * by the posting party (signed for it — by the node with its custodial key, or by itself), the object's own
 * created_by_ref untouched, and only that party may version them later. Impersonating another party and
 * relaying Tocsin's own record kinds stay refused. Before this, every such object was refused
 * RECORD_AUTHOR_MISMATCH.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { buildAssessment, buildReceipt, buildWarning } from "../client/record-builders.js";
import { decodeRecordLeaf, SIGNATURE_EXT, signRecord, verifyRecordSignature, type StixObject } from "../core/record/index.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";

const TAXII = "application/taxii+json;version=2.1";
const DAY = 86_400_000;

const databases: TestDatabase[] = [];
after(async () => {
  for (const d of databases) await d.drop();
});

/** An indicator as a feed (OpenCTI, a MISP export) carries it: maybe a foreign creator, no Tocsin signature. */
function indicator(at: number, createdBy?: string, id = `indicator--${randomUUID()}`, modified = at): StixObject {
  return {
    type: "indicator",
    spec_version: "2.1",
    id,
    created: new Date(at).toISOString(),
    modified: new Date(modified).toISOString(),
    ...(createdBy ? { created_by_ref: createdBy } : {}),
    name: "C2 address",
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: "stix",
    valid_from: new Date(at).toISOString(),
  };
}

async function taxiiPost(h: NodeHarness, who: TestParty, objects: unknown[]) {
  const res = await h.node.app.inject({
    method: "POST",
    url: "/taxii2/exchange/collections/shared/objects/",
    headers: { accept: TAXII, "content-type": TAXII, authorization: `Bearer ${who.token}` },
    payload: JSON.stringify({ objects }),
  });
  assert.equal(res.statusCode, 202, res.body);
  return res.json() as { success_count: number; failure_count: number; successes?: { id: string }[]; failures?: { id: string; message: string }[] };
}

const codeOf = (s: { failures?: { message: string }[] }) => s.failures?.[0]?.message.split(":")[0] ?? "admitted";

for (const engine of ["sqlite", "postgres"] as const) {
  describe(`relaying third-party STIX (${engine})`, () => {
    test("a custodial party relays objects of non-parties; only it versions them; impersonation and relayed Tocsin kinds are refused", async () => {
      const clock = new TestClock(Date.parse("2025-06-01T09:00:00.000Z"));
      let config = {};
      if (engine === "postgres") {
        const db = await createTestDatabase("relay");
        databases.push(db);
        config = { db: db.url };
      }
      const h = await NodeHarness.start({ clock, config });
      try {
        const feed = await h.party("feed", { custodial: true });
        const other = await h.party("other-feed", { custodial: true });
        const alpha = await h.party("alpha");
        const bravo = await h.party("bravo");
        const t = clock.now() - 60_000;
        const stranger = `identity--${randomUUID()}`; // an identity that is no party of this node
        const anonymous = indicator(t);
        const foreign = indicator(t, stranger);
        const org: StixObject = { type: "identity", spec_version: "2.1", id: stranger, created: new Date(t).toISOString(), modified: new Date(t).toISOString(), name: "Some CERT", identity_class: "organization" };
        const s = await taxiiPost(h, feed, [anonymous, foreign, org]);
        assert.deepEqual([s.success_count, s.failure_count], [3, 0], JSON.stringify(s));

        for (const obj of [anonymous, foreign, org]) {
          const got = await h.get(feed, `/api/v1/records/${obj.id}`);
          assert.equal(got.statusCode, 200, got.body);
          const stored = got.json() as StixObject;
          // The object's own created_by_ref is untouched (absent stays absent); the signer is the relaying party.
          assert.equal(stored.created_by_ref, obj.created_by_ref);
          const sig = stored.extensions![SIGNATURE_EXT] as { signer_ref: string; custodial?: boolean };
          assert.deepEqual([sig.signer_ref, sig.custodial], [feed.id, true]);
          // Anyone can check the node's signature for the relaying party against its published key.
          const keys = (await h.get(undefined, `/api/v1/parties/${feed.id}`)).json().extensions;
          const published = Object.values(keys as Record<string, { keys?: { key_id: string; public_key: string }[] }>).find((e) => e.keys)!.keys!;
          verifyRecordSignature(stored, (signer, keyId) => (signer === feed.id ? Buffer.from(published.find((k) => k.key_id === keyId)!.public_key, "base64") : undefined));
          // The log names the relaying party as the leaf's author, and so does the stored record.
          const record = (await h.node.store.recordVersions(obj.id))[0]!;
          assert.equal(record.author, feed.id);
          const entry = (await h.get(undefined, `/log/entries/${record.logIndex}`)).json();
          assert.equal(decodeRecordLeaf(Buffer.from(entry.data, "base64")).author, feed.id);
        }

        // A later version: the relaying party's is admitted; another party's (same created_by_ref, or none) is not.
        clock.advance(60_000);
        const v2 = indicator(t, stranger, foreign.id, t + 30_000);
        assert.equal((await taxiiPost(h, feed, [v2])).success_count, 1);
        const v3 = indicator(t, stranger, foreign.id, t + 40_000);
        assert.equal(codeOf(await taxiiPost(h, other, [v3])), "RECORD_VERSION_NOT_AUTHOR");
        const res = await h.post(other, indicator(t, undefined, anonymous.id, t + 40_000));
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json().code, "RECORD_VERSION_NOT_AUTHOR");
        assert.equal(codeOf(await taxiiPost(h, alpha, [signRecord(indicator(t, stranger, foreign.id, t + 45_000), { signerRef: alpha.id, seed: alpha.seed!, publicKey: alpha.publicKey!, relay: true })])), "RECORD_VERSION_NOT_AUTHOR");

        // Refused: speaking in another party's name, and relaying Tocsin's own record kinds.
        const size = await h.logSize();
        const w = buildWarning(alpha, { at: t, name: "Strike", recipients: [bravo.id], windowStart: t, windowEnd: t + DAY, probability: 0.5 });
        assert.equal((await h.post(alpha, w)).statusCode, 201);
        const nodeParty = (await h.node.parties.get("node"))!;
        const refusals: [string, StixObject][] = [
          ["an indicator created by another party", indicator(t, alpha.id)],
          ["an indicator created by the node's own party", indicator(t, nodeParty.id)],
          ["a warning with no created_by_ref", (() => { const x = buildWarning({ id: feed.id }, { at: t, name: "x", recipients: [bravo.id], windowStart: t, windowEnd: t + DAY, probability: 0.5 }); delete x.created_by_ref; return x; })()],
          ["a warning created by a non-party", buildWarning({ id: stranger }, { at: t, name: "x", recipients: [bravo.id], windowStart: t, windowEnd: t + DAY, probability: 0.5 })],
          ["an assessment created by a non-party", buildAssessment({ id: stranger }, w.id, t, "agree", "x")],
          ["a receipt created by a non-party", buildReceipt({ id: stranger }, w, t)],
        ];
        const got = [];
        for (const [name, obj] of refusals) got.push(`${name}: ${codeOf(await taxiiPost(h, feed, [obj]))}`);
        assert.deepEqual(got, refusals.map(([name]) => `${name}: RECORD_AUTHOR_MISMATCH`));
        assert.equal(await h.logSize(), size + 1, "only alpha's own warning was logged");
      } finally {
        await h.close();
      }
    });

    test("a self-signing party relays only what it signs itself (signer_ref = itself, custodial false)", async () => {
      const clock = new TestClock(Date.parse("2025-06-01T09:00:00.000Z"));
      let config = {};
      if (engine === "postgres") {
        const db = await createTestDatabase("relay");
        databases.push(db);
        config = { db: db.url };
      }
      const h = await NodeHarness.start({ clock, config });
      try {
        const s = await h.party("analyst");
        const t = clock.now() - 60_000;
        const unsigned = indicator(t, `identity--${randomUUID()}`);
        const refused = await h.post(s, unsigned);
        assert.equal(refused.statusCode, 400, refused.body);
        assert.equal(refused.json().code, "RECORD_UNSIGNED");
        const signed = signRecord(unsigned, { signerRef: s.id, seed: s.seed!, publicKey: s.publicKey!, relay: true });
        const ok = await h.post(s, signed);
        assert.equal(ok.statusCode, 201, ok.body);
        assert.equal(ok.json().records[0].custodial, false);
        assert.equal((await h.node.store.recordVersions(unsigned.id))[0]!.author, s.id);
        // Its created_by_ref still names the third party.
        assert.equal((await h.get(s, `/api/v1/records/${unsigned.id}`)).json().created_by_ref, unsigned.created_by_ref);
      } finally {
        await h.close();
      }
    });
  });
}
