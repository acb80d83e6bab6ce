/**
 * Delivery between nodes survives what networks do, with real processes: a peer down (killed) while
 * warnings are issued, and the sender itself crashing meanwhile — once the peer is back, each warning
 * is delivered, none lost, none twice. (A partition that heals: federation-partition.test.ts.)
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import type { StixObject } from "../core/record/index.js";
import { deliveryOf, federatedPair, getJson, postRecord } from "../testing/federated-pair.js";
import { eventually, TocsinProcesses } from "../testing/tocsin-processes.js";

const procs = new TocsinProcesses();
after(() => procs.cleanup());

function warningTo(authorId: string, recipient: string, name: string, offset = 0): StixObject {
  const at = Date.now() + offset;
  return buildWarning({ id: authorId }, { at, name, recipients: [recipient], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5 });
}

async function inboxIds(url: string, token: string, slug: string): Promise<string[]> {
  const res = await fetch(`${url}/taxii2/exchange/collections/inbox-${slug}/objects/?match[type]=report`, { headers: { authorization: `Bearer ${token}`, accept: "application/taxii+json;version=2.1" } });
  const env = (await res.json()) as { objects?: StixObject[] };
  return (env.objects ?? []).map((o) => String(o.id)).sort();
}

test("a peer down while warnings are issued (and the sender restarted meanwhile): delivered afterwards, nothing lost, nothing twice", async () => {
  const { a, b, alice, bob } = await federatedPair(procs);
  await b.served.kill();
  const warnings = [1, 2, 3].map((i) => warningTo(alice.id, bob.id, `while B is down ${i}`, i));
  for (const w of warnings) await postRecord(a.url, alice.token, w);
  // Failed, with the error and the attempts, and retried with backoff.
  const failed = await eventually("a failed delivery with its error", async () => {
    const d = await deliveryOf(a.url, alice.token, String(warnings[0]!.id));
    return d?.state === "failed" && d.attempts >= 2 ? d : undefined;
  });
  assert.match(failed.lastError ?? "", /fetch failed|ECONNREFUSED/);
  // The sender crashes with its outbox full; it comes back before the peer does.
  await a.served.kill();
  await a.start();
  assert.equal((await deliveryOf(a.url, alice.token, String(warnings[2]!.id)))?.state, "failed");
  await b.start();
  for (const w of warnings) await eventually(`${String(w.name)} delivered`, async () => ((await deliveryOf(a.url, alice.token, String(w.id)))?.state === "delivered" ? true : undefined));
  assert.deepEqual(await inboxIds(b.url, bob.token, "bob"), warnings.map((w) => String(w.id)).sort());
  // Nothing twice: B's log holds each warning once (its thread has one position each).
  for (const w of warnings) {
    const t = await getJson(`${b.url}/api/v1/warnings/${w.id}/timeline`, bob.token);
    assert.equal(t.entries.length, 1);
  }
});

