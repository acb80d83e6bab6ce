/**
 * A generic HTTP load generator: posts prepared bodies with `clients` concurrent keep-alive connections
 * and reports timings. Runs either in a worker thread (workerData = PostSpec; posts back
 * {type:"done", seconds, requests, latenciesMs} or {type:"error"}) or, through {@link postFromChild},
 * in a child process of its own — so that its CPU can be told apart from the node's (a worker thread's
 * CPU counts in the node process's `process.cpuUsage()`).
 */
import { fork } from "node:child_process";
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
  | { readonly type: "done"; readonly seconds: number; readonly requests: number; readonly latenciesMs: number[]; readonly cpuUs?: number }
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
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: spec.clients }, client));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { type: "done", seconds, requests: spec.bodies.length, latenciesMs, cpuUs: used.user + used.system };
}

const failed = (e: unknown): PostMessage => ({ type: "error", message: e instanceof Error ? e.message : String(e) });

/**
 * Runs the load in a child process; `onReady` runs once the child holds the bodies and just before it
 * starts posting (the caller starts its own CPU clock there). The answer's `cpuUs` is the child's CPU.
 */
export async function postFromChild(spec: PostSpec, onReady: () => void): Promise<Extract<PostMessage, { type: "done" }>> {
  const child = fork(new URL(import.meta.url), [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const m = await new Promise<PostMessage>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the load process exited (${code}) before answering`)));
      child.on("message", (msg: PostMessage | { type: "ready" }) => {
        if (msg.type === "ready") {
          onReady();
          child.send({ type: "go" });
        } else resolve(msg);
      });
      child.send({ type: "spec", spec });
    });
    if (m.type === "error") throw new Error(m.message);
    return m;
  } finally {
    child.removeAllListeners("exit");
    child.kill();
  }
}

if (parentPort) {
  run(workerData as PostSpec).then(
    (m) => parentPort!.postMessage(m),
    (e: unknown) => parentPort!.postMessage(failed(e)),
  );
} else if (process.send !== undefined && process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  let spec: PostSpec | undefined;
  process.on("message", (msg: { type: "spec"; spec: PostSpec } | { type: "go" }) => {
    if (msg.type === "spec") {
      spec = msg.spec;
      process.send!({ type: "ready" });
    } else {
      run(spec!).then(
        (m) => process.send!(m, () => process.exit(0)),
        (e: unknown) => process.send!(failed(e), () => process.exit(1)),
      );
    }
  });
}
