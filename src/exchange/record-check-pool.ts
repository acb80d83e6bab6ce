import { Worker } from "node:worker_threads";
import type { CheckReply, CheckRequest } from "./record-check-worker.js";
import type { PosterKey, RecordCheck } from "./record-check.js";

/**
 * Worker threads that run {@link checkRecord} — schema validation, Ed25519 verification, JCS — off the
 * main thread, so admission uses every core (the signature check alone is most of a record's cost).
 * A batch is split across the workers; workers start on first use (each compiles the STIX schemas
 * once) and one that dies is replaced, failing only the requests it held.
 */
export class RecordCheckPool {
  readonly #workers: (Worker | undefined)[];
  readonly #pending = new Map<number, { resolve: (c: RecordCheck[]) => void; reject: (e: Error) => void; worker: number; thread: Worker }>();
  /** Per slot: settles when that worker has compiled its validator (or failed to start). */
  readonly #ready: Promise<void>[] = [];
  #nextId = 1;
  #next = 0;
  #closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("a check pool needs at least one worker");
    this.#workers = new Array<Worker | undefined>(size).fill(undefined);
  }

  /** Checks `objects` in parallel chunks; results in input order. */
  async check(posterId: string, keys: readonly PosterKey[], objects: readonly unknown[]): Promise<RecordCheck[]> {
    const chunks = Math.min(this.size, objects.length);
    const per = Math.ceil(objects.length / chunks);
    const parts: Promise<RecordCheck[]>[] = [];
    for (let i = 0; i < objects.length; i += per) parts.push(this.#send(posterId, keys, objects.slice(i, i + per)));
    return (await Promise.all(parts)).flat();
  }

  #send(posterId: string, keys: readonly PosterKey[], objects: readonly unknown[]): Promise<RecordCheck[]> {
    if (this.#closed) return Promise.reject(new Error("record check pool is closed"));
    const slot = this.#next;
    this.#next = (this.#next + 1) % this.size;
    const worker = this.#worker(slot);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker: slot, thread: worker });
      worker.ref();
      const req: CheckRequest = { id, posterId, keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey })), objects };
      worker.postMessage(req);
    });
  }

  #worker(slot: number): Worker {
    const existing = this.#workers[slot];
    if (existing) return existing;
    const w = new Worker(new URL("./record-check-worker.js", import.meta.url));
    let markReady!: () => void;
    let failStart!: (e: Error) => void;
    this.#ready[slot] = new Promise<void>((resolve, reject) => ((markReady = resolve), (failStart = reject)));
    // Nobody may be waiting for it: an unobserved start failure is reported through the requests instead.
    this.#ready[slot].catch(() => undefined);
    // Idle workers must not keep the process alive.
    w.unref();
    w.on("message", (reply: CheckReply) => {
      if (reply.id === undefined) {
        markReady();
        return;
      }
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (!this.#busy(slot)) w.unref();
      if ("error" in reply) p.reject(new Error(`record check failed: ${reply.error}`));
      else p.resolve(reply.checks);
    });
    const fail = (e: Error) => {
      failStart(e);
      if (this.#workers[slot] === w) this.#workers[slot] = undefined;
      // Only this thread's requests: a dying worker reports 'error' and later 'exit', and by then its
      // slot may hold a replacement with requests of its own.
      for (const [id, p] of this.#pending) {
        if (p.thread !== w) continue;
        this.#pending.delete(id);
        p.reject(e);
      }
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`record check worker exited with code ${code}`)));
    this.#workers[slot] = w;
    return w;
  }

  /**
   * Starts every worker and resolves once each has compiled the STIX schemas (about a second of CPU
   * each), so that a node says it is listening only when its first requests will be answered at speed.
   */
  async warm(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.size }, async (_, slot) => {
        const w = this.#worker(slot);
        // Held while it starts: before the server listens, nothing else keeps the process alive.
        w.ref();
        try {
          await this.#ready[slot];
        } finally {
          if (!this.#busy(slot)) w.unref();
        }
      }),
    );
  }

  #busy(slot: number): boolean {
    for (const p of this.#pending.values()) if (p.worker === slot) return true;
    return false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = this.#workers.filter((w): w is Worker => w !== undefined);
    this.#workers.fill(undefined);
    await Promise.all(all.map((w) => w.terminate()));
  }
}
