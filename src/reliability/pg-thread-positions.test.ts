/**
 * Thread positions on a PostgreSQL database shared by two processes (docs/formats.md §2.7): records
 * about one warning posted to both processes at once still get positions 0, 1, 2 … in log order, each
 * once — the admission assigns them under the warning's cross-process lock, held until the append is
 * durable. And the bundle either process exports says so, under the log's signed thread statement.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { buildAssessment, buildReceipt, buildWarning } from "../client/record-builders.js";
import { auditBundle, parseBundle } from "../core/bundle/index.js";
import { decodeRecordLeaf } from "../core/record/index.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { cleanup, httpExchange, runCli, startServer, tempDir } from "./harness.js";

let db: TestDatabase | undefined;
after(async () => {
  await cleanup();
  await db?.drop();
});

const RECIPIENTS = 6;

test("postgres, two processes: records about one warning posted to both at once get dense, unique thread positions", { timeout: 120_000 }, async () => {
  db = await createTestDatabase("thread");
  const dir = tempDir("pg-thread");
  const party = async (slug: string) => {
    const created = await runCli(["party", "create", slug, "--name", slug, "--custodial", "--data", dir, "--db", db!.url]);
    assert.equal(created.code, 0, created.stderr);
    return JSON.parse(created.stdout) as { id: string; token: string };
  };
  const src = await party("src");
  const recipients = [];
  for (let i = 0; i < RECIPIENTS; i++) recipients.push(await party(`dst-${i}`));
  const processes = [await startServer(dir, ["--db", db.url]), await startServer(dir, ["--db", db.url])];
  const store = await PgStore.open(db.url, { poolSize: 1 });
  try {
    const post = async (n: number, who: { token: string }, obj: unknown) => {
      const r = await httpExchange(`${processes[n % 2]!.url}/api/v1/records`, { method: "POST", body: JSON.stringify(obj), headers: { authorization: `Bearer ${who.token}` } });
      assert.equal(r.status, 201, r.body);
      return JSON.parse(r.body).records[0] as { index: number; record: Record<string, unknown> };
    };
    const at = Date.now() - 60_000;
    const warning = (await post(0, src, buildWarning({ id: src.id }, { at, name: "Raced", recipients: recipients.map((r) => r.id), windowStart: at, windowEnd: at + 86_400_000, probability: 0.5, tlp: "CLEAR" }))).record;
    // Every recipient's receipt at once, alternating processes; then every assessment at once.
    await Promise.all(recipients.map((r, i) => post(i, r, buildReceipt({ id: r.id }, warning as never, at + 1000, "CLEAR"))));
    await Promise.all(recipients.map((r, i) => post(i + 1, r, buildAssessment({ id: r.id }, warning.id as string, at + 2000, "agree", "credible", "CLEAR"))));

    const leaves = (await store.getLeaves(0, await store.logSize())).map((l) => ({ index: l.index, leaf: decodeRecordLeaf(l.data) }));
    const thread = leaves.filter((l) => l.leaf.warning === warning.id);
    assert.equal(thread.length, 1 + 2 * RECIPIENTS, "every record about the warning is logged with a thread position");
    assert.deepEqual(
      thread.map((l) => l.leaf.seq),
      thread.map((_, i) => i),
      "positions are 0 … N−1 in log order: none twice, none skipped",
    );

    // Either process exports the whole thread under a statement the audit accepts.
    for (const p of processes) {
      const bundle = await httpExchange(`${p.url}/api/v1/warnings/${warning.id}/bundle`, { headers: { authorization: `Bearer ${src.token}` } });
      assert.equal(bundle.status, 200, bundle.body);
      const audit = auditBundle(parseBundle(JSON.parse(bundle.body)));
      assert.deepEqual(audit.problems, []);
      assert.deepEqual(audit.thread.statement?.count, 1 + 2 * RECIPIENTS);
      assert.equal(audit.thread.complete, true);
    }
  } finally {
    await store.close();
  }
});
