import { Piscina } from "piscina";
import type { CheckJob, CheckRequest } from "./record-check-worker.js";
import type { PosterKey, RecordCheck } from "./record-check.js";

/** Effectively unbounded: admission's own limits bound the work in flight. */
const QUEUED_PER_WORKER = 1 << 20;

/**
 * Admissions of fewer records than this wait for the end of the event-loop turn and go to the workers
 * together (one task per worker for all of them); larger ones are split across the workers at once.
 */
const SHARED_TASK_BELOW = 16;

interface Waiting {
  readonly job: CheckJob;
  readonly resolve: (checks: RecordCheck[]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Worker threads (a piscina pool of a fixed size) that run {@link checkRecord} — schema validation,
 * Ed25519 verification, JCS — off the main thread, so admission uses every core (the signature check
 * alone is most of a record's cost). A batch is split across the workers. The threads start on first
 * use, not when a node is opened (commands that never admit pay nothing); piscina replaces a worker
 * that dies, failing only the requests it held, and keeps idle workers from holding the process open.
 */
export class RecordCheckPool {
  #pool: Piscina<CheckRequest, RecordCheck[][]> | undefined;
  #closed = false;
  #waiting: Waiting[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("a check pool needs at least one worker");
  }

  /** Checks `objects` in parallel chunks; results in input order. */
  async check(posterId: string, keys: readonly PosterKey[], objects: readonly unknown[]): Promise<RecordCheck[]> {
    const ownKeys = keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey }));
    if (objects.length < SHARED_TASK_BELOW) return this.#share({ posterId, keys: ownKeys, objects });
    const chunks = Math.min(this.size, objects.length);
    const per = Math.ceil(objects.length / chunks);
    const parts: Promise<RecordCheck[][]>[] = [];
    for (let i = 0; i < objects.length; i += per) parts.push(this.#run([{ posterId, keys: ownKeys, objects: objects.slice(i, i + per) }]));
    return (await Promise.all(parts)).flat(2);
  }

  /**
   * A small admission waits for the others that arrive in the same event-loop turn: one-record requests
   * from many clients then cost each worker one hand-over (a message, a wake-up, a reply) per turn
   * instead of one per request, which is most of what a lone record's check costs beyond the check.
   */
  #share(job: CheckJob): Promise<RecordCheck[]> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ job, resolve, reject });
      if (this.#waiting.length === 1) setImmediate(() => this.#sendWaiting());
    });
  }

  #sendWaiting(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    const tasks = Math.min(this.size, waiting.length);
    const per = Math.ceil(waiting.length / tasks);
    for (let i = 0; i < waiting.length; i += per) {
      const group = waiting.slice(i, i + per);
      this.#run(group.map((w) => w.job)).then(
        (answers) => group.forEach((w, j) => w.resolve(answers[j]!)),
        (e: unknown) => group.forEach((w) => w.reject(e)),
      );
    }
  }

  async #run(jobs: readonly CheckJob[]): Promise<RecordCheck[][]> {
    try {
      return await this.#threads().run({ jobs } satisfies CheckRequest);
    } catch (e) {
      throw new Error(`record check failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  #threads(): Piscina<CheckRequest, RecordCheck[][]> {
    if (this.#closed) throw new Error("record check pool is closed");
    if (this.#pool) return this.#pool;
    const pool = new Piscina<CheckRequest, RecordCheck[][]>({
      filename: new URL("./record-check-worker.js", import.meta.url).href,
      minThreads: this.size,
      maxThreads: this.size,
      // Requests go to a worker's own queue at once (least busy first), as soon as they are made: held in
      // the pool's queue instead, each would wait for the main thread — busy parsing and appending — to
      // hand it over, and the workers would idle (the batch-of-1 000 admission bench lost 60 %).
      concurrentTasksPerWorker: QUEUED_PER_WORKER,
      // A worker takes each task as an event-loop message and answers it as soon as it is checked. With
      // piscina's default ('sync': Atomics.wait between tasks) a worker drains every task queued on it and
      // posts their answers only after the last, so an admission checked early waited for the ones queued
      // behind it; both workers then idled while the main thread and the append caught up (batch 1 000:
      // three answers arrived together 220 ms after the first was ready, and the node sat idle 18 % of the
      // time). Measured in 8 alternating pairs: batch 1 000 0.74 → 0.83× the verify rate; batch 1, where a
      // wake-up through the event loop costs a task ~60 µs more than a futex, 0.219 → 0.206× (docs/scaling.md §15).
      atomics: "disabled",
    });
    // A worker that dies with no request on it: piscina replaces it; the event must have a listener.
    pool.on("error", () => undefined);
    this.#pool = pool;
    return pool;
  }

  /**
   * Starts every worker and resolves once each has compiled the STIX schemas (about a second of CPU
   * each), so that a node says it is listening only when its first requests will be answered at speed:
   * one empty request per worker, sent together so that each idle worker takes one, and answered only
   * once that worker has loaded its module (which compiles the schemas).
   */
  async warm(): Promise<void> {
    await Promise.all(Array.from({ length: this.size }, () => this.#run([])));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool?.destroy();
    this.#pool = undefined;
  }
}
