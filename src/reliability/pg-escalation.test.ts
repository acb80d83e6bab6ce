/**
 * Escalation on a database shared by several processes: the escalator runs in the process that holds
 * the sequencing lease and follows the log, so a warning admitted by a follower process is escalated
 * by the leader at its deadline, exactly as one admitted by the leader itself. (Before, the leader
 * learnt of warnings only from its own routes: those posted to a follower waited for a change of leader.)
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

test("postgres: warnings posted to a follower process are escalated on time by the leader", { timeout: 90_000 }, async () => {
  db = await createTestDatabase("escalate");
  const dir = tempDir("pg-escalate");
  const src = JSON.parse((await runCli(["party", "create", "src", "--name", "Source", "--custodial", "--data", dir, "--db", db.url])).stdout);
  const dst = JSON.parse((await runCli(["party", "create", "dst", "--name", "Dest", "--data", dir, "--db", db.url])).stdout);
  const leader = await startServer(dir, ["--db", db.url]);
  const follower = await startServer(dir, ["--db", db.url]);
  const store = await PgStore.open(db.url, { poolSize: 1 });
  try {
    assert.equal(Number((await store.currentLease())!.holder.split(":")[1]), leader.pid, "the first process sequences");
    const auth = { authorization: `Bearer ${src.token}` };
    // Each process compiles the STIX schemas at its first check (seconds on a loaded machine): pay that
    // before the timed warnings, whose recipient must be addressed before its deadline to owe anything.
    for (const via of [leader, follower]) {
      const at = Date.now();
      const warmUp = buildWarning({ id: src.id }, { at, name: "Warm-up", recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.1, tlp: "CLEAR" });
      assert.equal((await httpExchange(`${via.url}/api/v1/records`, { method: "POST", body: JSON.stringify(warmUp), headers: auth })).status, 201);
    }
    // Three warnings through each process, each owing a receipt a few seconds after it is posted that never comes.
    const deadline = new Map<string, number>();
    for (const [i, via] of [follower, leader, follower, leader, follower, leader].entries()) {
      const at = Date.now();
      const w = buildWarning({ id: src.id }, {
        at, name: `Unanswered ${i}`, recipients: [dst.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "CLEAR",
        deadlines: { receipt: at + 6000 },
      });
      const posted = await httpExchange(`${via.url}/api/v1/records`, { method: "POST", body: JSON.stringify(w), headers: auth });
      assert.equal(posted.status, 201, posted.body);
      deadline.set(w.id as string, at + 6000);
    }
    const escalations = async () => (await store.listRecords({ kind: "escalation", limit: 100 })).map((r) => ({ ...JSON.parse(r.body), loggedAt: r.loggedAt }));
    const until = Math.max(...deadline.values()) + 15_000;
    while ((await escalations()).length < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    // Give a late duplicate the time to show up: there must be none.
    await new Promise((r) => setTimeout(r, 1500));
    const found = await escalations();
    assert.deepEqual(found.map((e) => e.warning_ref).sort(), [...deadline.keys()].sort(), `each warning escalated once, whichever process admitted it; leader: ${leader.stderr()} follower: ${follower.stderr()}`);
    for (const e of found) {
      assert.equal(e.deadline_kind, "receipt");
      assert.equal(e.created_by_ref, (await store.getParty("node"))!.id, "signed by the node");
      // On time: within the escalation interval (1 s) of the deadline, plus slack for a loaded machine.
      const late = Date.parse(e.loggedAt) - deadline.get(e.warning_ref)!;
      assert.ok(late >= 0 && late < 5000, `escalated ${late} ms after the deadline`);
    }
    assert.equal(leader.stderr(), "", "nothing logged as failed");
  } finally {
    await store.close();
  }
});
