/**
 * HTTP load generator for the log benchmark, run in a worker thread so that building requests and
 * reading answers happens on the other core, as it would in a separate client process, and not on
 * the event loop of the node being measured.
 *
 * Protocol with the parent: workerData = LoadSpec; the worker pre-builds every request body (all
 * leaves distinct, random), posts {type:"ready"}, waits for "go", runs `clients` concurrent
 * keep-alive connections through the global fetch (undici pools and reuses connections per origin),
 * and posts {type:"done", …} or {type:"error", message}.
 */
import { randomBytes } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";

export interface LoadSpec {
  readonly url: string;
  readonly batch: number;
  readonly clients: number;
  readonly total: number;
  readonly leafBytes: number;
}

export type LoadMessage =
  | { readonly type: "ready"; readonly bodyBytes: number }
  | { readonly type: "done"; readonly seconds: number; readonly appended: number; readonly requests: number; readonly latenciesMs: number[] }
  | { readonly type: "error"; readonly message: string };

function buildBodies(spec: LoadSpec): string[] {
  const bodies: string[] = [];
  for (let start = 0; start < spec.total; start += spec.batch) {
    const n = Math.min(spec.batch, spec.total - start);
    const raw = randomBytes(n * spec.leafBytes);
    const entries = new Array<string>(n);
    for (let i = 0; i < n; i++) entries[i] = raw.toString("base64", i * spec.leafBytes, (i + 1) * spec.leafBytes);
    bodies.push(JSON.stringify({ entries }));
  }
  return bodies;
}

async function run(spec: LoadSpec, bodies: readonly string[]): Promise<LoadMessage> {
  let next = 0;
  let appended = 0;
  const latenciesMs: number[] = [];
  const client = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      const sent = performance.now();
      const res = await fetch(spec.url, { method: "POST", headers: { "content-type": "application/json" }, body: bodies[i]! });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      const answer = JSON.parse(text) as { entries?: { index: number }[] };
      const expected = Math.min(spec.batch, spec.total - i * spec.batch);
      if (answer.entries?.length !== expected) throw new Error(`asked to append ${expected} entries, the node answered ${answer.entries?.length}`);
      latenciesMs.push(performance.now() - sent);
      appended += expected;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: spec.clients }, client));
  const seconds = (performance.now() - started) / 1000;
  return { type: "done", seconds, appended, requests: bodies.length, latenciesMs };
}

const port = parentPort;
if (port) {
  const spec = workerData as LoadSpec;
  const post = (m: LoadMessage): void => port.postMessage(m);
  try {
    const bodies = buildBodies(spec);
    port.once("message", () => {
      run(spec, bodies).then(post, (e: unknown) => post({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
    });
    post({ type: "ready", bodyBytes: bodies.reduce((s, b) => s + b.length, 0) });
  } catch (e) {
    post({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}
