import type pg from "pg";

/**
 * Runs `fn` in one transaction on one pooled connection, committed when it resolves and rolled back
 * when it throws. `begin` chooses the kind (an export reads under REPEATABLE READ).
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query(begin);
    const out = await fn(c);
    await c.query("COMMIT");
    return out;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
