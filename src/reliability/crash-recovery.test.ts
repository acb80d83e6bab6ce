/**
 * Crash recovery of the real server: concurrent clients append over HTTP, the server is killed with
 * SIGKILL mid-load, restarted on the same data directory, and everything it acknowledged or published
 * before the kill must still hold afterwards.
 */
import { after, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { bytesEqual, toHex } from "../core/crypto/bytes.js";
import { EMPTY_ROOT, MemoryTree, hashLeaf, verifyConsistency } from "../core/merkle/index.js";
import type { NoteVerifier } from "../core/note/index.js";
import {
  appendEntries,
  auditJson,
  cleanup,
  getCheckpointNote,
  existingEntries,
  getConsistencyProof,
  getEntry,
  logVerifier,
  openDbReadonly,
  openDbWritable,
  openNote,
  readAllLeaves,
  readHead,
  startServer,
  tempDir,
  type RunningServer,
} from "./harness.js";

after(cleanup);

const CLIENTS = 16;
/** The sequencer's default lease TTL (not configurable from the CLI). */
const LEASE_TTL_MS = 5_000;

/** What the clients saw: acknowledged appends, failed requests, published checkpoints. */
interface Observed {
  /** index → leaf data, for every append the server answered 200. */
  readonly acked: Map<number, Buffer>;
  /** The entries of every request that got no 200 (in flight at the kill, or failed). */
  readonly unacked: Buffer[][];
  /** Every entry ever sent, by hex data → request number and position. */
  readonly sent: Map<string, { request: number; position: number }>;
  /** Requests whose body was only half sent when the server died: never in the log. */
  readonly halfSent: Buffer[][];
  /** Distinct checkpoint notes fetched, in the order seen. */
  readonly notes: string[];
  /** Anything wrong seen while the server was supposed to be healthy. */
  readonly errors: string[];
  requests: number;
}

interface Load {
  /** Tells the loops to finish after their current request. */
  stop(): void;
  /** Closes the loops' keep-alive connections (after `done`). */
  close(): void;
  readonly done: Promise<void>;
}

/** Starts CLIENTS append loops (batches of 1 and of 50) and one checkpoint poller against `base`. */
function startLoad(base: string, o: Observed): Load {
  let stopped = false;
  const agent = new Agent({ keepAlive: true });
  const client = async (): Promise<void> => {
    while (!stopped) {
      const n = Math.random() < 0.5 ? 1 : 50;
      const entries = Array.from({ length: n }, () => randomBytes(16 + randomInt(48)));
      const request = o.requests++;
      entries.forEach((e, position) => o.sent.set(e.toString("hex"), { request, position }));
      try {
        const res = await appendEntries(base, entries, agent);
        res.forEach((r, i) => {
          const data = entries[i]!;
          if (r.leafHash !== toHex(hashLeaf(data))) o.errors.push(`index ${r.index}: acknowledged leaf hash ${r.leafHash} is not the hash of the data sent`);
          const previous = o.acked.get(r.index);
          if (previous && !previous.equals(data)) o.errors.push(`index ${r.index} acknowledged for two different entries`);
          if (i > 0 && r.index !== res[i - 1]!.index + 1) o.errors.push(`batch of ${n} got non-consecutive indices ${res.map((x) => x.index).join(",")}`);
          o.acked.set(r.index, data);
        });
      } catch (e) {
        o.unacked.push(entries);
        if (!stopped) o.errors.push(`append failed before the kill: ${(e as Error).message}`);
      }
    }
  };
  const poller = async (): Promise<void> => {
    while (!stopped) {
      try {
        const note = await getCheckpointNote(base, agent);
        if (o.notes.at(-1) !== note) o.notes.push(note);
      } catch (e) {
        if (!stopped) o.errors.push(`checkpoint fetch failed before the kill: ${(e as Error).message}`);
      }
      await sleep(5);
    }
  };
  const done = Promise.all([...Array.from({ length: CLIENTS }, client), poller()]).then(() => undefined);
  return { stop: () => void (stopped = true), close: () => agent.destroy(), done };
}

/** Sends the request line, headers and half the body of an append; resolves (with its eventual outcome) once those bytes are out. */
function startPartialAppend(base: string, entries: readonly Buffer[]): Promise<{ outcome: Promise<string> }> {
  const body = Buffer.from(JSON.stringify({ entries: entries.map((e) => e.toString("base64")) }));
  const url = new URL(`${base}/internal/v1/log/entries`);
  return new Promise((resolve) => {
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: { "content-type": "application/json", "content-length": body.length },
    });
    const outcome = new Promise<string>((settle) => {
      req.on("response", (r) => {
        r.resume();
        settle(`HTTP ${r.statusCode}`);
      });
      req.on("error", (e) => settle(`error: ${e.message}`));
    });
    // Wrapped: resolving with the bare promise would adopt it and wait for the response.
    req.write(body.subarray(0, body.length >> 1), () => resolve({ outcome }));
  });
}

/**
 * Checks the restarted log against everything observed so far; returns the new log size.
 * The server must be idle (no load running).
 */
async function verifyRecovered(t: TestContext, dir: string, server: RunningServer, o: Observed, verifier: NoteVerifier): Promise<number> {
  // The new checkpoint: signed by the log key, covering the whole stored log.
  const current = openNote(await getCheckpointNote(server.url), verifier);
  const leaves = readAllLeaves(dir);
  const head = readHead(dir);
  assert.equal(head.size, leaves.length, "log_head.size equals the number of stored leaves");
  leaves.forEach((l, i) => assert.equal(l.idx, i, `no gap: leaf ${i} present`));
  assert.equal(current.size, leaves.length, "the restarted node's checkpoint covers the whole log");

  // Every acknowledged append is at its index, with the same data and hash.
  for (const [index, data] of o.acked) {
    const leaf = leaves[index];
    assert.ok(leaf, `acknowledged entry ${index} is missing after the restart (log size ${leaves.length})`);
    assert.ok(leaf.data.equals(data), `acknowledged entry ${index} has different data after the restart`);
    assert.ok(bytesEqual(leaf.hash, hashLeaf(data)), `entry ${index}: stored leaf hash`);
  }
  // And through the HTTP API, for a sample plus the last one.
  const ackedIndices = [...o.acked.keys()];
  const sample = new Set([Math.max(...ackedIndices), ...Array.from({ length: 50 }, () => ackedIndices[randomInt(ackedIndices.length)]!)]);
  for (const index of sample) {
    const e = await getEntry(server.url, index);
    assert.equal(e.index, index);
    assert.ok(Buffer.from(e.data).equals(o.acked.get(index)!), `GET /log/entries/${index} returns the acknowledged data`);
  }

  // Nothing in the log that no client sent; an unacknowledged batch is all there, consecutively, or not at all.
  const indexOfData = new Map<string, number>();
  for (const l of leaves) {
    const hex = l.data.toString("hex");
    assert.ok(o.sent.has(hex), `entry ${l.idx} holds data no client sent`);
    assert.ok(!indexOfData.has(hex), `entry ${l.idx} duplicates entry ${indexOfData.get(hex)}`);
    indexOfData.set(hex, l.idx);
  }
  for (const batch of o.halfSent) {
    assert.ok(batch.every((e) => !indexOfData.has(e.toString("hex"))), "a half-sent request left nothing in the log");
  }
  let unackedPresent = 0;
  for (const batch of o.unacked) {
    const where = batch.map((e) => indexOfData.get(e.toString("hex")));
    if (where.every((w) => w === undefined)) continue;
    assert.ok(where.every((w) => w !== undefined), `an unacknowledged batch of ${batch.length} is only partly in the log: ${where.join(",")}`);
    where.forEach((w, i) => assert.equal(w, where[0]! + i, "an unacknowledged batch that survived sits at consecutive indices"));
    unackedPresent++;
  }

  // Every checkpoint published so far: signature, root of the recomputed prefix, and a consistency proof
  // from the server to the new checkpoint that verifies.
  const tree = new MemoryTree();
  for (const l of leaves) tree.appendLeafHash(l.hash);
  assert.ok(bytesEqual(current.rootHash, tree.rootAt(current.size)), "the new checkpoint signs the root of the stored leaves");
  const bySize = new Map<number, Uint8Array>();
  let lastSize = -1;
  for (const note of o.notes) {
    const c = openNote(note, verifier); // throws if the log key's signature does not verify
    assert.equal(c.origin, verifier.name);
    assert.ok(c.size <= current.size, `a checkpoint of size ${c.size} was published before the kill, but the log now has ${current.size}`);
    const seen = bySize.get(c.size);
    if (seen) assert.ok(bytesEqual(seen, c.rootHash), `two different roots published for size ${c.size}`);
    bySize.set(c.size, c.rootHash);
    assert.ok(bytesEqual(c.rootHash, tree.rootAt(c.size)), `checkpoint ${c.size} signs the root of the log's first ${c.size} entries`);
    lastSize = Math.max(lastSize, c.size);
  }
  for (const [size, root] of bySize) {
    if (size === 0) {
      assert.ok(bytesEqual(root, EMPTY_ROOT));
      continue;
    }
    const proof = await getConsistencyProof(server.url, size, current.size);
    assert.doesNotThrow(() => verifyConsistency(size, current.size, root, current.rootHash, proof), `consistency ${size} → ${current.size}`);
  }
  t.diagnostic(
    `log size ${current.size}: ${o.acked.size} acknowledged entries present, ` +
      `${unackedPresent}/${o.unacked.length} unacknowledged requests made it in, ` +
      `${bySize.size} published checkpoints consistent (largest ${lastSize})`,
  );
  return current.size;
}

/** What a new node's log holds before any client appends (its own registration): sent by the node itself. */
async function expectExisting(url: string, o: Observed): Promise<void> {
  for (const [position, e] of (await existingEntries(url)).entries()) o.sent.set(e.toString("hex"), { request: -1, position });
}

test("kill -9 under 16 concurrent appenders: acknowledged appends and published checkpoints survive, lease taken over at once", async (t) => {
  const dir = tempDir("crash");
  const o: Observed = { acked: new Map(), unacked: [], halfSent: [], sent: new Map(), notes: [], errors: [], requests: 0 };
  // Three lives of the node: checkpoint after every batch, then at most one per 50 ms, then the final check.
  const lives: string[][] = [["--internal-append"], ["--internal-append", "--checkpoint-interval", "50"], ["--internal-append"]];
  let server = await startServer(dir, lives[0]);
  await expectExisting(server.url, o);
  t.diagnostic(`cold start: ${server.startupMs.toFixed(0)} ms`);
  const verifier = logVerifier(dir);

  for (let round = 1; round < lives.length; round++) {
    const ackedBefore = o.acked.size;
    const load = startLoad(server.url, o);
    await sleep(1_000 + randomInt(800));
    // The clients' requests are answered within a millisecond or two, so whether the kill catches one
    // of them half-way is luck; this one is caught for certain: its body is only half sent.
    const canary = Array.from({ length: 50 }, () => randomBytes(32));
    const canaryRequest = o.requests++;
    canary.forEach((e, position) => o.sent.set(e.toString("hex"), { request: canaryRequest, position }));
    o.unacked.push(canary);
    o.halfSent.push(canary);
    const { outcome: canaryOutcome } = await startPartialAppend(server.url, canary);
    await sleep(20);
    const oldPid = server.pid;
    const unackedBefore = o.unacked.length;
    // SIGKILL first, then tell the clients to stop: whatever they had outstanding meets the dead server.
    server.child.kill("SIGKILL");
    load.stop();
    await server.kill9(); // waits until the process is reaped
    const killedAt = Date.now();
    // The lease as the dead server left it (a read-only look: it changes neither the database nor the WAL).
    const leaseBefore = readHead(dir);
    assert.ok(leaseBefore.lease_holder?.includes(`:${oldPid}:`), `lease held by the killed server: ${leaseBefore.lease_holder}`);
    await load.done;
    load.close();
    assert.match(await canaryOutcome, /^error/, "the half-sent request was cut off by the kill");
    const cutOff = o.unacked.length - unackedBefore;
    assert.deepEqual(o.errors, [], "no errors while the server was healthy");
    assert.ok(o.acked.size > ackedBefore, "appends were acknowledged before the kill");

    // Restart on the same directory: the dead holder's lease must be taken over, not waited out.
    server = await startServer(dir, lives[round]);
    const readyAt = Date.now();
    const leaseAfter = readHead(dir);
    t.diagnostic(
      `round ${round}: killed pid ${oldPid}, cutting off ${cutOff} client requests and the half-sent one; restart ready in ${server.startupMs.toFixed(0)} ms ` +
        `(${readyAt - killedAt} ms after the kill); the old lease would have expired ${leaseBefore.lease_expires_at - readyAt} ms later`,
    );
    // Whether the restart beat the old lease's expiry is reported above, not asserted: on a loaded
    // machine a slow start could pass the expiry. The takeover itself is asserted (new holder, next
    // epoch), and a test below pins it to the dead-PID check with an hour left on the lease.
    assert.ok(leaseAfter.lease_holder?.includes(`:${server.pid}:`), `lease now held by the new server: ${leaseAfter.lease_holder}`);
    assert.equal(leaseAfter.lease_epoch, leaseBefore.lease_epoch + 1, "the takeover bumped the fencing epoch");

    await verifyRecovered(t, dir, server, o, verifier);
  }

  const finalSize = readHead(dir).size;
  const stopped = await server.stop();
  assert.equal(stopped.code, 0, `clean shutdown exit status; stderr: ${server.stderr()}`);
  const audit = await auditJson(dir);
  assert.deepEqual(audit.report.problems, [], "audit finds no problem");
  assert.equal(audit.code, 0, "log audit exits 0");
  assert.equal(audit.report.leaves, finalSize);
});

test("SIGTERM under 16 concurrent appenders: clean exit, lease released, every acknowledged append kept", async (t) => {
  const dir = tempDir("sigterm");
  const o: Observed = { acked: new Map(), unacked: [], halfSent: [], sent: new Map(), notes: [], errors: [], requests: 0 };
  const server = await startServer(dir, ["--internal-append", "--checkpoint-interval", "200"]);
  await expectExisting(server.url, o);
  const verifier = logVerifier(dir);
  const load = startLoad(server.url, o);
  await sleep(800 + randomInt(400));
  const stopping = server.stop();
  load.stop();
  await load.done;
  // The server exits only once its keep-alive connections are gone (see the keep-alive test below).
  load.close();
  const closedAt = Date.now();
  const { code, signal } = await stopping;
  t.diagnostic(`exited ${Date.now() - closedAt} ms after the clients closed their connections`);
  assert.ok(Date.now() - closedAt < 10_000, "the server exits once the clients have hung up");
  assert.deepEqual(o.errors, []);
  assert.equal(code, 0, `exit status after SIGTERM (signal ${signal}); stderr: ${server.stderr()}`);
  const head = readHead(dir);
  assert.equal(head.lease_holder, null, "the lease was released");
  t.diagnostic(`${o.unacked.length} requests refused or cut off during the shutdown`);
  // With a checkpoint interval, the clean stop still signs the final size.
  const db = openDbReadonly(dir);
  let latest: { size: number };
  try {
    latest = db.prepare("SELECT size FROM log_checkpoint ORDER BY size DESC LIMIT 1").get() as { size: number };
  } finally {
    db.close();
  }
  assert.equal(latest.size, head.size, "the last checkpoint signed on shutdown covers the whole log");
  const restarted = await startServer(dir, ["--internal-append"]);
  await verifyRecovered(t, dir, restarted, o, verifier);
  assert.equal((await restarted.stop()).code, 0);
  const audit = await auditJson(dir);
  assert.deepEqual(audit.report.problems, []);
  assert.equal(audit.code, 0);
});

// Fastify answers with "Connection: keep-alive, Keep-Alive: timeout=72"; on SIGTERM it closes only the
// connections idle at that instant, so one that was busy stays open after its response and the process
// lives on (sequencer running, lease held) until the client hangs up or 72 s pass.
test(
  "SIGTERM: the server exits promptly even when a keep-alive connection was busy at that moment",
  async (t) => {
    const dir = tempDir("keepalive");
    const server = await startServer(dir, ["--internal-append"]);
    const agent = new Agent({ keepAlive: true });
    try {
      const body = Buffer.from(JSON.stringify({ entries: [randomBytes(16).toString("base64")] }));
      const url = new URL(server.url);
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        path: "/internal/v1/log/entries",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.length },
      });
      const response = new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
        req.on("response", (r) => {
          r.resume();
          r.on("end", () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
        });
        req.on("error", reject);
      });
      req.write(body.subarray(0, 5));
      await sleep(200);
      const exited = server.stop(); // SIGTERM while the request is half-sent
      await sleep(200);
      req.end(body.subarray(5));
      const r = await response;
      assert.equal(r.status, 200, "the append in flight at SIGTERM is committed and answered");
      t.diagnostic(`response headers while shutting down: connection: ${String(r.headers.connection)}, keep-alive: ${String(r.headers["keep-alive"])}`);
      const outcome = await Promise.race([exited.then(() => "exited"), sleep(5_000).then(() => "still running 5 s after SIGTERM")]);
      assert.equal(outcome, "exited");
    } finally {
      agent.destroy();
      await server.kill9();
    }
  },
);

test("after kill -9 the dead holder's lease is taken over at once, even with an hour left on it", async (t) => {
  const dir = tempDir("takeover");
  const a = await startServer(dir, ["--internal-append"]);
  const base = (await existingEntries(a.url)).length; // the node's own registration
  await appendEntries(a.url, [randomBytes(8), randomBytes(8)]);
  const deadPid = a.pid;
  await a.kill9();
  // Only a dead-PID check can free this lease now: expiry is an hour away.
  const db = openDbWritable(dir);
  try {
    assert.equal(db.prepare("UPDATE log_head SET lease_expires_at = ? WHERE id = 1").run(Date.now() + 3_600_000).changes, 1);
  } finally {
    db.close();
  }
  const before = readHead(dir);
  assert.ok(before.lease_holder?.includes(`:${deadPid}:`));
  const b = await startServer(dir, ["--internal-append"]);
  t.diagnostic(`restart with an hour left on the dead holder's lease: ready in ${b.startupMs.toFixed(0)} ms (lease TTL ${LEASE_TTL_MS} ms)`);
  const after = readHead(dir);
  assert.ok(after.lease_holder?.includes(`:${b.pid}:`), `lease now held by the new server: ${after.lease_holder}`);
  assert.equal(after.lease_epoch, before.lease_epoch + 1);
  assert.equal((await appendEntries(b.url, [randomBytes(8)]))[0]!.index, base + 2);
  assert.equal((await b.stop()).code, 0);
});

test("a second server on the same data directory is refused while the lease holder is alive", async () => {
  const dir = tempDir("lease");
  const first = await startServer(dir, ["--internal-append"]);
  const base = (await existingEntries(first.url)).length; // the node's own registration
  await appendEntries(first.url, [randomBytes(8)]);
  await assert.rejects(startServer(dir, ["--internal-append"]), /SEQUENCER_NOT_LEADER/);
  // The refused starter must not have disturbed the holder.
  const r = await appendEntries(first.url, [randomBytes(8)]);
  assert.equal(r[0]!.index, base + 1);
  assert.equal((await first.stop()).code, 0);
  assert.equal(readHead(dir).lease_holder, null, "a clean stop releases the lease");
});

test("a paused leader (SIGSTOP) is fenced once its lease expires: a successor takes over and the old one can no longer append", async (t) => {
  const dir = tempDir("fence");
  const a = await startServer(dir, ["--internal-append"]);
  const base = (await existingEntries(a.url)).length; // the node's own registration
  const first = await appendEntries(a.url, [randomBytes(16), randomBytes(16)]);
  assert.deepEqual(first.map((e) => e.index), [base, base + 1]);
  a.child.kill("SIGSTOP");
  try {
    const lease = readHead(dir);
    assert.ok(lease.lease_holder?.includes(`:${a.pid}:`));
    // The paused holder is alive, so only expiry frees its lease.
    await sleep(Math.max(0, lease.lease_expires_at - Date.now()) + 200);
    const b = await startServer(dir, ["--internal-append"]);
    const leaseB = readHead(dir);
    assert.ok(leaseB.lease_holder?.includes(`:${b.pid}:`), `successor holds the lease: ${leaseB.lease_holder}`);
    assert.equal(leaseB.lease_epoch, lease.lease_epoch + 1);
    const fromB = await appendEntries(b.url, [randomBytes(16)]);
    assert.equal(fromB[0]!.index, base + 2);

    // A request reaches the paused old leader, which then wakes up.
    const stale = randomBytes(16);
    const pending = appendEntries(a.url, [stale]).then(
      () => "acknowledged",
      (e: Error) => e.message,
    );
    await sleep(100);
    a.child.kill("SIGCONT");
    const outcome = await pending;
    t.diagnostic(`old leader's append after resuming: ${outcome}`);
    assert.match(outcome, /HTTP 503.*(STORE_FENCED|SEQUENCER_STOPPED)/, "the old leader refuses to append");
    // It stays refused, and the successor goes on.
    await assert.rejects(appendEntries(a.url, [randomBytes(16)]), /HTTP 503/);
    const more = await appendEntries(b.url, [randomBytes(16)]);
    assert.equal(more[0]!.index, base + 3);

    const leaves = readAllLeaves(dir);
    assert.equal(leaves.length, base + 4);
    assert.ok(!leaves.some((l) => l.data.equals(stale)), "the fenced writer's entry is not in the log");
    assert.equal((await b.stop()).code, 0);
  } finally {
    a.child.kill("SIGCONT");
    await a.kill9();
  }
  const audit = await auditJson(dir);
  assert.deepEqual(audit.report.problems, []);
  assert.equal(audit.code, 0);
});
