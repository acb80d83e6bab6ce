/**
 * Issue 10, hole 1, on PostgreSQL with two `tocsin serve` processes on one database: a party cannot take
 * over another party's id through the other process, and two first versions of one id by different
 * parties, posted to the two processes at once, never both get in (the per-id lock spans processes and
 * the ownership check runs under it).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { buildWarning } from "../client/record-builders.js";
import { tlpMarkingId } from "../core/tlp/index.js";
import { PgStore } from "../store/postgres/pg-store.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { cleanup, httpExchange, runCli, startServer, tempDir } from "./harness.js";

let db: TestDatabase | undefined;
after(async () => {
  await cleanup();
  await db?.drop();
});

const TAXII = "application/taxii+json;version=2.1";

test("postgres, two processes: versions belong to their creator across processes, racing first versions included", { timeout: 120_000 }, async () => {
  db = await createTestDatabase("owners");
  const dir = tempDir("pg-owners");
  const party = async (slug: string) => {
    const r = await runCli(["party", "create", slug, "--name", slug.toUpperCase(), "--custodial", "--data", dir, "--db", db!.url]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { id: string; token: string };
  };
  const alpha = await party("alpha");
  const bravo = await party("bravo");
  const eve = await party("eve");
  const one = await startServer(dir, ["--db", db.url]);
  const two = await startServer(dir, ["--db", db.url]);
  const store = await PgStore.open(db.url, { poolSize: 1 });
  const post = (server: { url: string }, who: { token: string }, body: unknown) =>
    httpExchange(`${server.url}/api/v1/records`, { method: "POST", body: JSON.stringify(body), headers: { authorization: `Bearer ${who.token}` } });
  try {
    const at = Date.now() - 60_000;
    const red = buildWarning({ id: alpha.id }, { at, name: "Strike", recipients: [bravo.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.9, tlp: "RED" });
    assert.equal((await post(one, alpha, red)).status, 201);
    const size = await store.logSize();
    // The attack, through the other process: a plain report under the RED warning's id.
    const { extensions: _w, ...plain } = red;
    const planted = { ...plain, created_by_ref: eve.id, name: "All clear", modified: new Date(at + 1000).toISOString(), object_marking_refs: [tlpMarkingId("CLEAR")] };
    const refused = await post(two, eve, planted);
    assert.equal(refused.status, 403, refused.body);
    assert.equal(JSON.parse(refused.body).code, "RECORD_VERSION_NOT_AUTHOR");
    const viaTaxii = await httpExchange(`${two.url}/taxii2/exchange/collections/shared/objects/`, {
      method: "POST",
      body: JSON.stringify({ objects: [planted] }),
      headers: { authorization: `Bearer ${eve.token}`, accept: TAXII, "content-type": TAXII },
    });
    assert.equal(viaTaxii.status, 202, viaTaxii.body);
    assert.match(JSON.parse(viaTaxii.body).failures[0].message, /^RECORD_VERSION_NOT_AUTHOR/);
    assert.equal(await store.logSize(), size, "nothing logged");

    // Two parties' first versions of one fresh id, one to each process at once: exactly one is admitted.
    for (let i = 0; i < 6; i++) {
      const id = `note--${randomUUID()}`;
      const note = (by: { id: string }, ms: number) => ({
        type: "note",
        spec_version: "2.1",
        id,
        created: new Date(at).toISOString(),
        modified: new Date(at + ms).toISOString(),
        created_by_ref: by.id,
        content: `by ${by.id}`,
        object_refs: [red.id],
      });
      const [x, y] = await Promise.all([post(i % 2 ? one : two, alpha, note(alpha, 1)), post(i % 2 ? two : one, eve, note(eve, 2))]);
      const statuses = [x.status, y.status];
      assert.deepEqual([...statuses].sort(), [201, 403], `${x.body} | ${y.body}`);
      const winner = x.status === 201 ? alpha : eve;
      for (const s of [one, two]) {
        const got = await httpExchange(`${s.url}/api/v1/records/${id}`, { headers: { authorization: `Bearer ${winner.token}` } });
        assert.equal(JSON.parse(got.body).created_by_ref, winner.id);
      }
      assert.equal((await store.recordVersions(id)).length, 1, "one version stored");
    }
  } finally {
    await store.close();
  }
});
