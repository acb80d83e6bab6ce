/**
 * A partition between two nodes that heals, with real processes: each node reaches the other only
 * through a TCP proxy the test can cut (every connection, both ways). Records queued on both sides
 * during the partition — a new warning on A, the receipt of an earlier one on B — fail with their
 * errors, then go through once it heals, each once. And a link that goes silent (connections taken,
 * nothing answered, as over a cut cable): the delivery fails after `--delivery-timeout`, not later,
 * and holds up no delivery to another peer meanwhile.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/**
 * A TCP proxy to `target` that can cut every connection (a partition: refused at once), go silent (new
 * connections are taken and held, nothing is forwarded or answered: what a sender sees over a cut
 * link, where not even a refusal comes back) and let them through again.
 */
async function partitionableProxy(target: number): Promise<{ url: string; cut(): void; silence(): void; heal(): void }> {
  const port = await freePort();
  let open = true;
  let silent = false;
  const live = new Set<Socket>();
  const server = createServer((client) => {
    if (silent) {
      live.add(client);
      client.on("error", () => live.delete(client)).on("close", () => live.delete(client));
      return;
    }
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
    silence() {
      silent = true;
      for (const s of live) s.destroy();
    },
    heal() {
      open = true;
      silent = false;
      for (const s of live) s.destroy();
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

test("a link gone silent (nothing refused, nothing answered): the delivery fails after --delivery-timeout, then goes through once the link is back", async () => {
  const timeoutMs = 800;
  let proxy: Awaited<ReturnType<typeof partitionableProxy>> | undefined;
  const { a, alice, bob, b } = await federatedPair(procs, {
    serveArgs: ["--delivery-timeout", String(timeoutMs)],
    peerUrl: async (node, url) => {
      if (node === "a") return url;
      proxy = await partitionableProxy(Number(new URL(url).port));
      return proxy.url;
    },
  });
  proxy!.silence();
  const warning = warningTo(alice.id, bob.id, "over a silent link");
  const posted = performance.now();
  await postRecord(a.url, alice.token, warning);
  const failed = await eventually("the delivery failing", async () => {
    const d = await deliveryOf(a.url, alice.token, String(warning.id));
    return d?.state === "failed" ? d : undefined;
  }, 8_000);
  const noticedMs = performance.now() - posted;
  assert.match(failed.lastError ?? "", /timeout|abort/i);
  // The node's default (10 s) would not have failed it yet: the option is what decided.
  assert.ok(noticedMs >= timeoutMs && noticedMs < 5_000, `noticed after ${noticedMs.toFixed(0)} ms`);
  proxy!.heal();
  await eventually("the warning delivered once the link is back", async () => ((await deliveryOf(a.url, alice.token, String(warning.id)))?.state === "delivered" ? true : undefined));
  assert.deepEqual(await inboxIds(b.url, bob.token, "bob"), [String(warning.id)]);
});

test("a peer behind a silent link does not hold up deliveries to the other peers", async () => {
  // A and B pinned to each other directly; a third node C, hosting carol, pinned by A through a proxy
  // that goes silent. The delivery timeout is the default (10 s).
  const { a, alice, bob, b } = await federatedPair(procs);
  const dirC = procs.track(mkdtempSync(join(tmpdir(), "tocsin-fed-c-")));
  const carol = JSON.parse(await procs.ok(["party", "create", "carol", "--name", "Carol", "--custodial", "--data", dirC])) as { id: string };
  const portC = await freePort();
  await procs.serve(["--data", dirC, "--port", String(portC)]);
  const toC = await partitionableProxy(portC);
  await procs.ok(["peer", "add", toC.url, "--data", a.dir]);
  toC.silence();

  const stuck = warningTo(alice.id, carol.id, "to carol, over the silent link");
  await postRecord(a.url, alice.token, stuck);
  // A's delivery to C is under way and will wait out its timeout; one to B meanwhile must not wait with it.
  await new Promise((r) => setTimeout(r, 300));
  const meanwhile = warningTo(alice.id, bob.id, "to bob, meanwhile", 1);
  const posted = performance.now();
  await postRecord(a.url, alice.token, meanwhile);
  await eventually("the warning to bob delivered", async () => ((await deliveryOf(a.url, alice.token, String(meanwhile.id)))?.state === "delivered" ? true : undefined), 5_000);
  const deliveredMs = performance.now() - posted;
  assert.ok(deliveredMs < 5_000, `delivered to B ${deliveredMs.toFixed(0)} ms after the post`);
  assert.notEqual((await deliveryOf(a.url, alice.token, String(stuck.id)))?.state, "delivered", "C's delivery is still waiting for an answer");
  assert.deepEqual(await inboxIds(b.url, bob.token, "bob"), [String(meanwhile.id)]);
});
