import pg from "pg";
import { KeyedMutex } from "../keyed-mutex.js";

/**
 * Locks by name across every process on one PostgreSQL database (session-level advisory locks on a
 * 64-bit hash of the name), so admissions about one warning or one record id are serialised whichever
 * process they arrive at — the cross-process form of the admission's in-process KeyedMutex, which is
 * taken first so a process never spends connections on contention among its own requests.
 *
 * The locks live on their own small pool: a holder waits only for other holders, never for a query
 * connection held by a waiter, so the two pools cannot deadlock. A process that dies loses its session
 * and with it its locks. Keys are taken in sorted order, so two holders never wait on each other.
 */
export class PgAdvisoryLocks {
  readonly #pool: pg.Pool;
  readonly #local = new KeyedMutex();

  constructor(url: string, size = 8) {
    this.#pool = new pg.Pool({ connectionString: url, max: size, connectionTimeoutMillis: 10_000 });
    this.#pool.on("error", () => undefined);
  }

  run<T>(keys: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    return this.#local.run(sorted, async () => {
      const c = await this.#pool.connect();
      // A session the server ends while held emits 'error' on the client: handled, not a crash.
      let broken = false;
      const onError = () => (broken = true);
      c.on("error", onError);
      try {
        // All keys in one round trip, in the sorted order (the ORDER BY makes the locking order explicit).
        await c.query({
          name: "advisory-lock",
          text: "SELECT pg_advisory_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n",
          values: [sorted],
        });
        return await fn();
      } finally {
        try {
          await c.query("SELECT pg_advisory_unlock_all()");
        } catch {
          broken = true;
        }
        // A connection whose unlock failed is closed, which releases whatever it still held.
        c.off("error", onError);
        c.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
