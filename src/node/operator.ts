import type { Clock } from "../core/clock.js";
import type { PartyRegistrar } from "../exchange/party-registrar.js";
import { PgAdvisoryLocks } from "../store/postgres/advisory-locks.js";
import { openStore, type StoreLocation } from "../store/open-store.js";
import { DEFAULT_CONFIG } from "./config.js";
import { openWriteSide } from "./write-side.js";

/**
 * What the operator's `party` commands work with: the node's party registrar connected to its log, so
 * that every registration, key change and token event they make is a logged record, admitted by the
 * same admission as any record. The command appends as the log's writer for its duration: it takes the
 * sequencing lease (a stopped SQLite node; a PostgreSQL database nobody sequences), or, on PostgreSQL,
 * hands its records to the process that sequences. A running SQLite node keeps its lease: stop it first.
 */
export async function withOperator<T>(at: StoreLocation, clock: Clock, fn: (registrar: PartyRegistrar) => Promise<T>): Promise<T> {
  const store = await openStore(at);
  const locks = store.sharedByProcesses ? new PgAdvisoryLocks(at.db!, 2) : undefined;
  try {
    // Its leadership is never started: the command only asks it where the sequencing process is.
    const w = await openWriteSide({ store, dataDir: at.dataDir, clock, leaseTtlMs: DEFAULT_CONFIG.leaseTtlMs, checkpointIntervalMs: 0, sequenceNow: false, locks });
    return await w.asWriter(async () => {
      await w.registrar.ensureRegistered();
      return fn(w.registrar);
    });
  } finally {
    await locks?.close();
    await store.close();
  }
}
