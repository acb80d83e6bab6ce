/**
 * The deadline index across processes on PostgreSQL: the leader escalates a warning's first missed
 * deadline and is killed; the process that takes the lease over starts from the index and positions
 * the leader saved (not from the whole log), does not escalate that deadline again, and escalates the
 * next one on time.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { cleanup, httpExchange, runCli, startServer, tempDir } from "./harness.js";

let db: TestDatabase | undefined;
after(async () => {
  await cleanup();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("postgres: an escalation made by the killed leader is not repeated by the process that takes over, which escalates the next deadline", { timeout: 120_000 }, async () => {
  db = await createTestDatabase("deadline_takeover");
  const dir = tempDir("pg-deadline-takeover");
  const src = JSON.parse((await runCli(["party", "create", "src", "--name", "Source", "--custodial", "--data", dir, "--db", db.url])).stdout);
  const dst = JSON.parse((await runCli(["party", "create", "dst", "--name", "Dest", "--data", dir, "--db", db.url])).stdout);
  const leader = await startServer(dir, ["--db", db.url, "--lease-ttl", "1000"]);
  const follower = await startServer(dir, ["--db", db.url, "--lease-ttl", "1000"]);
  const store = await PgStore.open(db.url, { poolSize: 1 });
  try {
    assert.equal(Number((await store.currentLease())!.holder.split(":")[1]), leader.pid, "the first process sequences");
    const auth = { authorization: `Bearer ${src.token}` };
    // Each process compiles the STIX schemas at its first check (seconds on a loaded machine): pay that
    // before the timed warning, which must be logged before its receipt deadline to owe a receipt.
    for (const via of [leader, follower]) {
      const warmAt = Date.now();
      const warmUp = buildWarning({ id: src.id }, { at: warmAt, name: "Warm-up", recipients: [dst.id], windowStart: warmAt, windowEnd: warmAt + 86_400_000, probability: 0.1, tlp: "CLEAR" });
      assert.equal((await httpExchange(`${via.url}/api/v1/records`, { method: "POST", body: JSON.stringify(warmUp), headers: auth })).status, 201);
    }

    const at = Date.now();
    const receipt = at + 8000;
    const assessment = at + 20_000;
    const w = buildWarning({ id: src.id }, { at, name: "Unanswered", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "CLEAR", deadlines: { receipt, assessment } });
    const posted = await httpExchange(`${follower.url}/api/v1/records`, { method: "POST", body: JSON.stringify(w), headers: auth });
    assert.equal(posted.status, 201, posted.body);
    const loggedAt = Date.parse((await store.recordVersions(w.id as string))[0]!.loggedAt);
    assert.ok(loggedAt < receipt, `logged ${loggedAt - at} ms after it was built: before its receipt deadline`);

    const escalations = async () => (await store.listRecords({ kind: "escalation", limit: 100 })).map((r) => ({ kind: JSON.parse(r.body).deadline_kind as string, loggedAt: Date.parse(r.loggedAt) }));
    while ((await escalations()).length < 1 && Date.now() < receipt + 15_000) await sleep(200);
    assert.deepEqual((await escalations()).map((e) => e.kind), ["receipt"], `the leader escalates the receipt; leader: ${leader.stderr()}`);
    await leader.kill9();

    while ((await escalations()).length < 2 && Date.now() < assessment + 20_000) await sleep(200);
    await sleep(2000); // a late duplicate would show up meanwhile
    const found = await escalations();
    assert.deepEqual(found.map((e) => e.kind), ["receipt", "assessment"], `each deadline escalated once; follower: ${follower.stderr()}`);
    const late = found[1]!.loggedAt - assessment;
    assert.ok(late >= 0 && late < 8000, `the assessment escalated ${late} ms after its deadline`);
    assert.equal(Number((await store.currentLease())!.holder.split(":")[1]), follower.pid, "the follower took the lease over");
    assert.deepEqual(await store.earliestDeadlines("escalation", 10), [], "nothing more owed: the index is empty");
    assert.equal(follower.stderr(), "", "nothing logged as failed");
  } finally {
    await store.close();
  }
});
