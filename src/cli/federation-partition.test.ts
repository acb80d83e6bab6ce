/**
 * A partition between two nodes that heals, with real processes: each node reaches the other only
 * through a TCP proxy the test can cut (every connection, both ways). Records queued on both sides
 * during the partition — a new warning on A, the receipt of an earlier one on B — fail with their
 * errors, then go through once it heals, each once.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect, type Server, type Socket } from "node:net";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import type { StixObject } from "../core/record/index.js";
import { deliveryOf, federatedPair, getJson, postRecord } from "../testing/federated-pair.js";
import { eventually, freePort, TocsinProcesses } from "../testing/tocsin-processes.js";

const procs = new TocsinProcesses();
const servers: Server[] = [];
after(async () => {
  for (const s of servers) s.close();
  await procs.cleanup();
});

function warningTo(authorId: string, recipient: string, name: string, offset = 0): StixObject {
  const at = Date.now() + offset;
  return buildWarning({ id: authorId }, { at, name, recipients: [recipient], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5 });
}

async function inboxIds(url: string, token: string, slug: string): Promise<string[]> {
  const res = await fetch(`${url}/taxii2/exchange/collections/inbox-${slug}/objects/?match[type]=report`, { headers: { authorization: `Bearer ${token}`, accept: "application/taxii+json;version=2.1" } });
  const env = (await res.json()) as { objects?: StixObject[] };
  return (env.objects ?? []).map((o) => String(o.id)).sort();
}

/** A TCP proxy to `target` that can cut every connection (a partition) and let them through again. */
async function partitionableProxy(target: number): Promise<{ url: string; cut(): void; heal(): void }> {
  const port = await freePort();
  let open = true;
  const live = new Set<Socket>();
  const server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(target, "127.0.0.1");
    live.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      open = false;
      for (const s of live) s.destroy();
    },
    heal() {
      open = true;
    },
  };
}

test("a partition between two nodes that heals: what each side queued meanwhile goes through, both ways", async () => {
  const proxies = new Map<"a" | "b", Awaited<ReturnType<typeof partitionableProxy>>>();
  // Each node reaches the other only through a proxy the test can cut.
  const { a, alice, bob, b } = await federatedPair(procs, {
    peerUrl: async (node, url) => {
      const proxy = await partitionableProxy(Number(new URL(url).port));
      proxies.set(node, proxy);
      return proxy.url;
    },
  });
  const first = warningTo(alice.id, bob.id, "before the partition");
  await postRecord(a.url, alice.token, first);
  await eventually("the first warning delivered", async () => ((await deliveryOf(a.url, alice.token, String(first.id)))?.state === "delivered" ? true : undefined));
  const copy = (await getJson(`${b.url}/api/v1/records/${first.id}`, bob.token)) as StixObject;

  for (const p of proxies.values()) p.cut();
  // During the partition: a new warning on A, and bob's receipt of the first one on B.
  const second = warningTo(alice.id, bob.id, "during the partition");
  await postRecord(a.url, alice.token, second);
  await postRecord(b.url, bob.token, buildReceipt({ id: bob.id }, copy, Date.now()));
  await eventually("both sides failing", async () => {
    const there = await deliveryOf(a.url, alice.token, String(second.id));
    const back = await deliveryOf(b.url, bob.token, String(first.id), "receipt");
    return there?.state === "failed" && back?.state === "failed" ? true : undefined;
  });

  for (const p of proxies.values()) p.heal();
  await eventually("the second warning delivered after the partition", async () => ((await deliveryOf(a.url, alice.token, String(second.id)))?.state === "delivered" ? true : undefined));
  await eventually("the receipt back on A, the first delivery receipted", async () => ((await deliveryOf(a.url, alice.token, String(first.id)))?.state === "receipted" ? true : undefined));
  assert.deepEqual(await inboxIds(b.url, bob.token, "bob"), [String(first.id), String(second.id)].sort());
});
