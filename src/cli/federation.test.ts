/**
 * Federation with real processes: two `tocsin serve` nodes on loopback, each pinning the other
 * (`tocsin peer add`). A warning from a party on node A to a party on node B reaches B through B's
 * TAXII inbox (the outbox's POST, verified against A's pinned key and log), B's party receipts it, the
 * receipt comes back to A, the delivery reads `receipted`, and A's bundle audits clean with A's proofs
 * and B's origin proof of the receipt. Then B is killed while A issues more warnings (and A itself is
 * killed and restarted meanwhile): once B is back, each is delivered, once.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import type { StixObject } from "../core/record/index.js";
import { formatVerifierKey, generateNoteSigner, verifierFromSigner } from "../core/note/index.js";
import { eventually, freePort, TocsinProcesses, type ServedNode } from "../testing/tocsin-processes.js";

const procs = new TocsinProcesses();
after(() => procs.cleanup());

interface Party {
  id: string;
  token: string;
}

async function json(url: string, token?: string): Promise<any> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function post(url: string, token: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(res.status, 201, await res.text());
}

test("a warning from A to a party on B, receipted on B, the receipt back on A; B down meanwhile: delivered afterwards, once", async () => {
  const dirA = procs.track(mkdtempSync(join(tmpdir(), "tocsin-fed-a-")));
  const dirB = procs.track(mkdtempSync(join(tmpdir(), "tocsin-fed-b-")));
  const alice = JSON.parse(await procs.ok(["party", "create", "alice", "--name", "Alice", "--custodial", "--data", dirA])) as Party;
  const bob = JSON.parse(await procs.ok(["party", "create", "bob", "--name", "Bob", "--custodial", "--data", dirB])) as Party;
  const portA = await freePort();
  const portB = await freePort();
  const urlA = `http://127.0.0.1:${portA}`;
  const urlB = `http://127.0.0.1:${portB}`;
  const serveArgs = (dir: string, port: number) => ["--data", dir, "--port", String(port), "--outbox-interval", "50", "--delivery-backoff-cap", "400"];
  let a: ServedNode = await procs.serve(serveArgs(dirA, portA));
  let b: ServedNode = await procs.serve(serveArgs(dirB, portB));

  // Each node pins the other: log key, node party, parties with their logged keys.
  const pinned = JSON.parse(await procs.ok(["peer", "add", urlB, "--data", dirA, "--json"])) as { origin: string; parties: { slug: string; id: string }[] };
  assert.deepEqual(pinned.parties, [{ id: bob.id, slug: "bob" }]);
  await procs.ok(["peer", "add", urlA, "--data", dirB]);
  assert.match(await procs.ok(["peer", "list", "--data", dirA]), /bob/);

  const at = Date.now();
  const warning = buildWarning({ id: alice.id }, { at, name: "federated warning", recipients: [bob.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.6 });
  await post(`${urlA}/api/v1/records`, alice.token, warning);

  // B's TAXII inbox for bob holds it, and bob's warning list shows it.
  const inbox = await eventually("the warning in B's inbox", async () => {
    const res = await fetch(`${urlB}/taxii2/exchange/collections/inbox-bob/objects/`, { headers: { authorization: `Bearer ${bob.token}`, accept: "application/taxii+json;version=2.1" } });
    const env = (await res.json()) as { objects?: StixObject[] };
    return env.objects?.find((o) => o.id === warning.id);
  });
  const delivered = await json(`${urlA}/api/v1/warnings/${warning.id}/deliveries`, alice.token);
  assert.equal(delivered.deliveries[0].state, "delivered");
  assert.equal(delivered.deliveries[0].peer, pinned.origin);

  // Bob receipts on B; the receipt flows back to A and the delivery there reads receipted.
  await post(`${urlB}/api/v1/records`, bob.token, buildReceipt({ id: bob.id }, inbox, Date.now()));
  await eventually("the delivery receipted on A", async () => {
    const d = await json(`${urlA}/api/v1/warnings/${warning.id}/deliveries`, alice.token);
    return d.deliveries.some((x: { kind: string; state: string }) => x.kind === "warning" && x.state === "receipted") ? true : undefined;
  });
  const timeline = await json(`${urlA}/api/v1/warnings/${warning.id}/timeline`, alice.token);
  assert.deepEqual(
    timeline.entries.map((e: { kind: string }) => e.kind),
    ["warning", "receipt"],
  );
  assert.match(await procs.ok(["deliveries", "--data", dirA]), /receipted +warning/);
  // On B the receipt's delivery to A is delivered.
  assert.match(await procs.ok(["deliveries", "--data", dirB, "--warning", String(warning.id)]), /delivered +receipt/);

  // A's bundle holds the receipt with B's origin proof beside A's own; it audits clean.
  const bundleFile = join(dirA, "bundle.json");
  await procs.ok(["export-bundle", "--warning", String(warning.id), "--data", dirA, "--out", bundleFile]);
  const bundle = JSON.parse(readFileSync(bundleFile, "utf8")) as { origins?: { origin: string; records: unknown[] }[] };
  assert.equal(bundle.origins?.length, 1);
  assert.equal(bundle.origins![0]!.origin, pinned.origin);
  const logKeyA = (await procs.ok(["log", "key", "--data", dirA])).trim();
  const logKeyB = (await procs.ok(["log", "key", "--data", dirB])).trim();
  const audit = await procs.run(["audit", bundleFile, "--log-key", logKeyA, "--peer-log-key", logKeyB]);
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  assert.match(audit.stdout, /origin proofs: 1 record\(s\) from 1 other log/);
  // With another key pinned for B's log, the same bundle fails.
  const impostor = formatVerifierKey(verifierFromSigner(generateNoteSigner(pinned.origin)));
  const wrong = await procs.run(["audit", bundleFile, "--log-key", logKeyA, "--peer-log-key", impostor]);
  assert.equal(wrong.status, 1, wrong.stdout + wrong.stderr);
  assert.match(wrong.stdout, /log-key: .*another log key for this origin/);

  // B goes down; A issues three warnings, crashes and restarts while B is still down.
  await b.kill();
  const later = [1, 2, 3].map((i) => {
    const t = Date.now() + i;
    return buildWarning({ id: alice.id }, { at: t, name: `while B is down ${i}`, recipients: [bob.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.5 });
  });
  for (const w of later) await post(`${urlA}/api/v1/records`, alice.token, w);
  await eventually("a failed delivery with its error", async () => {
    const d = await json(`${urlA}/api/v1/warnings/${later[0]!.id}/deliveries`, alice.token);
    const x = d.deliveries[0];
    return x?.state === "failed" && x.attempts >= 1 && /fetch failed|ECONNREFUSED/.test(x.lastError) ? true : undefined;
  });
  await a.kill();
  a = await procs.serve(serveArgs(dirA, portA));
  await new Promise((r) => setTimeout(r, 500));
  b = await procs.serve(serveArgs(dirB, portB));
  for (const w of later) {
    await eventually(`${String(w.name)} delivered after B came back`, async () => {
      const d = await json(`${urlA}/api/v1/warnings/${w.id}/deliveries`, alice.token);
      return d.deliveries[0]?.state === "delivered" ? true : undefined;
    });
  }
  // Nothing lost, nothing twice: B's inbox holds each warning once.
  const env = (await (await fetch(`${urlB}/taxii2/exchange/collections/inbox-bob/objects/?match[type]=report`, { headers: { authorization: `Bearer ${bob.token}`, accept: "application/taxii+json;version=2.1" } })).json()) as { objects: StixObject[] };
  const ids = env.objects.map((o) => o.id).sort();
  assert.deepEqual(ids, [warning.id, ...later.map((w) => w.id)].sort());
  await a.stop();
  await b.stop();
  // B's own log stays clean with the mirrored records in it.
  await procs.ok(["log", "audit", "--data", dirB]);
});
