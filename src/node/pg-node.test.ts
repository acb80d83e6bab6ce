/**
 * A whole node on PostgreSQL, in process: parties, signed records through the API, lifecycle state,
 * inclusion proofs against signed checkpoints, and a clean audit — the SQLite node's behaviour on the
 * server engine.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { fromBase64, fromHex } from "../core/crypto/bytes.js";
import { hashLeaf, verifyInclusion } from "../core/merkle/index.js";
import { openCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import { auditLog } from "../log/audit.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";

const HOUR = 3_600_000;
const databases: TestDatabase[] = [];
after(async () => {
  for (const d of databases) await d.drop();
});

test("postgres node: records admitted, state folded, proofs verify, audit clean", async () => {
  const db = await createTestDatabase("node");
  databases.push(db);
  const clock = new TestClock(Date.parse("2024-03-06T09:00:00.000Z"));
  const h = await NodeHarness.start({ clock, config: { db: db.url } });
  try {
    assert.equal(h.node.store.engine, "postgres");
    assert.ok(h.node.sequencer.running, "the only process takes the lease");
    const source = await h.party("source");
    const recipient = await h.party("recipient");
    const t0 = clock.now();
    const warning = buildWarning(source, {
      at: t0,
      name: "Imminent attack",
      recipients: [recipient.id],
      windowStart: t0,
      windowEnd: t0 + 48 * HOUR,
      probability: 0.6,
      deadlines: { receipt: t0 + 6 * HOUR, assessment: t0 + 24 * HOUR, action: t0 + 40 * HOUR },
      requestedActions: ["patch"],
      tlp: "AMBER",
    });
    const posted = await h.post(source, warning);
    assert.equal(posted.statusCode, 201, posted.body);
    clock.advance(HOUR);
    const fetched = await h.get(recipient, `/api/v1/records/${warning.id}`);
    assert.equal(fetched.statusCode, 200);
    const r = await h.post(recipient, buildReceipt(recipient, fetched.json(), clock.now(), "AMBER"));
    assert.equal(r.statusCode, 201, r.body);
    assert.equal((await h.post(source, warning)).json().records[0].duplicate, true, "re-posting is idempotent");

    const proof = (await h.get(source, `/api/v1/records/${warning.id}/proof`)).json();
    const cp = openCheckpoint(proof.checkpoint, verifierFromSigner(h.node.signer)).checkpoint;
    verifyInclusion(proof.index, cp.size, hashLeaf(fromBase64(proof.leaf)!), proof.hashes.map((x: string) => fromHex(x)!), cp.rootHash);

    const list = (await h.get(recipient, "/api/v1/warnings")).json();
    assert.equal(JSON.stringify(list).includes(warning.id), true);
    const report = await auditLog(h.node.store, { verifier: verifierFromSigner(h.node.signer) });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.equal(report.leaves, await h.logSize());
  } finally {
    await h.close();
  }
});
