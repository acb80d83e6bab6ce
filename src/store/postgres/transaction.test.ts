/**
 * A connection the server ends while a transaction holds it (the idle-in-transaction timeout after this
 * process stalled, an operator's pg_terminate_backend, a server restart) fails that transaction with
 * the error — it does not crash the process with an unhandled 'error' event — and the pool goes on
 * with a fresh connection. (Found under load: a node process receiving federation deliveries died.)
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../testing/pg-database.js";
import { PgAdvisoryLocks } from "./advisory-locks.js";
import { inTransaction } from "./transaction.js";

let db: TestDatabase | undefined;
after(async () => {
  await db?.drop();
});

test("postgres: a connection ended by the server mid-transaction (or while holding advisory locks) fails that work, not the process", async () => {
  db = await createTestDatabase("conn");
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on("error", () => undefined);
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const locks = new PgAdvisoryLocks(db.url, 1);
  try {
    const end = (pid: number) => admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await assert.rejects(
      inTransaction(pool, async (c) => {
        const pid = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
        await end(pid);
        // The 'error' event arrives while the connection is still checked out.
        await new Promise((r) => setTimeout(r, 200));
        await c.query("SELECT 1");
      }),
    );
    // The pool carries on with another connection.
    assert.equal(await inTransaction(pool, async (c) => (await c.query<{ n: number }>("SELECT 1 AS n")).rows[0]!.n), 1);

    await assert.rejects(
      locks.run(["k"], async () => {
        const holder = (await admin.query<{ pid: number }>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")).rows[0]!.pid;
        await end(holder);
        await new Promise((r) => setTimeout(r, 200));
        throw new Error("the work itself failed too");
      }),
      /the work itself failed too/,
    );
    assert.equal(await locks.run(["k"], async () => "again"), "again");
  } finally {
    await locks.close();
    await admin.end();
    await pool.end();
  }
});
