/**
 * Federation between nodes that each run several processes on their own PostgreSQL database, with real
 * processes: node A (processes A1, A2 on database A) and node B (B1, B2 on database B) pin each other,
 * witness each other's logs (2 of 2) and gossip. A's outbox, witness collector and gossip run in the
 * process holding A's sequencing lease; A1 holds it and is killed (SIGKILL) while it is delivering a
 * stream of warnings that parties keep posting through A2. A2 takes the lease and the outbox over:
 * every warning reaches B's TAXII inbox (through B's non-sequencing process) once — B's log grows by
 * exactly one leaf per warning — a receipt comes back to A and the delivery reads `receipted`, and A's
 * bundle audits clean with A's and B's proofs and a 2-of-2 witness quorum. Then a stale lease holder:
 * A1 is back, A2 (holding the lease, delivering) is paused past its lease and resumed after A1 took
 * over — its late resends and late state writes leave every warning at B once and every state as it was.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import { formatVerifierKey, parseSignerKey, verifierFromSigner } from "../core/note/index.js";
import type { StixObject } from "../core/record/index.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { deliveryOf, getJson, type PairParty } from "../testing/federated-pair.js";
import { eventually, freePort, TocsinProcesses, type ServedNode } from "../testing/tocsin-processes.js";

const procs = new TocsinProcesses();
const databases: TestDatabase[] = [];
after(async () => {
  await procs.cleanup();
  for (const db of databases) await db.drop();
});

const WARNINGS = 30;

function warningTo(authorId: string, recipient: string, name: string, offset: number): StixObject {
  const at = Date.now() + offset;
  return buildWarning({ id: authorId }, { at, name, recipients: [recipient], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5 });
}

/** Posts a record, retrying while the node's processes hand the lease over (a re-post is answered "already logged"). */
async function postSurely(url: string, token: string, body: unknown): Promise<void> {
  await eventually(
    "the record admitted",
    async () => {
      const res = await fetch(`${url}/api/v1/records`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status === 200 || res.status === 201) return true;
      assert.ok(res.status >= 500, `refused: ${res.status} ${text}`);
      return undefined;
    },
    15_000,
  );
}

async function inboxIds(url: string, token: string, slug: string): Promise<string[]> {
  const res = await fetch(`${url}/taxii2/exchange/collections/inbox-${slug}/objects/?match[type]=report`, { headers: { authorization: `Bearer ${token}`, accept: "application/taxii+json;version=2.1" } });
  const env = (await res.json()) as { objects?: StixObject[] };
  return (env.objects ?? []).map((o) => String(o.id)).sort();
}

/** The PID of the process holding a database's sequencing lease (holder `host:pid:nonce URL`). */
async function leaseHolderPid(db: TestDatabase): Promise<number | undefined> {
  const store = await PgStore.open(db.url, { poolSize: 1 });
  try {
    const lease = await store.currentLease();
    return lease && lease.expiresAt > Date.now() ? Number(lease.holder.split(":")[1]) : undefined;
  } finally {
    await store.close();
  }
}

async function logSize(db: TestDatabase): Promise<number> {
  const store = await PgStore.open(db.url, { poolSize: 1 });
  try {
    return await store.logSize();
  } finally {
    await store.close();
  }
}

test("postgres: A and B each on their own database with two processes; A's sequencing process killed mid-delivery: nothing lost, nothing twice, receipted, 2-of-2 audit", { timeout: 240_000 }, async (t) => {
  const [dbA, dbB] = await Promise.all([createTestDatabase("feda"), createTestDatabase("fedb")]);
  databases.push(dbA, dbB);
  const dirA = procs.track(mkdtempSync(join(tmpdir(), "tocsin-fedpg-a-")));
  const dirB = procs.track(mkdtempSync(join(tmpdir(), "tocsin-fedpg-b-")));
  const [alice, bob] = await Promise.all([
    procs.ok(["party", "create", "alice", "--name", "Alice", "--custodial", "--data", dirA, "--db", dbA.url]).then((s) => JSON.parse(s) as PairParty),
    procs.ok(["party", "create", "bob", "--name", "Bob", "--custodial", "--data", dirB, "--db", dbB.url]).then((s) => JSON.parse(s) as PairParty),
  ]);
  const [pa1, pa2, pb1, pb2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // Each node witnesses both logs; its witness answers at its second process (any process of a node answers alike).
  const logKey = (dir: string) => formatVerifierKey(verifierFromSigner(parseSignerKey(readFileSync(join(dir, "log.key"), "utf8").trim())));
  const [logA, logB] = [logKey(dirA), logKey(dirB)];
  const [wA, wB] = (await Promise.all([procs.ok(["witness", "key", "--data", dirA]), procs.ok(["witness", "key", "--data", dirB])])).map((s) => s.trim()) as [string, string];
  for (const [dir, db] of [[dirA, dbA], [dirB, dbB]] as const) for (const vkey of [logA, logB]) await procs.ok(["witness", "add-log", vkey.split("+")[0]!, vkey, "--data", dir, "--db", db.url]);
  const witnessArgs = ["--witness", `http://127.0.0.1:${pa2}/witness=${wA}`, "--witness", `http://127.0.0.1:${pb2}/witness=${wB}`, "--witness-quorum", "2", "--witness-interval", "100"];
  const serve = (dir: string, db: TestDatabase, port: number): Promise<ServedNode> =>
    procs.serve(["--data", dir, "--db", db.url, "--port", String(port), "--lease-ttl", "2000", "--outbox-interval", "50", "--delivery-backoff-cap", "400", "--gossip-interval", "500", ...witnessArgs]);
  // The first process of each node takes the lease; the second joins as a follower.
  const a1 = await serve(dirA, dbA, pa1);
  const b1 = await serve(dirB, dbB, pb1);
  assert.equal(await eventually("A1 sequencing", async () => ((await leaseHolderPid(dbA)) === a1.child.pid ? true : undefined)), true);
  assert.equal(await eventually("B1 sequencing", async () => ((await leaseHolderPid(dbB)) === b1.child.pid ? true : undefined)), true);
  const [a2, b2] = await Promise.all([serve(dirA, dbA, pa2), serve(dirB, dbB, pb2)]);
  // On failure, what each process said (a process that died says why).
  let passed = false;
  t.after(() => {
    if (!passed) for (const [name, p] of Object.entries({ a1, a2, b1, b2 })) if (p.child.exitCode !== null || p.child.signalCode !== null || p.stderr()) console.error(`${name} (exit ${p.child.exitCode ?? p.child.signalCode}): ${p.stderr().slice(-2000)}\n${p.stdout().slice(-3000)}`);
  });
  const [urlA2, urlB2] = [`http://127.0.0.1:${pa2}`, `http://127.0.0.1:${pb2}`];
  // Each node pins the other at its follower process.
  const [pinnedB, pinnedA] = await Promise.all([
    procs.ok(["peer", "add", urlB2, "--data", dirA, "--db", dbA.url, "--json"]),
    procs.ok(["peer", "add", urlA2, "--data", dirB, "--db", dbB.url, "--json"]),
  ]);
  const [originA, originB] = [(JSON.parse(pinnedA) as { origin: string }).origin, (JSON.parse(pinnedB) as { origin: string }).origin];

  // A stream of warnings through A2, all addressed to bob on B. Once B holds some, A1 — the process
  // holding A's lease, so the one whose outbox sends — is killed with whatever it is sending.
  const sizeB = await logSize(dbB);
  const warnings = Array.from({ length: WARNINGS }, (_, i) => warningTo(alice.id, bob.id, `stream ${i}`, i));
  let killedAt: { posted: number; atB: number } | undefined;
  let kill: Promise<void> | undefined;
  for (let i = 0; i < warnings.length; i++) {
    await postSurely(urlA2, alice.token, warnings[i]);
    if (!kill && i >= 5) {
      // (A failed look — a keep-alive connection closed under load — only puts the kill off.)
      const atB = (await inboxIds(urlB2, bob.token, "bob").catch(() => [])).length;
      if (atB > 0 || i >= WARNINGS - 5) {
        killedAt = { posted: i + 1, atB };
        kill = a1.kill();
      }
    }
  }
  await kill;
  const lastPostedMs = Date.now();
  assert.ok(killedAt, "A1 was killed");
  // A2 holds the lease now, so it runs the outbox.
  await eventually("A2 sequencing", async () => ((await leaseHolderPid(dbA)) === a2.child.pid ? true : undefined));
  for (const w of warnings) await eventually(`${String(w.name)} delivered`, async () => ((await deliveryOf(urlA2, alice.token, String(w.id)))?.state === "delivered" ? true : undefined), 30_000);
  const deliveredMs = Date.now() - lastPostedMs;
  // Nothing lost, nothing twice: B's inbox holds each once, and B's log grew by one leaf per warning.
  assert.deepEqual(await inboxIds(urlB2, bob.token, "bob"), warnings.map((w) => String(w.id)).sort());
  assert.equal(await logSize(dbB), sizeB + WARNINGS, `B's log: one leaf per warning (killed after ${killedAt.posted} posted, ${killedAt.atB} at B)`);

  // Bob receipts one of them on B1 (B's sequencing process); B's outbox sends it to A2; A's delivery reads receipted.
  const target = warnings[killedAt.posted - 1]!;
  const copy = (await getJson(`${urlB2}/api/v1/records/${target.id}`, bob.token)) as StixObject;
  await postSurely(`http://127.0.0.1:${pb1}`, bob.token, buildReceipt({ id: bob.id }, copy, Date.now()));
  await eventually("the delivery receipted on A", async () => ((await deliveryOf(urlA2, alice.token, String(target.id)))?.state === "receipted" ? true : undefined), 30_000);
  const timeline = await getJson(`${urlA2}/api/v1/warnings/${target.id}/timeline`, alice.token);
  assert.deepEqual(timeline.entries.map((e: { kind: string }) => e.kind), ["warning", "receipt"]);

  // A's latest checkpoint, covering the receipt, cosigned by both witnesses (A2 collects now).
  await eventually("A's checkpoint covering the receipt cosigned by both witnesses", async () => {
    const note = await (await fetch(`${urlA2}/log/checkpoint`)).text();
    return (note.match(/^— /gm) ?? []).length >= 3 && Number(note.split("\n")[1]) >= timeline.entries.at(-1).index + 1 ? true : undefined;
  }, 30_000);
  const bundleFile = join(dirA, "bundle.json");
  await procs.ok(["export-bundle", "--warning", String(target.id), "--data", dirA, "--db", dbA.url, "--out", bundleFile]);
  const bundle = JSON.parse(readFileSync(bundleFile, "utf8")) as { origins?: { origin: string }[] };
  assert.deepEqual(bundle.origins?.map((o) => o.origin), [originB]);
  const audit = await procs.run(["audit", bundleFile, "--log-key", logA, "--peer-log-key", logB, "--witness", wA, "--witness", wB, "--quorum", "2"]);
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  assert.match(audit.stdout, /origin proofs: 1 record\(s\) from 1 other log/);
  assert.match(audit.stdout, /witness quorum: 2 of 2 required cosigned checkpoint/);
  // B's bundle of the same warning proves the warning in A's log.
  const fromB = await getJson(`${urlB2}/api/v1/warnings/${target.id}/bundle`, bob.token);
  assert.equal(fromB.origins[0].origin, originA);

  // A stale lease holder: A1 comes back (a follower now); more warnings go out through it; A2 — the
  // holder, whose outbox is sending them — is paused (SIGSTOP) past its lease. A1 takes the lease and
  // the outbox over and delivers them all; then A2 runs again and its paused round finishes late. Its
  // late resends are answered "already logged" and its late state writes change nothing: each warning
  // is at B once, every delivery stays delivered, the receipted one stays receipted.
  const a1again = await serve(dirA, dbA, pa1);
  const urlA1 = `http://127.0.0.1:${pa1}`;
  const sizeB2 = await logSize(dbB);
  const more = Array.from({ length: 10 }, (_, i) => warningTo(alice.id, bob.id, `while A2 pauses ${i}`, WARNINGS + i));
  for (const w of more) await postSurely(urlA1, alice.token, w);
  a2.child.kill("SIGSTOP");
  const resumed = (async () => {
    await eventually("A1 sequencing again", async () => ((await leaseHolderPid(dbA)) === a1again.child.pid ? true : undefined), 30_000);
    for (const w of more) await eventually(`${String(w.name)} delivered`, async () => ((await deliveryOf(urlA1, alice.token, String(w.id)))?.state === "delivered" ? true : undefined), 30_000);
  })();
  try {
    await resumed;
  } finally {
    a2.child.kill("SIGCONT");
  }
  // A2's late round (its requests time out after at most 10 s) has finished by then.
  await new Promise((r) => setTimeout(r, 3_000));
  await eventually("A2 following, its outbox stopped", async () => ((await leaseHolderPid(dbA)) === a1again.child.pid ? true : undefined));
  for (const w of more) assert.equal((await deliveryOf(urlA1, alice.token, String(w.id)))?.state, "delivered", String(w.name));
  assert.equal((await deliveryOf(urlA1, alice.token, String(target.id)))?.state, "receipted");
  assert.equal(await logSize(dbB), sizeB2 + more.length, "B's log: one leaf per warning, whoever sent it and however late");
  assert.deepEqual(await inboxIds(urlB2, bob.token, "bob"), [...warnings, ...more].map((w) => String(w.id)).sort());

  await Promise.all([a1again.stop(), a2.stop(), b1.stop(), b2.stop()]);
  await Promise.all([procs.ok(["log", "audit", "--data", dirA, "--db", dbA.url]), procs.ok(["log", "audit", "--data", dirB, "--db", dbB.url])]);
  t.diagnostic(`A1 killed after ${killedAt.posted} of ${WARNINGS} warnings posted, ${killedAt.atB} of them at B; the rest posted through A2 meanwhile; all delivered ${deliveredMs} ms after the last post`);
  passed = true;
});
