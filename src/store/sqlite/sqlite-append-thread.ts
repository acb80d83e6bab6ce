/**
 * The worker-thread side of {@link SqliteAppender}: a second connection to the node's SQLite file that
 * runs only log appends, each one immediate transaction committed with synchronous=FULL (the WAL is
 * fsynced before the commit returns, and only then do readers on any connection see it). The caller
 * is told a batch is done only after that, so an acknowledgement still means fsynced; what moves is
 * where the thread waits for the disk — here, instead of on the node's event loop.
 *
 * It also runs a witness's state moves (the compare-and-swaps of WitnessStateBatcher's group commit),
 * for the same reason: the witness answers only after that commit, and its fsync should not stop the
 * event loop that is reading and checking the next requests. And the sequencer's lease renewals: a
 * write on the node's own connection waits (busy_timeout, on the event loop) for whatever commit
 * holds the write lock here — 12–42 ms at a time in the batch-1 000 bench, every 1.7 s.
 *
 * Messages in: {id, batch} to append (the batch in columns, append-batch-columns.ts), {id,
 * witnessMoves} to move witnessed logs' states, {id, renewLease} to extend the sequencer's lease,
 * {id, close: true} to close the connection. Out: {id}
 * when done ({id, moved} for witness moves: whether each moved; {id, changes} for a renewal: rows
 * changed), {id, error: {message, code, store}} when not (store: a StoreError, thrown again as one).
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { QUERIES, type QueryName } from "../sql/queries.js";
import { nameThisThread, THREAD_NAMES } from "../os-thread-name.js";
import { StoreError } from "../store-errors.js";
import type { AppendBatch, WitnessStateMove } from "../store.js";
import { fromColumns, type AppendBatchColumns } from "./append-batch-columns.js";
import { appendInTx, witnessMovesInTx } from "./sqlite-append.js";

export interface AppendThreadData {
  readonly path: string;
}

export type AppendRequest =
  | { readonly id: number; readonly batch: AppendBatchColumns }
  | { readonly id: number; readonly witnessMoves: readonly WitnessStateMove[] }
  | { readonly id: number; readonly renewLease: { readonly holder: string; readonly epoch: number; readonly expiresAt: number } }
  | { readonly id: number; readonly close: true };
export type AppendAnswer = {
  readonly id: number;
  readonly moved?: boolean[];
  readonly changes?: number;
  readonly error?: { readonly message: string; readonly code?: string; readonly store: boolean };
};

nameThisThread(THREAD_NAMES.append);
const port = parentPort!;
const db = new Database((workerData as AppendThreadData).path, { fileMustExist: true });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 10000");
const statements = new Map<string, Database.Statement>();
const stmt = (name: QueryName): Database.Statement => {
  let s = statements.get(name);
  if (!s) statements.set(name, (s = db.prepare(QUERIES[name])));
  return s;
};
const append = db.transaction((batch: AppendBatch) => appendInTx(stmt, batch));
const moveWitnessedLogs = db.transaction((moves: readonly WitnessStateMove[]) => witnessMovesInTx(stmt, moves));

port.on("message", (m: AppendRequest) => {
  if ("close" in m) {
    db.close();
    port.postMessage({ id: m.id } satisfies AppendAnswer);
    port.close();
    return;
  }
  try {
    if ("renewLease" in m) {
      const { holder, epoch, expiresAt } = m.renewLease;
      port.postMessage({ id: m.id, changes: stmt("renewLease").run(expiresAt, holder, epoch).changes } satisfies AppendAnswer);
      return;
    }
    if ("witnessMoves" in m) {
      port.postMessage({ id: m.id, moved: moveWitnessedLogs.immediate(m.witnessMoves) } satisfies AppendAnswer);
      return;
    }
    append.immediate(fromColumns(m.batch));
    port.postMessage({ id: m.id } satisfies AppendAnswer);
  } catch (e) {
    const err = e as Error & { code?: unknown };
    port.postMessage({
      id: m.id,
      error: { message: err?.message ?? String(e), ...(typeof err?.code === "string" ? { code: err.code } : {}), store: e instanceof StoreError },
    } satisfies AppendAnswer);
  }
});
