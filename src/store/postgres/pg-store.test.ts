import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../../testing/pg-database.js";
import { storeContract } from "../../testing/store-contract.js";
import { PgStore } from "./pg-store.js";

const databases: TestDatabase[] = [];
after(async () => {
  for (const d of databases) await d.drop();
});

async function freshDatabase(): Promise<TestDatabase> {
  const d = await createTestDatabase("contract");
  databases.push(d);
  return d;
}

/** The real server, a fresh database per test (test files run concurrently; so may other people's). */
storeContract("postgres", async () => {
  const d = await freshDatabase();
  const s = await PgStore.open(d.url, { poolSize: 3 });
  // Drop each database as soon as its test closes the store, not all at the end.
  const close = s.close.bind(s);
  s.close = async () => {
    await close();
    await d.drop();
  };
  return s;
});

test("postgres store: commits are durable (synchronous_commit on, fsync on)", async () => {
  const s = await PgStore.open((await freshDatabase()).url, { poolSize: 1 });
  try {
    const row = (await s.pool.query("SELECT current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fs")).rows[0];
    assert.deepEqual(row, { sc: "on", fs: "on" });
  } finally {
    await s.close();
  }
});

test("postgres store: a database from a newer Tocsin is refused", async () => {
  const d = await freshDatabase();
  const s = await PgStore.open(d.url, { poolSize: 1 });
  await s.pool.query("UPDATE schema_version SET version = 999");
  await s.close();
  await assert.rejects(PgStore.open(d.url), { code: "STORE_SCHEMA_TOO_NEW" });
});

test("postgres store: an unreachable server is STORE_UNAVAILABLE", async () => {
  await assert.rejects(PgStore.open("postgres://postgres@127.0.0.1:1/none"), { code: "STORE_UNAVAILABLE" });
});
