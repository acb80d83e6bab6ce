/**
 * A generic HTTP load generator in a worker thread (the other core, like a separate client) or in a
 * child process of its own (`fork`, for a bench that reports the node's CPU apart from the clients'):
 * posts prepared bodies with `clients` concurrent keep-alive connections and reports timings.
 *
 * In a worker: workerData = PostSpec; posts back {type:"done", seconds, requests, latenciesMs} or
 * {type:"error"}. In a child process: it serves one run after another, so that its code is as warm in
 * the timed run as the node's (a fresh client process spends its first seconds in V8's compiler, on
 * the cores the node is measured on). Each run's spec arrives as an IPC message, answered {type:"ready"};
 * the next message ("go") starts the clients; "done" also carries `cpuUs`, the CPU the client process
 * used while posting (user + system, every thread). The process ends when the parent disconnects.
 */
import { Agent } from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { postOnce } from "./keep-alive-post.js";

export interface PostSpec {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly bodies: readonly string[];
  readonly clients: number;
  /** Statuses that count as success. */
  readonly ok: readonly number[];
}

export type PostMessage =
  | { readonly type: "done"; readonly seconds: number; readonly requests: number; readonly latenciesMs: number[]; readonly cpuUs?: number }
  | { readonly type: "error"; readonly message: string };

async function run(spec: PostSpec): Promise<PostMessage> {
  const url = new URL(spec.url);
  if (url.protocol !== "http:") throw new Error(`the load generator speaks plain HTTP only, not ${url.protocol}`);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.clients });
  let next = 0;
  const latenciesMs: number[] = [];
  const client = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= spec.bodies.length) return;
      const sent = performance.now();
      const { status, text } = await postOnce(url, agent, spec.headers, spec.bodies[i]!);
      if (!spec.ok.includes(status)) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
      latenciesMs.push(performance.now() - sent);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: spec.clients }, client)).finally(() => agent.destroy());
  return { type: "done", seconds: (performance.now() - started) / 1000, requests: spec.bodies.length, latenciesMs };
}

const failed = (e: unknown): PostMessage => ({ type: "error", message: e instanceof Error ? e.message : String(e) });

if (parentPort) {
  const port = parentPort;
  run(workerData as PostSpec).then(
    (m) => port.postMessage(m),
    (e: unknown) => port.postMessage(failed(e)),
  );
} else if (process.send) {
  const send = (m: PostMessage): void => void process.send!(m);
  // The spec, then "go": the parent starts its clock only once the bodies have crossed over.
  let spec: PostSpec | undefined;
  process.on("message", (m: PostSpec | "go") => {
    if (m !== "go") {
      spec = m;
      process.send!({ type: "ready" });
      return;
    }
    const cpu = process.cpuUsage();
    run(spec!).then(
      (done) => {
        const used = process.cpuUsage(cpu);
        send({ ...done, ...(done.type === "done" ? { cpuUs: used.user + used.system } : {}) });
      },
      (e: unknown) => send(failed(e)),
    );
    spec = undefined;
  });
  process.once("disconnect", () => process.exit(0));
}
