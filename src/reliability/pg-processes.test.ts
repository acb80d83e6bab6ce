/**
 * Processes sharing one PostgreSQL database: a follower admits records exactly as the sequencing
 * process does (it checks them itself and hands the leader only the append), the same record posted
 * to two processes at once is stored once (cross-process locks), and the internal hand-over route
 * is closed to anyone without the node secret. One TAXII deletion sent to two processes at once appends
 * one tombstone (the deletion takes the same cross-process lock as the admission).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { parseConfig } from "../node/config.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { cleanup, httpExchange, runCli, startServer, tempDir } from "./harness.js";

let db: TestDatabase | undefined;
after(async () => {
  await cleanup();
  await db?.drop();
});

test("postgres: a follower admits like the leader — same answers, refusals included; concurrent duplicates stored once", { timeout: 90_000 }, async () => {
  db = await createTestDatabase("forward");
  const dir = tempDir("pg-forward");
  const created = await runCli(["party", "create", "src", "--name", "Source", "--custodial", "--data", dir, "--db", db.url]);
  assert.equal(created.code, 0, created.stderr);
  const src = JSON.parse(created.stdout);
  const dst = JSON.parse((await runCli(["party", "create", "dst", "--name", "Dest", "--data", dir, "--db", db.url])).stdout);
  const leader = await startServer(dir, ["--db", db.url]);
  const follower = await startServer(dir, ["--db", db.url]);
  const store = await PgStore.open(db.url, { poolSize: 1 });
  try {
    assert.equal(Number((await store.currentLease())!.holder.split(":")[1]), leader.pid, "the first process sequences");
    const auth = { authorization: `Bearer ${src.token}` };
    const at = Date.now() - 60_000;
    const warning = buildWarning({ id: src.id }, { at, name: "Via a follower", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.4, tlp: "CLEAR" });
    const posted = await httpExchange(`${follower.url}/api/v1/records`, { method: "POST", body: JSON.stringify(warning), headers: auth });
    assert.equal(posted.status, 201, posted.body);
    const admitted = JSON.parse(posted.body).records[0];
    assert.equal(admitted.duplicate, false);
    // Stored once, readable from either process; re-posting through the leader is a duplicate.
    const again = JSON.parse((await httpExchange(`${leader.url}/api/v1/records`, { method: "POST", body: JSON.stringify(warning), headers: auth })).body);
    assert.deepEqual([again.records[0].index, again.records[0].duplicate], [admitted.index, true]);
    assert.equal((await httpExchange(`${follower.url}/api/v1/records/${warning.id}`, { headers: auth })).status, 200);

    // Refusals come back as the leader gave them: same status, same problem code.
    const cases: { name: string; body?: string; headers?: Record<string, string> }[] = [
      { name: "no credentials", body: JSON.stringify(warning) },
      { name: "bad token", body: JSON.stringify(warning), headers: { authorization: "Bearer tocsin_nope" } },
      { name: "malformed JSON", body: "{", headers: auth },
      { name: "not STIX", body: JSON.stringify({ hello: "world" }), headers: auth },
    ];
    for (const c of cases) {
      const viaLeader = await httpExchange(`${leader.url}/api/v1/records`, { method: "POST", ...(c.body ? { body: c.body } : {}), ...(c.headers ? { headers: c.headers } : {}) });
      const viaFollower = await httpExchange(`${follower.url}/api/v1/records`, { method: "POST", ...(c.body ? { body: c.body } : {}), ...(c.headers ? { headers: c.headers } : {}) });
      assert.ok(viaLeader.status >= 400, `${c.name}: refused`);
      assert.equal(viaFollower.status, viaLeader.status, c.name);
      assert.equal(JSON.parse(viaFollower.body).code, JSON.parse(viaLeader.body).code, c.name);
    }
    assert.equal(await store.logSize(), admitted.index + 1, "refusals wrote nothing");

    // The same new record at both processes at once, several times: one leaf each, the other a duplicate.
    for (let i = 0; i < 5; i++) {
      const w = buildWarning({ id: src.id }, { at, name: `Race ${i}`, recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.3, tlp: "CLEAR" });
      const both = await Promise.all(
        [leader, follower].map((s) => httpExchange(`${s.url}/api/v1/records`, { method: "POST", body: JSON.stringify(w), headers: auth })),
      );
      for (const r of both) assert.ok([200, 201].includes(r.status), r.body);
      const [x, y] = both.map((r) => JSON.parse(r.body).records[0]);
      assert.equal(x.index, y.index, "both answers name the one stored copy");
      assert.deepEqual([x.duplicate, y.duplicate].sort(), [false, true]);
    }
    assert.equal(await store.logSize(), admitted.index + 6);

    // The same TAXII deletion at both processes at once, several times: as on one process, one tombstone
    // leaf and one 200; the other finds no live version left (404).
    const taxii = { accept: "application/taxii+json;version=2.1", ...auth };
    let size = await store.logSize();
    for (let i = 0; i < 5; i++) {
      const w = buildWarning({ id: src.id }, { at, name: `Deleted ${i}`, recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.3, tlp: "CLEAR" });
      assert.equal((await httpExchange(`${leader.url}/api/v1/records`, { method: "POST", body: JSON.stringify(w), headers: auth })).status, 201);
      const both = await Promise.all(
        [leader, follower].map((s) => httpExchange(`${s.url}/taxii2/exchange/collections/shared/objects/${w.id}/`, { method: "DELETE", headers: taxii })),
      );
      assert.deepEqual(both.map((r) => r.status).sort(), [200, 404], both.map((r) => r.body).join(" | "));
      size += 2;
      assert.equal(await store.logSize(), size, "the record and one tombstone");
    }

    // The hand-over route: without the node secret it does not exist.
    for (const headers of [{}, { "x-tocsin-node-secret": "0".repeat(64) }] as Record<string, string>[]) {
      const r = await httpExchange(`${leader.url}/internal/v1/cluster/sequence`, { method: "POST", body: JSON.stringify({ entries: [{ leaf: "AAEC" }] }), headers });
      assert.equal(r.status, 404);
    }
    assert.equal(await store.logSize(), size);
  } finally {
    await store.close();
  }
});

test("config: --db must be a PostgreSQL URL, the lease TTL and advertised URL are checked", () => {
  assert.throws(() => parseConfig({ db: "mysql://x" }), { code: "CONFIG_INVALID" });
  assert.throws(() => parseConfig({ leaseTtlMs: 10 }), { code: "CONFIG_INVALID" });
  assert.throws(() => parseConfig({ advertiseUrl: "ftp://x" }), { code: "CONFIG_INVALID" });
  const c = parseConfig({ db: "postgresql://u@h/db", leaseTtlMs: "2000", advertiseUrl: "http://10.0.0.5:8080" });
  assert.deepEqual([c.db, c.leaseTtlMs, c.advertiseUrl], ["postgresql://u@h/db", 2000, "http://10.0.0.5:8080"]);
});

test("postgres: processes started together on a fresh directory and database agree on one log and one node party", { timeout: 90_000 }, async () => {
  const fresh = await createTestDatabase("together");
  try {
    const dir = tempDir("pg-together");
    const servers = await Promise.all([0, 1, 2].map(() => startServer(dir, ["--db", fresh.url])));
    const notes = await Promise.all(servers.map(async (s) => (await httpExchange(`${s.url}/log/checkpoint`)).body));
    assert.equal(new Set(notes.map((n) => n.split("\n")[0])).size, 1, "one origin");
    const store = await PgStore.open(fresh.url, { poolSize: 1 });
    try {
      assert.equal((await store.listParties()).filter((p) => p.slug === "node").length, 1);
      const lease = (await store.currentLease())!;
      assert.ok(servers.some((s) => Number(lease.holder.split(":")[1]) === s.pid), "one of them sequences");
    } finally {
      await store.close();
    }
    for (const s of servers) await s.stop();
  } finally {
    await fresh.drop();
  }
});
