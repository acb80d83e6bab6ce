/**
 * Records from peers that must be refused, with real processes: a node that pinned a peer receives, on
 * a party's TAXII inbox, deliveries claiming to come from that peer — a record altered after it was
 * logged, a proof against a checkpoint signed by another key, a proof that does not lead to the root, no
 * proof at all, an origin it never pinned. Each is a coded 4xx, nothing is logged or stored (the log's
 * size does not move), and each refusal is reported in the node's log. The genuine record, with its
 * genuine proof, is then accepted — once, however often it is posted.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { formatNote, generateNoteSigner, parseNote, signNote } from "../core/note/index.js";
import type { StixObject } from "../core/record/index.js";
import { federatedPair, getJson, postRecord } from "../testing/federated-pair.js";
import { TocsinProcesses } from "../testing/tocsin-processes.js";

const procs = new TocsinProcesses();
after(() => procs.cleanup());

test("a tampered or unproven record from a peer is refused (coded 4xx), reported, and never stored", async () => {
  const { a, b, alice, others } = await federatedPair(procs, { extraParties: { a: ["carol"] } });
  // A warning from alice to carol (both on A): never delivered to B by A, so B does not hold it.
  const at = Date.now();
  const warning = buildWarning({ id: alice.id }, { at, name: "local to A", recipients: [others.carol!.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.4, tlp: "CLEAR" });
  await postRecord(a.url, alice.token, warning);
  const stored = (await getJson(`${a.url}/api/v1/records/${warning.id}`, alice.token)) as StixObject;
  const proof = await getJson(`${a.url}/api/v1/records/${warning.id}/proof`, alice.token);
  const origin = { origin: a.origin, index: proof.index, leaf: proof.leaf, size: proof.size, hashes: proof.hashes, checkpoint: proof.checkpoint };
  const sizeOfB = async () => Number((await (await fetch(`${b.url}/log/checkpoint`)).text()).split("\n")[1]);
  const before = await sizeOfB();

  const deliver = async (objects: unknown[], proofs: unknown, from = a.origin) => {
    const res = await fetch(`${b.url}/taxii2/exchange/collections/inbox-bob/objects/`, {
      method: "POST",
      headers: { "content-type": "application/taxii+json;version=2.1", accept: "application/taxii+json;version=2.1", "x-tocsin-origin": from },
      body: JSON.stringify({ objects, ...(proofs === undefined ? {} : { x_tocsin_origin: proofs }) }),
    });
    return { status: res.status, body: (await res.json()) as { error_code?: string; description?: string } };
  };
  const refused = async (what: string, r: Promise<{ status: number; body: { error_code?: string } }>, status: number, code: string) => {
    const { status: s, body } = await r;
    assert.equal(s, status, `${what}: ${JSON.stringify(body)}`);
    assert.equal(body.error_code, code, what);
  };

  // Altered after it was logged: the origin leaf no longer commits to it (and its signature fails).
  await refused("a record altered in transit", deliver([{ ...stored, name: "altered" }], [origin]), 422, "FEDERATION_RECORD_UNVERIFIED");
  // The right record, with a checkpoint signed by a key other than A's pinned one.
  const forged = signNote(parseNote(proof.checkpoint).text, [generateNoteSigner(a.origin)]);
  await refused("a checkpoint signed by another key", deliver([stored], [{ ...origin, checkpoint: forged }]), 422, "FEDERATION_RECORD_UNVERIFIED");
  // A proof that does not lead to the checkpoint's root.
  const badHashes = origin.hashes.length > 0 ? origin.hashes.map((h: string) => h.replace(/^./, (c) => (c === "0" ? "1" : "0"))) : ["00".repeat(32)];
  await refused("an inclusion proof that does not verify", deliver([stored], [{ ...origin, hashes: badHashes }]), 422, "FEDERATION_RECORD_UNVERIFIED");
  // The leaf of another record of A's log.
  const other = await getJson(`${a.url}/log/entries/0`);
  await refused("another record's leaf", deliver([stored], [{ ...origin, index: 0, leaf: other.data }]), 422, "FEDERATION_RECORD_UNVERIFIED");
  // No origin proof, or not one per object.
  await refused("no origin proof", deliver([stored], undefined), 400, "FEDERATION_PROOF_MISSING");
  await refused("a malformed origin proof", deliver([stored], [{ ...origin, size: "many" }]), 400, "FEDERATION_PROOF_MISSING");
  // An origin B never pinned.
  await refused("an unknown origin", deliver([stored], [{ ...origin, origin: "example.org/elsewhere" }], "example.org/elsewhere"), 403, "FEDERATION_UNKNOWN_PEER");
  // One good record and one altered in one envelope: all or nothing.
  await refused("a batch with one bad record", deliver([stored, { ...stored, name: "altered" }], [origin, origin]), 422, "FEDERATION_RECORD_UNVERIFIED");
  assert.equal(await sizeOfB(), before, "nothing was logged on B");
  assert.equal((await fetch(`${b.url}/api/v1/records/${warning.id}`)).status, 404);
  assert.match(b.served.stderr(), /record from a peer refused/);

  // The genuine record with its genuine proof is verified and stored — once, however often it comes.
  const first = await deliver([stored], [origin]);
  assert.equal(first.status, 202, JSON.stringify(first.body));
  const again = await deliver([stored], [origin]);
  assert.equal(again.status, 202, JSON.stringify(again.body));
  assert.match(JSON.stringify(again.body), /already logged/);
  assert.equal(await sizeOfB(), before + 1);
  assert.equal(((await getJson(`${b.url}/api/v1/records/${warning.id}`)) as StixObject).name, "local to A");
});
