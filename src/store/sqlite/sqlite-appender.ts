import { Worker } from "node:worker_threads";
import { StoreError, type StoreErrorCode } from "../store-errors.js";
import type { AppendBatch, WitnessStateMove } from "../store.js";
import { toColumns } from "./append-batch-columns.js";
import type { AppendAnswer, AppendRequest, AppendThreadData } from "./sqlite-append-thread.js";

/**
 * Runs a SQLite store's log appends on a thread of their own (sqlite-append-thread.ts), with its own
 * connection to the same file. better-sqlite3 is synchronous: on the node's event loop, every commit
 * stopped everything — HTTP, the hand-off to the check workers — for the inserts and the WAL fsync
 * (about 4 ms a commit on this machine's disk), so concurrent one-record requests could not gather
 * into one commit (group commit) while the disk worked. Here the loop goes on admitting the next
 * records while a commit is on its way to disk, and the sequencer's next batch takes all of them.
 *
 * Durability is unchanged: the thread's connection commits with synchronous=FULL, and a batch resolves
 * only once its commit (WAL fsync included) returned. Readers on the store's connection see a batch only
 * after it is committed, exactly as before. The thread starts on the first append.
 */
export class SqliteAppender {
  #worker: Worker | undefined;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (answer: AppendAnswer) => void; reject: (e: unknown) => void }>();
  #closed = false;

  constructor(private readonly path: string) {}

  append(batch: AppendBatch): Promise<void> {
    const { columns, transfer } = toColumns(batch);
    return this.#send({ id: this.#next++, batch: columns }, false, transfer).then(() => undefined);
  }

  /** A witness's group commit (SqlStore.advanceWitnessedLogs), committed on the thread: whether each moved. */
  async advanceWitnessedLogs(moves: readonly WitnessStateMove[]): Promise<boolean[]> {
    const { moved } = await this.#send({ id: this.#next++, witnessMoves: moves });
    if (moved === undefined || moved.length !== moves.length) throw new StoreError("STORE_UNAVAILABLE", "the SQLite append thread answered a witness commit without its results");
    return moved;
  }

  /** The sequencer's lease renewal (the shared `renewLease` write), committed on the thread: rows changed (1 when still held). */
  async renewLease(holder: string, epoch: number, expiresAt: number): Promise<number> {
    const { changes } = await this.#send({ id: this.#next++, renewLease: { holder, epoch, expiresAt } });
    if (changes === undefined) throw new StoreError("STORE_UNAVAILABLE", "the SQLite append thread answered a lease renewal without its count");
    return changes;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const w = this.#worker;
    if (!w) return;
    await this.#send({ id: this.#next++, close: true }, true).catch(() => undefined);
    await w.terminate();
  }

  #send(m: AppendRequest, closing = false, transfer: ArrayBuffer[] = []): Promise<AppendAnswer> {
    if (this.#closed && !closing) return Promise.reject(new StoreError("STORE_UNAVAILABLE", "the store is closed"));
    const w = this.#thread();
    return new Promise((resolve, reject) => {
      this.#pending.set(m.id, { resolve, reject });
      // Held open only while a batch is on its way: an idle store does not keep the process alive.
      w.ref();
      w.postMessage(m, transfer);
    });
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL("./sqlite-append-thread.js", import.meta.url), { workerData: { path: this.path } satisfies AppendThreadData });
    w.on("message", (a: AppendAnswer) => {
      const p = this.#pending.get(a.id);
      if (!p) return;
      this.#pending.delete(a.id);
      if (this.#pending.size === 0) w.unref();
      if (a.error === undefined) p.resolve(a);
      else if (a.error.store) p.reject(new StoreError((a.error.code ?? "STORE_UNAVAILABLE") as StoreErrorCode, a.error.message));
      else p.reject(Object.assign(new Error(a.error.message), a.error.code === undefined ? {} : { code: a.error.code }));
    });
    // A thread that dies (it cannot open the file, it runs out of memory) fails what it held; the next append starts another.
    const fail = (e: unknown): void => {
      if (this.#worker === w) this.#worker = undefined;
      const err = e instanceof Error ? e : new Error(`the SQLite append thread exited (${String(e)})`);
      for (const p of this.#pending.values()) p.reject(new StoreError("STORE_UNAVAILABLE", `SQLite append thread failed: ${err.message}`, { cause: err }));
      this.#pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => {
      if (this.#pending.size > 0) fail(new Error(`the SQLite append thread exited with code ${code}`));
      if (this.#worker === w) this.#worker = undefined;
    });
    w.unref();
    this.#worker = w;
    return w;
  }
}
