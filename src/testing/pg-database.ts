import { randomBytes } from "node:crypto";
import pg from "pg";
import { missingPrerequisite } from "./prerequisite.js";

/**
 * The machine's PostgreSQL server as the tests use it: trust auth, user postgres, database `test`
 * (what `.ci/run` provides). TOCSIN_TEST_PG overrides it for other setups.
 */
export const PG_ADMIN_URL = process.env.TOCSIN_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, disconnecting whatever still uses it (a killed server's leftovers). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database with a random name, created through the `test` database. Test files run
 * concurrently (and other developers run tests on the same server), so nothing is ever shared: each
 * test gets its own database and drops it afterwards.
 */
export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const name = `tocsin_${label.replace(/[^a-z0-9]/g, "")}_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await c.connect();
  } catch (e) {
    throw pgMissing(e as Error);
  }
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** PostgreSQL is not there (or refuses us): one line saying what the tests need. */
function pgMissing(e: Error): Error {
  let where = PG_ADMIN_URL;
  try {
    const u = new URL(PG_ADMIN_URL);
    where = `${u.hostname}:${u.port || 5432}`;
  } catch {
    // the URL as given
  }
  const why = (e as NodeJS.ErrnoException).code ?? e.message;
  return missingPrerequisite(
    `PostgreSQL does not answer at ${where} (${why}): the PostgreSQL tests need a server with trust auth for user postgres and a database named test (Debian: apt-get install postgresql; .ci/run sets it up), or TOCSIN_TEST_PG set to another server's URL`,
  );
}
