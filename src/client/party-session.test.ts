/**
 * tocsin/client against a real node on loopback (HTTP, not injection): two self-signing parties run a
 * warning's whole lifecycle with keys read from PKCS#8 PEM files, a custodial party answers unsigned
 * and the node signs, TAXII posts and polls follow `next`, every failure is a typed code, and the
 * bundle verifies with tocsin/verify.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SIGNATURE_EXT, WARNING_EXT, recordDigestHex, verifyRecordSignature } from "../core/record/index.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { verifyBundle } from "../verify/index.js";
import { NodeHarness } from "../testing/node-harness.js";
import { PartySession, TocsinClient, generatePartyKey, partyKeyOf, partyKeyPem, readPartyKey, sealEvidence } from "./index.js";

const HOUR = 3_600_000;
let harness: NodeHarness;
let url: string;
const keyDir = mkdtempSync(join(tmpdir(), "tocsin-client-keys-"));
const tokens: Record<string, string> = {};

before(async () => {
  harness = await NodeHarness.start();
  await harness.node.app.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(harness.node.app.server.address() as AddressInfo).port}`;
  for (const slug of ["cert-a", "bank-b"]) {
    const key = generatePartyKey(join(keyDir, `${slug}.pem`));
    tokens[slug] = (await harness.node.registrar.create({ slug, name: slug.toUpperCase(), publicKey: key.publicKey })).token;
  }
  tokens.venue = (await harness.node.registrar.create({ slug: "venue", name: "Venue", custodial: true })).token;
});

after(async () => {
  await harness.close();
  rmSync(keyDir, { recursive: true, force: true });
});

const open = (party: string, keyFile?: string) => PartySession.open({ url, token: tokens[party]!, party, ...(keyFile ? { keyFile: join(keyDir, keyFile) } : {}) });

/** The rejection's code (a TocsinError), or fails. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isTocsinError(e), `a TocsinError, got ${String(e)}`);
    return e.code;
  }
  assert.fail("expected a rejection");
}

test("key files: generated mode 0600 and never overwritten; read back as the same key; the node's PEM form is the same", async () => {
  const path = join(keyDir, "k.pem");
  const made = generatePartyKey(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const read = readPartyKey(path);
  assert.deepEqual(read, { seed: made.seed, publicKey: made.publicKey, keyId: made.keyId });
  assert.deepEqual(partyKeyOf(partyKeyPem(read.seed)), read);
  assert.equal(await codeOf(Promise.resolve().then(() => generatePartyKey(path))), "CLIENT_FILE_UNREADABLE");
  writeFileSync(join(keyDir, "junk.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  assert.equal(await codeOf(Promise.resolve().then(() => readPartyKey(join(keyDir, "junk.pem")))), "CLIENT_KEY_UNREADABLE");
  assert.equal(await codeOf(Promise.resolve().then(() => readPartyKey(join(keyDir, "absent.pem")))), "CLIENT_KEY_UNREADABLE");
});

test("two self-signing parties run the whole lifecycle; every record is signed by its author's key; the bundle verifies", async () => {
  const source = await open("cert-a", "cert-a.pem");
  const recipient = await open("bank-b", "bank-b.pem");
  const now = Date.now();
  const sealed = sealEvidence(new TextEncoder().encode("the botnet's C2 list"), { id: "c2-list" });
  const issued = await source.warn({
    name: "DDoS",
    recipients: ["bank-b"],
    probability: 0.7,
    windowStart: now,
    windowEnd: now + 48 * HOUR,
    deadlines: { receipt: now + 2 * HOUR, assessment: now + 6 * HOUR },
    commitments: [sealed],
    tlp: "AMBER",
  });
  const w = issued.record;
  // No stray references: the report names the recipients' identities, which the node holds.
  assert.deepEqual(w.object_refs, [recipient.party.id]);
  for (const ref of w.object_refs as string[]) assert.equal((await source.client.party(ref)).id, ref);
  assert.equal(issued.admitted.custodial, false);

  const revised = await source.revise(w.id, { probability: 0.8, deadlines: { action: now + 24 * HOUR } });
  assert.equal(revised.record.id, w.id);
  assert.equal(revised.record.created, w.created);
  assert.ok(String(revised.record.modified) > String(w.modified));
  assert.equal((revised.record.extensions![WARNING_EXT] as { probability: number }).probability, 0.8);

  const [row] = await recipient.inbox();
  assert.equal(row?.id, w.id);
  assert.equal(row?.recipients[0]?.state, "issued");
  assert.equal(row?.recipients[0]?.nextDeadline?.kind, "receipt");

  const receipt = await recipient.receipt(w.id);
  assert.equal(receipt.record.warning_modified, revised.record.modified, "the receipt names the latest version");
  assert.equal(receipt.record.envelope_digest, recordDigestHex(revised.record));
  assert.equal(await codeOf(recipient.act(w.id, { name: "x", status: "done" })), "LIFECYCLE_NOT_ASSESSED");
  await recipient.assess(w.id, "agree", "seen it too");
  await recipient.act(w.id, { name: "rate limits", status: "done" });
  await source.reveal(w.id, sealed);
  await source.resolve(w.id, { outcome: "materialized", eventTime: Date.now() - 1000, content: "it came" });

  const { timeline, row: after } = await source.status(w.id);
  assert.deepEqual(timeline.entries.map((e) => e.kind), ["warning", "warning", "receipt", "assessment", "action", "reveal", "resolution"]);
  assert.ok(timeline.entries.every((e) => e.signer === "party"));
  assert.equal(after?.resolved?.outcome, "materialized");

  const verdict = verifyBundle(await recipient.client.bundle(w.id));
  assert.equal(verdict.ok, true, JSON.stringify(verdict));
  const proof = await recipient.client.proof(receipt.record.id);
  assert.equal(proof.index, receipt.admitted.index);
  assert.equal(await codeOf(recipient.assess(w.id, "agree", "late")), "LIFECYCLE_WARNING_RESOLVED");
});

test("a custodial party: no key file, records posted unsigned, the node signs and says so", async () => {
  const source = await open("cert-a", "cert-a.pem");
  const venue = await open("venue");
  assert.equal(venue.key, undefined);
  const w = (await source.warn({ name: "phishing wave", recipients: ["venue"], probability: 0.4, windowStart: Date.now(), windowEnd: Date.now() + HOUR })).record;
  const receipt = await venue.receipt(w.id);
  assert.equal(receipt.admitted.custodial, true);
  const sig = receipt.record.extensions![SIGNATURE_EXT] as { custodial?: boolean };
  assert.equal(sig.custodial, true);
  const party = await venue.client.party("venue");
  const verified = verifyRecordSignature(receipt.record, () => partyKeyFromIdentity(party));
  assert.equal(verified.signerRef, venue.party.id);
});

function partyKeyFromIdentity(p: { keys: readonly { public_key: string }[] }): Uint8Array {
  return new Uint8Array(Buffer.from(p.keys[0]!.public_key, "base64"));
}

test("TAXII: a signed record posted as an envelope is admitted; polling a collection follows next to its end", async () => {
  const source = await open("cert-a", "cert-a.pem");
  const recipient = await open("bank-b", "bank-b.pem");
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await source.warn({ name: `w${i}`, recipients: ["bank-b"], probability: 0.5, windowStart: Date.now(), windowEnd: Date.now() + HOUR })).record.id);
  const { buildReceipt } = await import("./record-builders.js");
  const warning = await recipient.client.record(ids[0]!);
  const status = await recipient.client.taxiiPost("inbox-bank-b", [buildReceipt(recipient.author, warning, Date.now())]);
  assert.equal(status.success_count, 1, JSON.stringify(status));
  const polled = await recipient.client.taxiiPoll("inbox-bank-b", { limit: 2 });
  for (const id of ids) assert.ok(polled.some((o) => o.id === id), `${id} polled`);
  assert.ok(polled.length > 2, "more than one page");
});

test("failures are typed codes: bad token, wrong key, no key for a self-signing party, unreachable node, unknown record", async () => {
  assert.equal(await codeOf(PartySession.open({ url, token: "tocsin_wrong", party: "cert-a", keyFile: join(keyDir, "cert-a.pem") })), "AUTH_INVALID");
  assert.equal(await codeOf(open("bank-b", "cert-a.pem")), "CLIENT_KEY_MISMATCH");
  assert.equal(await codeOf(open("bank-b")), "CLIENT_KEY_MISMATCH");
  assert.equal(await codeOf(open("bank-b", "absent.pem")), "CLIENT_KEY_UNREADABLE");
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  assert.equal(await codeOf(new TocsinClient({ url: `http://127.0.0.1:${port}` }).warnings()), "CLIENT_NODE_UNREACHABLE");
  const client = new TocsinClient({ url, token: tokens["bank-b"]! });
  try {
    await client.record("report--00000000-0000-4000-8000-000000000000");
    assert.fail("not found");
  } catch (e) {
    assert.ok(isTocsinError(e));
    assert.equal(e.code, "RECORD_NOT_FOUND");
    assert.equal(e.details?.status, 404);
  }
  assert.equal(await codeOf(Promise.resolve().then(() => new TocsinClient({ url: "not a url" }))), "CLIENT_INPUT_INVALID");
  const source = await open("cert-a", "cert-a.pem");
  assert.equal(await codeOf(source.warn({ name: "x", recipients: ["bank-b"], probability: 1.2, windowStart: 0, windowEnd: 1 })), "CLIENT_INPUT_INVALID");
});

test("board versions: a self-signing party's board is signed here (create and edit), a custodial party's by the node", async () => {
  const source = await open("cert-a", "cert-a.pem");
  const board = {
    name: "ddos-attribution",
    title: "Who rents the botnet?",
    subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
    hypotheses: [{ id: "H1", title: "Group A" }, { id: "H2", title: "State B" }],
    source_groups: [{ id: "press", name: "Press", interested_in: [] }],
    evidence: [{ id: "E1", description: "Same C2 as Group A", source: "Daily Paper", source_group: "press", date: "2024-03-24", credibility: "high", relevance: "high" }],
  };
  const v1 = await source.createBoard(board);
  assert.equal(v1.version, 1);
  const sig1 = v1.record.extensions![SIGNATURE_EXT] as { signer_ref: string; key_id: string; custodial?: boolean };
  assert.equal(sig1.signer_ref, source.party.id);
  assert.equal(sig1.key_id, source.key!.keyId);
  assert.equal(sig1.custodial, undefined);
  const v2 = await source.editBoard("ddos-attribution", { operations: [{ op: "rate", analyst: "ana", evidence: "E1", hypothesis: "H1", rating: "CC" }] });
  assert.equal(v2.version, 2);
  assert.equal((v2.record.extensions![SIGNATURE_EXT] as { key_id: string }).key_id, source.key!.keyId);
  const venue = await open("venue");
  const custodial = await venue.createBoard({ ...board, name: "venue-board" });
  assert.equal((custodial.record.extensions![SIGNATURE_EXT] as { custodial?: boolean }).custodial, true);
});
