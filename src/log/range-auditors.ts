import { Worker } from "node:worker_threads";
import { formatVerifierKey, type NoteVerifier } from "../core/note/index.js";
import type { StoreLocation } from "../store/open-store.js";
import type { LogStore } from "../store/store.js";
import type { RecordAuditor } from "./audit-records.js";
import { auditRange, type RangeAudit, type RangeRequest } from "./audit-range.js";
import type { RangeThreadData, RangeThreadReply, RangeThreadRequest } from "./audit-range-thread.js";

/** Audits ranges of the log; results may come back in any order. */
export interface RangeAuditors {
  readonly parallelism: number;
  audit(req: RangeRequest): Promise<RangeAudit>;
  close(): Promise<void>;
}

/** On the caller's own thread and store, one range at a time. */
export function inlineRangeAuditor(store: LogStore, verifier: NoteVerifier, records: RecordAuditor | undefined): RangeAuditors {
  return { parallelism: 1, audit: (req) => auditRange(store, verifier, req, records), close: async () => undefined };
}

/**
 * Worker threads that each open the store at `at` and audit one range at a time: the audit is O(n)
 * hashing and reading, split by range, so N threads divide its time by up to N (a log of 10⁹ entries
 * audited on one core takes hours; on 16, minutes).
 */
export async function threadRangeAuditors(at: StoreLocation, verifier: NoteVerifier, records: boolean, threads: number): Promise<RangeAuditors> {
  const data: RangeThreadData = { at, vkey: formatVerifierKey(verifier), records };
  const started = await Promise.allSettled(Array.from({ length: threads }, () => startThread(data)));
  const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw failed.reason;
  }
  // A thread that died already has its exit resolved: closing waits only for the living.
  const exits = new Map(workers.map((w) => [w, new Promise<void>((resolve) => w.once("exit", () => resolve()))]));
  for (const w of workers) w.on("error", () => undefined); // the range that was running it is rejected by ask()
  const idle = [...workers];
  const waiting: ((w: Worker) => void)[] = [];
  const release = (w: Worker): void => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  return {
    parallelism: workers.length,
    async audit(req) {
      const worker = idle.pop() ?? (await new Promise<Worker>((resolve) => waiting.push(resolve)));
      try {
        return await ask(worker, req);
      } finally {
        release(worker);
      }
    },
    async close() {
      await Promise.all(
        workers.map((w) => {
          w.postMessage({ kind: "close" } satisfies RangeThreadRequest);
          return exits.get(w);
        }),
      );
    },
  };
}

function startThread(data: RangeThreadData): Promise<Worker> {
  const worker = new Worker(new URL("./audit-range-thread.js", import.meta.url), { workerData: data });
  return new Promise((resolve, reject) => {
    worker.once("message", () => {
      worker.off("error", reject);
      resolve(worker);
    });
    worker.once("error", reject);
  });
}

function ask(worker: Worker, req: RangeRequest): Promise<RangeAudit> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      worker.off("message", onReply);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onReply = (reply: RangeThreadReply): void => {
      settle();
      if (reply.ok) resolve(reply.audit);
      else reject(new Error(`audit of entries ${req.start}..${req.end - 1} failed: ${reply.error}`));
    };
    const onError = (e: Error): void => {
      settle();
      reject(e);
    };
    const onExit = (): void => {
      settle();
      reject(new Error(`the audit thread of entries ${req.start}..${req.end - 1} stopped`));
    };
    worker.on("message", onReply);
    worker.on("error", onError);
    worker.on("exit", onExit);
    if (worker.threadId < 0) onExit(); // stopped before it was asked
    else worker.postMessage({ kind: "range", req } satisfies RangeThreadRequest);
  });
}
