/**
 * Federation with real processes: two `tocsin serve` nodes on loopback, each pinning the other
 * (`tocsin peer add`). A warning from a party on node A to a party on node B reaches B through B's
 * TAXII inbox (the outbox's POST, verified against A's pinned key, key history and log), B's party
 * receipts it, the receipt comes back to A, the delivery reads `receipted`, and A's bundle audits clean
 * with A's proofs and B's origin proof of the receipt (and fails with another key pinned for B's log).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import { formatVerifierKey, generateNoteSigner, verifierFromSigner } from "../core/note/index.js";
import type { StixObject } from "../core/record/index.js";
import { deliveryOf, federatedPair, getJson, postRecord } from "../testing/federated-pair.js";
import { eventually, TocsinProcesses } from "../testing/tocsin-processes.js";

const procs = new TocsinProcesses();
after(() => procs.cleanup());

test("a warning from A to a party on B, received over B's TAXII inbox, receipted, the receipt back on A; the bundle audits with A's and B's proofs and a 2-of-2 witness quorum", async () => {
  // A and B witness each other's logs (and their own): each log needs both cosignatures.
  const { a, b, alice, bob, witnessKeys } = await federatedPair(procs, { witnessEachOther: true });
  const pinned = await getJson(`${a.url}/federation/v1/node`);
  assert.equal(pinned.origin, a.origin);
  assert.deepEqual(pinned.parties.map((p: { slug: string }) => p.slug), ["alice"]);
  assert.match(await procs.ok(["peer", "list", "--data", a.dir]), new RegExp(`${b.origin}[\\s\\S]*parties: +bob`));

  const at = Date.now();
  const warning = buildWarning({ id: alice.id }, { at, name: "federated warning", recipients: [bob.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.6 });
  await postRecord(a.url, alice.token, warning);

  // B's TAXII inbox for bob holds it.
  const inbox = await eventually("the warning in B's inbox", async () => {
    const res = await fetch(`${b.url}/taxii2/exchange/collections/inbox-bob/objects/`, { headers: { authorization: `Bearer ${bob.token}`, accept: "application/taxii+json;version=2.1" } });
    const env = (await res.json()) as { objects?: StixObject[] };
    return env.objects?.find((o) => o.id === warning.id);
  });
  // The node signed for its custodial author: the same warning, with that signature.
  assert.equal(inbox.name, warning.name);
  assert.deepEqual((inbox as { object_refs?: unknown }).object_refs, (warning as { object_refs?: unknown }).object_refs);
  // B logs the warning before it answers A's POST, so A may read B's answer a moment after the inbox shows it.
  await eventually("the delivery marked delivered on A", async () => ((await deliveryOf(a.url, alice.token, String(warning.id)))?.state === "delivered" ? true : undefined));

  // Bob receipts on B; the receipt flows back to A and the delivery there reads receipted.
  await postRecord(b.url, bob.token, buildReceipt({ id: bob.id }, inbox, Date.now()));
  await eventually("the delivery receipted on A", async () => ((await deliveryOf(a.url, alice.token, String(warning.id)))?.state === "receipted" ? true : undefined));
  const timeline = await getJson(`${a.url}/api/v1/warnings/${warning.id}/timeline`, alice.token);
  assert.deepEqual(timeline.entries.map((e: { kind: string }) => e.kind), ["warning", "receipt"]);
  // B's party is received: A's warning list says so.
  const listed = await getJson(`${a.url}/api/v1/warnings`, alice.token);
  assert.equal(listed.warnings[0].recipients[0].state, "received");
  assert.match(await procs.ok(["deliveries", "--data", a.dir]), /receipted +warning/);
  assert.match(await procs.ok(["deliveries", "--data", b.dir, "--warning", String(warning.id)]), /delivered +receipt/);

  // A's bundle holds the receipt with B's origin proof beside A's own; it audits clean, pinned keys both,
  // once A's latest checkpoint (covering the receipt) carries both witnesses' cosignatures.
  await eventually("A's latest checkpoint cosigned by both witnesses", async () => {
    const note = await (await fetch(`${a.url}/log/checkpoint`)).text();
    const size = Number(note.split("\n")[1]);
    // The log's signature and the two cosignatures, on a checkpoint covering the receipt.
    return (note.match(/^— /gm) ?? []).length >= 3 && size >= timeline.entries.at(-1).index + 1 ? true : undefined;
  }, 30_000);
  const bundleFile = join(a.dir, "bundle.json");
  await procs.ok(["export-bundle", "--warning", String(warning.id), "--data", a.dir, "--out", bundleFile]);
  const bundle = JSON.parse(readFileSync(bundleFile, "utf8")) as { origins?: { origin: string; records: unknown[] }[] };
  assert.equal(bundle.origins?.length, 1);
  assert.equal(bundle.origins![0]!.origin, b.origin);
  const [logKeyA, logKeyB] = [(await getJson(`${a.url}/federation/v1/node`)).log_key as string, (await getJson(`${b.url}/federation/v1/node`)).log_key as string];
  const audit = await procs.run(["audit", bundleFile, "--log-key", logKeyA, "--peer-log-key", logKeyB, "--witness", witnessKeys[0]!, "--witness", witnessKeys[1]!, "--quorum", "2"]);
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  assert.match(audit.stdout, /origin proofs: 1 record\(s\) from 1 other log/);
  assert.match(audit.stdout, /witness quorum: 2 of 2 required cosigned checkpoint/);
  // B's bundle of the same warning proves the warning in A's log, the receipt in B's.
  const fromB = await getJson(`${b.url}/api/v1/warnings/${warning.id}/bundle`, bob.token);
  assert.equal(fromB.origins[0].origin, a.origin);
  // Another key pinned for B's log: the same bundle fails.
  const impostor = formatVerifierKey(verifierFromSigner(generateNoteSigner(b.origin)));
  const wrong = await procs.run(["audit", bundleFile, "--log-key", logKeyA, "--peer-log-key", impostor]);
  assert.equal(wrong.status, 1, wrong.stdout + wrong.stderr);
  assert.match(wrong.stdout, /log-key: .*another log key for this origin/);
  // A receipt whose origin record is altered in the bundle fails too.
  const tampered = JSON.parse(readFileSync(bundleFile, "utf8")) as { origins: { records: { index: number }[] }[] };
  tampered.origins[0]!.records[0]!.index += 1;
  const { verifyBundle, parseVerifierKey } = await import("../verify/index.js");
  const verdict = verifyBundle(tampered, { logKey: parseVerifierKey(logKeyA), peerLogKeys: new Map([[b.origin, parseVerifierKey(logKeyB)]]) });
  assert.equal(verdict.ok, false);
  assert.ok(verdict.problems.some((p) => p.check === "inclusion"), JSON.stringify(verdict.problems));
  await Promise.all([a.served.stop(), b.served.stop()]);
  // Both logs stay clean with the mirrored records in them.
  await Promise.all([procs.ok(["log", "audit", "--data", a.dir]), procs.ok(["log", "audit", "--data", b.dir])]);
});
