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
  readonly #pending = new Map<number, { resolve: (c: RecordCheck[]) => void; reject: (e: Error) => void; worker: number }>();
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
      this.#pending.set(id, { resolve, reject, worker: slot });
      worker.ref();
      const req: CheckRequest = { id, posterId, keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey })), objects };
      worker.postMessage(req);
    });
  }

  #worker(slot: number): Worker {
    const existing = this.#workers[slot];
    if (existing) return existing;
    const w = new Worker(new URL("./record-check-worker.js", import.meta.url));
    // Idle workers must not keep the process alive.
    w.unref();
    w.on("message", (reply: CheckReply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (![...this.#pending.values()].some((q) => q.worker === slot)) w.unref();
      if ("error" in reply) p.reject(new Error(`record check failed: ${reply.error}`));
      else p.resolve(reply.checks);
    });
    const fail = (e: Error) => {
      if (this.#workers[slot] === w) this.#workers[slot] = undefined;
      for (const [id, p] of this.#pending) {
        if (p.worker !== slot) continue;
        this.#pending.delete(id);
        p.reject(e);
      }
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`record check worker exited with code ${code}`)));
    this.#workers[slot] = w;
    return w;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = this.#workers.filter((w): w is Worker => w !== undefined);
    this.#workers.fill(undefined);
    await Promise.all(all.map((w) => w.terminate()));
  }
}
