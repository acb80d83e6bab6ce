/**
 * Split views become evidence: a witness shown a fork refuses it and logs an alarm record; a node
 * gossiped a fork's checkpoint detects it against what it cosigned; hostile gossip is a coded 400.
 * Real nodes (SQLite and PostgreSQL) on loopback HTTP; the log is a test log outside them.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatVerifierKey, generateNoteSigner } from "../core/note/index.js";
import { SIGNATURE_EXT } from "../core/record/index.js";
import { formatAddCheckpointRequest, splitViewEvidenceOf, verifySplitView } from "../core/witness/index.js";
import { parseConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { silentServer } from "../testing/silent-server.js";
import { TestLog } from "../testing/test-log.js";
import { TocsinProcesses } from "../testing/tocsin-processes.js";
import { PinnedGossipPeers, StaticGossipPeers } from "./checkpoint-gossip.js";

interface Running {
  readonly node: TocsinNode;
  readonly url: string;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function start(engine: "sqlite" | "postgres", gossip: string[] = []): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-alarms-"));
  const db: TestDatabase | undefined = engine === "postgres" ? await createTestDatabase("alarms") : undefined;
  const node = await openNode(parseConfig({ dataDir: dir, checkWorkers: 0, ...(db ? { db: db.url } : {}) }), { gossipPeers: new StaticGossipPeers(gossip) });
  await node.startLeadership("http://127.0.0.1:0");
  const url = await node.app.listen({ host: "127.0.0.1", port: 0 });
  cleanups.push(async () => {
    await node.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { node, url };
}

const addCheckpoint = (w: Running, body: string) => fetch(`${w.url}/witness/add-checkpoint`, { method: "POST", headers: { "content-type": "text/plain" }, body });
const gossip = (w: Running, body: string) => fetch(`${w.url}/gossip/checkpoints`, { method: "POST", headers: { "content-type": "application/json" }, body });
const alarms = async (w: Running) => ((await (await fetch(`${w.url}/witness/alarms`)).json()) as { alarms: { id: string; origin: string; logIndex?: number; record: Record<string, unknown> }[] }).alarms;

/** Waits until the alarm is in the log (the sequencer commits it before the admission returns; this only guards timing). */
async function loggedAlarms(w: Running, n: number) {
  for (const deadline = Date.now() + 10_000; ; ) {
    const list = await alarms(w);
    if (list.length >= n && list.every((a) => a.logIndex !== undefined)) return list;
    assert.ok(Date.now() < deadline, `expected ${n} logged alarms, have ${JSON.stringify(list.map((a) => a.logIndex))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const engine of ["sqlite", "postgres"] as const) {
  test(`a witness shown a fork refuses it and logs one alarm per fork, verifiable offline (${engine})`, async () => {
    const w = await start(engine);
    const signer = generateNoteSigner(`example.com/forking-${engine}`);
    await w.node.witness.addLog(signer.name, formatVerifierKey(signer));
    const base = new TestLog(signer).grow(6);
    const log = base.clone().grow(1, "honest ");
    assert.equal((await addCheckpoint(w, log.request(0))).status, 200);

    // Same size, another root: 409 as the spec says, and an alarm with both notes.
    const sameSize = base.clone().grow(1, "fork ");
    assert.equal((await addCheckpoint(w, sameSize.request(7))).status, 409);
    // Shown again (a collector retrying): still one alarm.
    assert.equal((await addCheckpoint(w, sameSize.request(7))).status, 409);
    assert.equal((await addCheckpoint(w, sameSize.request(0))).status, 409);
    let list = await loggedAlarms(w, 1);
    assert.equal(list.length, 1);
    assert.equal(list[0]!.origin, signer.name);
    assert.equal(list[0]!.record.evidence, "same-size");
    assert.equal(list[0]!.record.detected_by, "witness");
    assert.equal(verifySplitView(splitViewEvidenceOf(list[0]!.record), formatVerifierKey(signer)).kind, "same-size");

    // A larger fork with its own (valid) proof from the cosigned size: 422, and an inconsistency alarm.
    const larger = base.clone().grow(6, "later fork ");
    assert.equal((await addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 7, proof: larger.tree.consistencyProof(7, 12), checkpoint: larger.checkpoint() }))).status, 422);
    // A garbled proof proves nothing: 422 and no alarm.
    assert.equal((await addCheckpoint(w, formatAddCheckpointRequest({ oldSize: 7, proof: [new Uint8Array(32)], checkpoint: larger.checkpoint() }))).status, 422);
    list = await loggedAlarms(w, 2);
    assert.equal(list.length, 2);
    assert.equal(list[1]!.record.evidence, "inconsistent");
    assert.equal(verifySplitView(splitViewEvidenceOf(list[1]!.record)).kind, "inconsistent");

    // The honest continuation is still cosigned; the state never moved to a fork.
    log.grow(3);
    assert.equal((await addCheckpoint(w, log.request(7))).status, 200);
    assert.deepEqual((await w.node.store.witnessedLog(signer.name))!.root, log.tree.rootAt());

    // The alarms are records in the node's own log, signed by the node's party, of kind witness-alarm:
    // what a log follower (the event stream's witness-alarm events) sees.
    const logged = await w.node.store.recordsAfter(-1, 100, "witness-alarm");
    assert.deepEqual(logged.map((r) => r.logIndex), list.map((a) => a.logIndex));
    for (const r of logged) {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      assert.equal(body.type, "x-tocsin-witness-alarm");
      assert.ok((body.extensions as Record<string, unknown>)[SIGNATURE_EXT], "the logged alarm carries the node's signature");
      assert.equal(verifySplitView(splitViewEvidenceOf(body)).origin, signer.name);
    }
    // Every party hears of them on its event stream (alarms are TLP:CLEAR): a witness-alarm event per alarm.
    const anyone = await w.node.registrar.create({ slug: "reader", name: "Reader", custodial: true });
    const page = await w.node.notifications.page(anyone.id, { log: 0, sub: 0, notice: 0 }, 1000);
    const told = page.events.filter((e) => e.data.type === "witness-alarm");
    assert.deepEqual(told.map((e) => e.data.logIndex), list.map((a) => a.logIndex));
    assert.match(told[0]!.data.summary, new RegExp(`split view of log example\\.com/forking-${engine} \\(same-size\\)`));
  });
}

test("gossip: a fork's checkpoint told to a node that cosigned the log is caught; the rounds push alarms on; hostile bodies are 400", async () => {
  const g = await start("sqlite");
  const w = await start("sqlite", [g.url]);
  const signer = generateNoteSigner("example.com/gossiped-log");
  for (const n of [w, g]) await n.node.witness.addLog(signer.name, formatVerifierKey(signer));
  const base = new TestLog(signer).grow(9);
  const log = base.clone().grow(2, "honest ");
  for (const n of [w, g]) assert.equal((await addCheckpoint(n, log.request(0))).status, 200);

  // Told directly: same size, another root → split-view; the log's own → consistent.
  const fork = base.clone().grow(2, "fork ");
  const told = await gossip(g, JSON.stringify({ checkpoints: [fork.checkpoint(), log.checkpoint()] }));
  assert.equal(told.status, 200);
  assert.deepEqual(((await told.json()) as { results: { verdict: string }[] }).results.map((r) => r.verdict), ["split-view", "consistent"]);
  assert.equal((await loggedAlarms(g, 1))[0]!.record.detected_by, "gossip");

  // Unknown origins and impostor signatures change nothing.
  const stranger = new TestLog(generateNoteSigner("example.com/stranger")).grow(3);
  const impostor = new TestLog(generateNoteSigner(signer.name)).grow(11);
  const verdicts = await gossip(g, JSON.stringify({ checkpoints: [stranger.checkpoint(), impostor.checkpoint()] }));
  assert.deepEqual(((await verdicts.json()) as { results: { verdict: string }[] }).results.map((r) => r.verdict), ["unknown-log", "untrusted"]);
  assert.equal((await alarms(g)).length, 1);

  // Hostile bodies: each a coded 400, nothing logged.
  for (const [body, codeWanted] of [
    ["not json", "HTTP_MALFORMED_JSON"],
    ["{}", "HTTP_BAD_REQUEST_BODY"],
    [JSON.stringify({ checkpoints: [] }), "HTTP_BAD_REQUEST_BODY"],
    [JSON.stringify({ checkpoints: Array(65).fill(log.checkpoint()) }), "HTTP_BAD_REQUEST_BODY"],
    [JSON.stringify({ checkpoints: [1] }), "GOSSIP_BAD_REQUEST"],
    [JSON.stringify({ checkpoints: ["not a note"] }), "GOSSIP_BAD_REQUEST"],
    [JSON.stringify({ checkpoints: [log.checkpoint(), "example.com/x\n\n"] }), "GOSSIP_BAD_REQUEST"],
  ] as const) {
    const res = await gossip(g, body);
    assert.equal(res.status, 400, body.slice(0, 60));
    assert.equal(((await res.json()) as { code: string }).code, codeWanted, body.slice(0, 60));
  }
  assert.equal((await alarms(g)).length, 1);

  // W is shown the fork as a witness, then one gossip round pushes both sides of its alarm to G.
  const other = base.clone().grow(2, "other fork ");
  assert.equal((await addCheckpoint(w, other.request(11))).status, 409);
  assert.equal((await loggedAlarms(w, 1)).length, 1);
  await w.node.gossip.tick();
  const atG = await loggedAlarms(g, 2);
  assert.equal(atG.length, 2);
  assert.equal(verifySplitView(splitViewEvidenceOf(atG[1]!.record)).forkKey, verifySplitView(splitViewEvidenceOf((await alarms(w))[0]!.record)).forkKey);
});

test("the gossip peers are the serve --gossip URLs and the pinned peer nodes, read at each round", async () => {
  // A loopback peer that only counts the checkpoint pulls it receives.
  let pulls = 0;
  const peer = createServer((req, res) => {
    if (req.url === "/log/checkpoint") pulls++;
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => peer.listen(0, "127.0.0.1", r));
  const peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((r) => peer.close(() => r())));

  const dir = mkdtempSync(join(tmpdir(), "tocsin-gossip-peers-"));
  const node = await openNode(parseConfig({ dataDir: dir, checkWorkers: 0, gossip: ["http://127.0.0.1:9/"] }));
  cleanups.push(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const peers = new PinnedGossipPeers(node.store, ["http://127.0.0.1:9/"]);
  assert.deepEqual(await peers.urls(), ["http://127.0.0.1:9"], "the configured URL, without its trailing slash");

  // `tocsin peer add` pins a peer while the node runs: the next round pulls from it too.
  const at = new Date().toISOString();
  await node.store.savePeer({ origin: "example.com/peer", url: `${peerUrl}/`, vkey: "unused", nodeParty: "identity--00000000-0000-4000-8000-000000000001", keyHistory: "[]", checkpoint: "", addedAt: at, updatedAt: at }, []);
  assert.deepEqual(await peers.urls(), ["http://127.0.0.1:9", peerUrl]);
  await node.gossip.tick();
  assert.ok(pulls >= 1, "the node's own round reached the pinned peer");
});

test("a peer that answers nothing (a cut link) does not hold up gossip with the others", async () => {
  const silent = await silentServer();
  cleanups.push(() => silent.close());
  // A peer that counts the pulls it is asked.
  let pulls = 0;
  const peer = createServer((req, res) => {
    if (req.url === "/log/checkpoint") pulls++;
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => peer.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => peer.close(() => r())));

  const dir = mkdtempSync(join(tmpdir(), "tocsin-gossip-silent-"));
  const node = await openNode(parseConfig({ dataDir: dir, checkWorkers: 0, gossip: [silent.url, `http://127.0.0.1:${(peer.address() as AddressInfo).port}`], gossipIntervalMs: 50 }));
  cleanups.push(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((r) => setTimeout(r, 1_500));
  // Rounds every 50 ms; the silent peer's exchange waits out its 5 s timeout meanwhile. Were the rounds
  // held up by it, the counting peer would have been asked once.
  assert.ok(pulls >= 5, `the answering peer was pulled ${pulls} times in 1.5 s`);
  assert.ok(silent.held.size >= 1 && silent.held.size <= 2, `one exchange at a time with the silent peer (${silent.held.size} connections held)`);
});

test("gossip checks a checkpoint of another size at the URL the operator gave (tocsin witness add-log --url): a fork shown at another size is caught and the alarm logged", async () => {
  const signer = generateNoteSigner("example.com/url-given");
  const vkey = formatVerifierKey(signer);
  const base = new TestLog(signer).grow(9);
  const honest = base.clone().grow(2, "honest ");
  // The log's own server, as a Tocsin node answers: its latest checkpoint and consistency proofs of its history.
  let proofsServed = 0;
  const logServer = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    if (u.pathname === "/log/checkpoint") return void res.writeHead(200, { "content-type": "text/plain" }).end(honest.checkpoint());
    if (u.pathname === "/log/proof/consistency") {
      proofsServed++;
      const hashes = honest.tree.consistencyProof(Number(u.searchParams.get("from")), Number(u.searchParams.get("to"))).map((h) => Buffer.from(h).toString("hex"));
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hashes }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => logServer.listen(0, "127.0.0.1", r));
  const logUrl = `http://127.0.0.1:${(logServer.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((r) => logServer.close(() => r())));

  // G has no gossip peer: nobody reveals the log's URL to it. The operator adds the log with the CLI.
  const dir = mkdtempSync(join(tmpdir(), "tocsin-log-url-"));
  const procs = new TocsinProcesses();
  await procs.ok(["witness", "add-log", signer.name, vkey, "--data", dir]);
  const node = await openNode(parseConfig({ dataDir: dir, checkWorkers: 0 }), { gossipPeers: new StaticGossipPeers([]) });
  await node.startLeadership("http://127.0.0.1:0");
  const g: Running = { node, url: await node.app.listen({ host: "127.0.0.1", port: 0 }) };
  cleanups.push(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal((await addCheckpoint(g, honest.request(0))).status, 200);
  honest.grow(4, "honest later ");
  // A fork shown at another size (15, branching off at 9) than the one G cosigned (11).
  const fork = base.clone().grow(6, "fork ");
  const verdicts = async (notes: string[]) => ((await (await gossip(g, JSON.stringify({ checkpoints: notes }))).json()) as { results: { verdict: string }[] }).results.map((r) => r.verdict);
  assert.deepEqual(await verdicts([fork.checkpoint()]), ["unchecked"], "without the log's URL, another size cannot be decided");
  assert.equal(proofsServed, 0);
  assert.equal((await alarms(g)).length, 0);

  // The operator gives the log's URL: a bad one is refused (usage, exit 2), a good one stored.
  const bad = await procs.run(["witness", "add-log", signer.name, vkey, "--url", "ftp://example.com/x", "--data", dir]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /WITNESS_BAD_REQUEST/);
  assert.match(await procs.ok(["witness", "add-log", signer.name, vkey, "--url", `${logUrl}/`, "--data", dir]), /proofs from/);
  assert.equal(await node.store.witnessedLogUrl(signer.name), logUrl, "stored without its trailing slash");
  assert.deepEqual((await node.store.witnessedLog(signer.name))!.root, honest.tree.rootAt(11), "what was cosigned is kept");

  // Now the proof from 11 to 15 is fetched there: it leads to the log's own root at 15, not the fork's;
  // against the log's latest checkpoint (15) the fork is a same-size split view. The alarm is logged.
  assert.deepEqual(await verdicts([fork.checkpoint(), honest.checkpoint()]), ["split-view", "consistent"]);
  assert.ok(proofsServed >= 1);
  const [alarm] = await loggedAlarms(g, 1);
  assert.equal(alarm!.record.detected_by, "gossip");
  assert.equal(alarm!.origin, signer.name);
  assert.equal(verifySplitView(splitViewEvidenceOf(alarm!.record), vkey).origin, signer.name);
  // A larger honest checkpoint told later is consistent with what G cosigned, through the same URL.
  honest.grow(3, "honest latest ");
  assert.deepEqual(await verdicts([honest.checkpoint()]), ["consistent"]);
  assert.equal((await alarms(g)).length, 1);
});
