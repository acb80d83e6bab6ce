/**
 * The WAL checkpoints of a node's SQLite file, on a thread of their own (started with the append thread
 * by {@link SqliteAppender}): a third connection that copies committed WAL frames into the database
 * file with PASSIVE checkpoints — they take no write lock, so commits go on meanwhile.
 *
 * Why: SQLite runs its automatic checkpoint inside the commit that passes 1 000 WAL pages, on the
 * committing connection. On the append thread that was every ~20th commit at one record a request
 * (a commit of 7 records writes ~48 pages), and every request waiting for the commit after it waited
 * for the copy and the database file's fsync too: batch 1's request p99 was 20.9–25.7 ms with it and
 * 16.1–18.5 ms with the checkpoints here (bench admit, 5 December 2026). The append thread's own
 * automatic checkpoint stays as a backstop at a higher threshold (sqlite-append-thread.ts), so the WAL
 * stays bounded should this thread stop.
 *
 * A checkpoint changes no committed data and no durability: the WAL was fsynced when each commit
 * returned, and the checkpoint fsyncs the database file before the WAL may be reused.
 *
 * Messages in: {close: true}. Out: {closed: true}.
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { nameThisThread, THREAD_NAMES } from "../os-thread-name.js";

export interface WalCheckpointThreadData {
  readonly path: string;
}

/** How long the thread waits after a checkpoint that copied every frame, and after one that left some, ms. */
export const WAL_CHECKPOINT_IDLE_MS = 20;
export const WAL_CHECKPOINT_BUSY_MS = 5;

nameThisThread(THREAD_NAMES.walCheckpoint);
const port = parentPort!;
const db = new Database((workerData as WalCheckpointThreadData).path, { fileMustExist: true });
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 10000");
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");

let timer: NodeJS.Timeout | undefined;
const tick = (): void => {
  let behind = false;
  try {
    // Frames in the WAL, and how many of them are now in the database file: frames a reader's snapshot
    // still needs, or committed during the copy, are left for the next tick.
    const { log, checkpointed } = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    behind = checkpointed < log;
  } catch {
    // A failing checkpoint is tried again at the next tick; the append thread's backstop bounds the WAL.
  }
  timer = setTimeout(tick, behind ? WAL_CHECKPOINT_BUSY_MS : WAL_CHECKPOINT_IDLE_MS);
};
tick();

port.on("message", (m: { close?: true }) => {
  if (m.close !== true) return;
  clearTimeout(timer);
  db.close();
  port.postMessage({ closed: true });
  port.close();
});
