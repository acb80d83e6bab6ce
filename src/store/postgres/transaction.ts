import type pg from "pg";

/**
 * Runs `fn` in one transaction on one pooled connection, committed when it resolves and rolled back
 * when it throws. `begin` chooses the kind (an export reads under REPEATABLE READ).
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
  const c = await pool.connect();
  const broken = watchConnection(c);
  try {
    await c.query(begin);
    const out = await fn(c);
    await c.query("COMMIT");
    return out;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    broken.release();
  }
}

/**
 * Watches a checked-out connection for the server ending it (the 1 s idle-in-transaction timeout after
 * a stall of this process, a server restart). The pool listens for that only on idle connections; on a
 * checked-out one the 'error' event has no listener and is an uncaught exception that kills the whole
 * node process. The query under way fails with the error anyway; the connection is then discarded.
 */
export function watchConnection(c: pg.PoolClient): { release(): void } {
  let lost: Error | undefined;
  const onError = (e: Error) => (lost = e);
  c.on("error", onError);
  return {
    release() {
      c.off("error", onError);
      c.release(lost ?? false);
    },
  };
}
