/**
 * Several node processes on one PostgreSQL database, under load, with the sequencing process killed
 * (kill -9) and later a sequencing process paused (SIGSTOP) past its lease and resumed: another process
 * takes over within the target (< 5 s), every acknowledged entry is in the log at its index, the paused
 * leader's late appends are fenced off, `tocsin log audit` is clean, and no two published checkpoints
 * of one size differ.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { bytesEqual, fromHex, toHex } from "../core/crypto/bytes.js";
import { buildWarning } from "../client/record-builders.js";
import { MemoryTree, hashLeaf } from "../core/merkle/index.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { appendEntries, cleanup, getCheckpointNote, httpExchange, logVerifier, openNote, runCli, startServer, tempDir, type RunningServer } from "./harness.js";

const LEASE_TTL_MS = 2_000;
const FAILOVER_TARGET_MS = 5_000;
const CLIENTS = 6;

let db: TestDatabase | undefined;
after(async () => {
  await cleanup();
  await db?.drop();
});

interface Observed {
  readonly acked: Map<number, Buffer>;
  /** Signed records acknowledged (201/200): digest → log index. */
  readonly records: Map<string, number>;
  readonly notes: Set<string>;
  readonly errors: string[];
  failed: number;
}

/** Clients spread over every live server; a failed request is simply not acknowledged. */
function startLoad(servers: () => RunningServer[], o: Observed, author: { id: string; token: string; recipient: string }) {
  let stopped = false;
  const agent = new Agent({ keepAlive: true });
  const client = async (): Promise<void> => {
    while (!stopped) {
      const live = servers();
      const base = live[randomInt(live.length)]!.url;
      const entries = Array.from({ length: Math.random() < 0.5 ? 1 : 20 }, () => randomBytes(16 + randomInt(32)));
      try {
        const res = await appendEntries(base, entries, agent);
        res.forEach((r, i) => {
          if (r.leafHash !== toHex(hashLeaf(entries[i]!))) o.errors.push(`index ${r.index}: wrong leaf hash acknowledged`);
          const prev = o.acked.get(r.index);
          if (prev && !prev.equals(entries[i]!)) o.errors.push(`index ${r.index} acknowledged for two different entries`);
          o.acked.set(r.index, entries[i]!);
        });
      } catch {
        o.failed++;
        await sleep(20);
      }
    }
  };
  const poller = async (): Promise<void> => {
    while (!stopped) {
      for (const s of servers()) {
        try {
          o.notes.add(await getCheckpointNote(s.url, agent));
        } catch {
          /* a server being killed */
        }
      }
      await sleep(20);
    }
  };
  // Signed records too (custodial author: the node signs), admitted by whichever process gets them.
  const recordClient = async (): Promise<void> => {
    while (!stopped) {
      const live = servers();
      const base = live[randomInt(live.length)]!.url;
      const at = Date.now() - 1_000;
      const w = buildWarning({ id: author.id }, { at, name: `Load ${randomInt(1e9)}`, recipients: [author.recipient], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "CLEAR" });
      try {
        const r = await httpExchange(`${base}/api/v1/records`, { method: "POST", body: JSON.stringify(w), headers: { authorization: `Bearer ${author.token}` }, agent });
        if (r.status === 201) {
          const rec = JSON.parse(r.body).records[0];
          o.records.set(rec.digest, rec.index);
        } else o.failed++;
      } catch {
        o.failed++;
        await sleep(20);
      }
    }
  };
  const done = Promise.all([...Array.from({ length: CLIENTS }, client), recordClient(), recordClient(), poller()]);
  return {
    async stop() {
      stopped = true;
      await done;
      agent.destroy();
    },
  };
}

/** Polls `ok` every 25 ms until it holds or `timeoutMs` passes (the caller's assertion then says what failed). */
async function waitUntil(ok: () => boolean, timeoutMs: number): Promise<void> {
  const start = performance.now();
  while (!ok() && performance.now() - start < timeoutMs) await sleep(25);
}

/** The PID in the lease holder (`host:pid:nonce URL`), once the lease is live and held by one of `candidates`. */
async function waitForLeader(store: PgStore, candidates: RunningServer[], notPid: number, timeoutMs: number): Promise<{ server: RunningServer; ms: number; epoch: number }> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const lease = await store.currentLease();
    if (lease && lease.expiresAt > Date.now()) {
      const pid = Number(lease.holder.split(":")[1]);
      const server = candidates.find((s) => s.pid === pid);
      if (server && pid !== notPid) return { server, ms: performance.now() - start, epoch: lease.epoch };
    }
    await sleep(25);
  }
  throw new Error(`no new leader within ${timeoutMs} ms`);
}

test("postgres: three processes, the sequencer killed then paused under load — takeover < 5 s, nothing acknowledged lost, audit clean", { timeout: 120_000 }, async () => {
  db = await createTestDatabase("failover");
  const dir = tempDir("pg-failover");
  const args = ["--db", db.url, "--lease-ttl", String(LEASE_TTL_MS), "--internal-append"];
  const author = JSON.parse((await runCli(["party", "create", "src", "--name", "Source", "--custodial", "--data", dir, "--db", db.url])).stdout);
  const recipient = JSON.parse((await runCli(["party", "create", "dst", "--name", "Dest", "--data", dir, "--db", db.url])).stdout);
  const a = await startServer(dir, args);
  const b = await startServer(dir, args);
  const c = await startServer(dir, args);
  let live = [a, b, c];
  const store = await PgStore.open(db.url, { poolSize: 1 });
  // Stopped in `finally` too: a failed assertion must not leave the clients looping (the file would never end).
  let load: { stop(): Promise<void> } | undefined;
  try {
    const first = await waitForLeader(store, live, -1, 5_000);
    assert.equal(first.server, a, "the first process to start sequences");
    const o: Observed = { acked: new Map(), records: new Map(), notes: new Set(), errors: [], failed: 0 };
    load = startLoad(() => live, o, { id: author.id, token: author.token, recipient: recipient.id });
    // Load for 1.5 s, longer on a busy machine: the kill must come after some acknowledged appends.
    await sleep(1_500);
    await waitUntil(() => o.acked.size > 0, 15_000);

    // 1. kill -9 the sequencing process under load.
    const before = o.acked.size;
    assert.ok(before > 0, "appends were acknowledged before the kill");
    await a.kill9();
    live = [b, c];
    const second = await waitForLeader(store, live, a.pid, FAILOVER_TARGET_MS);
    assert.ok(second.epoch > first.epoch, "a takeover raises the fencing epoch");
    const ackedAtTakeover = o.acked.size;
    await sleep(1_500);
    await waitUntil(() => o.acked.size > ackedAtTakeover, 15_000);
    assert.ok(o.acked.size > ackedAtTakeover, "appends are acknowledged again after the takeover");

    // 2. Pause the new leader (a long GC pause, a frozen VM) past its lease, then let it run again.
    second.server.child.kill("SIGSTOP");
    const survivor = live.find((s) => s !== second.server)!;
    const third = await waitForLeader(store, [survivor], second.server.pid, LEASE_TTL_MS + FAILOVER_TARGET_MS);
    assert.ok(third.epoch > second.epoch);
    await sleep(1_000);
    second.server.child.kill("SIGCONT");
    await sleep(1_500);
    await load.stop();
    assert.deepEqual(o.errors, []);

    // Whatever the paused process had in flight was fenced: the log has no gap, no fork, every ack.
    const leaves = (await store.pool.query("SELECT idx, data, hash FROM log_leaf ORDER BY idx")).rows as { idx: number; data: Buffer; hash: Buffer }[];
    assert.equal(await store.logSize(), leaves.length);
    leaves.forEach((l, i) => assert.equal(l.idx, i, `no gap at ${i}`));
    for (const [index, data] of o.acked) {
      assert.ok(leaves[index], `acknowledged entry ${index} missing (log size ${leaves.length})`);
      assert.ok(leaves[index]!.data.equals(data), `acknowledged entry ${index} holds other data`);
    }
    assert.ok(o.records.size > 0, "signed records were acknowledged");
    for (const [digest, index] of o.records) {
      const stored = await store.recordByDigest(fromHex(digest)!);
      assert.equal(stored?.logIndex, index, `acknowledged record ${digest} is stored at its index`);
    }
    const tree = new MemoryTree();
    for (const l of leaves) tree.appendLeafHash(l.hash);
    const verifier = logVerifier(dir);
    const rootBySize = new Map<number, Uint8Array>();
    for (const note of o.notes) {
      const cp = openNote(note, verifier);
      const seen = rootBySize.get(cp.size);
      assert.ok(!seen || bytesEqual(seen, cp.rootHash), `two different checkpoints published for size ${cp.size}`);
      rootBySize.set(cp.size, cp.rootHash);
      if (cp.size > 0) assert.ok(bytesEqual(cp.rootHash, tree.rootAt(cp.size)), `checkpoint ${cp.size} matches the log`);
    }
    const audit = await runCli(["log", "audit", "--data", dir, "--db", db.url, "--json"]);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.equal(JSON.parse(audit.stdout).ok, true);
    // The resumed process is a follower now and still serves and admits correctly.
    const late = await appendEntries(second.server.url, [randomBytes(20)]);
    assert.equal(late[0]!.index, leaves.length);
    process.stdout.write(
      `# failover after kill -9: ${second.ms.toFixed(0)} ms; after a pause past the lease: ${third.ms.toFixed(0)} ms; ` +
        `${o.acked.size} entries and ${o.records.size} signed records acknowledged, ${o.failed} requests failed, ${rootBySize.size} checkpoints seen\n`,
    );
  } finally {
    await load?.stop();
    await store.close();
  }
});

