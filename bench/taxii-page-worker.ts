/**
 * A TAXII reader in a worker thread or a child process (the other core, like a separate client
 * process): pages through a collection's objects with `limit`, following `next` while `more`, and
 * reports per-request latency.
 *
 * As a worker: workerData = PageSpec; posts back {type:"done", seconds, objects, latenciesMs} or
 * {type:"error"}. As a child process (`fork`, so the node's RSS is measured without the client's
 * memory): the first IPC message is the PageSpec, the answer goes back the same way.
 */
import { parentPort, workerData } from "node:worker_threads";

export interface PageSpec {
  /** The objects URL of the collection, ending in /objects/. */
  readonly url: string;
  readonly limit: number;
  readonly headers: Record<string, string>;
  /** Times through the whole collection (default 1): a small collection is paged several times so its percentiles rest on enough pages. */
  readonly laps?: number;
}

export type PageMessage =
  | {
      readonly type: "done";
      readonly seconds: number;
      readonly objects: number;
      readonly distinct: number;
      readonly bytes: number;
      readonly latenciesMs: number[];
      /** The client's own CPU (fetch, reading and parsing the pages), µs. */
      readonly cpuUs: number;
    }
  | { readonly type: "error"; readonly message: string };

async function run(spec: PageSpec): Promise<PageMessage> {
  const latenciesMs: number[] = [];
  const ids = new Set<string>();
  let objects = 0;
  let bytes = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  for (let lap = 0; lap < (spec.laps ?? 1); lap++) {
    let url = `${spec.url}?limit=${spec.limit}`;
    for (;;) {
      const sent = performance.now();
      const res = await fetch(url, { headers: spec.headers });
      const text = await res.text();
      latenciesMs.push(performance.now() - sent);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      bytes += text.length;
      const page = JSON.parse(text) as { more?: boolean; next?: string; objects?: { id: string }[] };
      for (const o of page.objects ?? []) ids.add(o.id);
      objects += page.objects?.length ?? 0;
      if (!page.more) break;
      url = `${spec.url}?limit=${spec.limit}&next=${encodeURIComponent(page.next!)}`;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return { type: "done", seconds: (performance.now() - started) / 1000, objects, distinct: ids.size, bytes, latenciesMs, cpuUs: cpu.user + cpu.system };
}

const failed = (e: unknown): PageMessage => ({ type: "error", message: e instanceof Error ? e.message : String(e) });
if (parentPort) {
  run(workerData as PageSpec).then(
    (m) => parentPort!.postMessage(m),
    (e: unknown) => parentPort!.postMessage(failed(e)),
  );
} else if (process.send) {
  process.once("message", (spec: PageSpec) => {
    run(spec).then(
      (m) => process.send!(m, () => process.exit(0)),
      (e: unknown) => process.send!(failed(e), () => process.exit(0)),
    );
  });
}
