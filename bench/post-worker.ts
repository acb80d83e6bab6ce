/**
 * A generic HTTP load generator in a worker thread (the other core, like a separate client): posts
 * prepared bodies with `clients` concurrent keep-alive connections and reports timings.
 *
 * workerData = PostSpec; posts back {type:"done", seconds, requests, latenciesMs} or {type:"error"}.
 */
import { parentPort, workerData } from "node:worker_threads";

export interface PostSpec {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly bodies: readonly string[];
  readonly clients: number;
  /** Statuses that count as success. */
  readonly ok: readonly number[];
}

export type PostMessage =
  | { readonly type: "done"; readonly seconds: number; readonly requests: number; readonly latenciesMs: number[] }
  | { readonly type: "error"; readonly message: string };

async function run(spec: PostSpec): Promise<PostMessage> {
  let next = 0;
  const latenciesMs: number[] = [];
  const client = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= spec.bodies.length) return;
      const sent = performance.now();
      const res = await fetch(spec.url, { method: "POST", headers: spec.headers, body: spec.bodies[i]! });
      const text = await res.text();
      if (!spec.ok.includes(res.status)) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      latenciesMs.push(performance.now() - sent);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: spec.clients }, client));
  return { type: "done", seconds: (performance.now() - started) / 1000, requests: spec.bodies.length, latenciesMs };
}

run(workerData as PostSpec).then(
  (m) => parentPort!.postMessage(m),
  (e: unknown) => parentPort!.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) } satisfies PostMessage),
);
