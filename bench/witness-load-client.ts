/**
 * The add-checkpoint load of the network benchmark, in a child process: the witness being measured
 * runs in the parent, so the client's own work (building requests, reading answers) is not charged to
 * the witness's event loop nor to its CPU time. Each log is one submitter sending its requests in order
 * (request i+1 extends what request i had cosigned, as a log's collector does); all logs at once, each
 * over its own keep-alive connection (node:http Agent), as separate logs would.
 *
 * IPC: receives a WitnessLoadSpec, answers {type:"ready"}; on "go" runs, then answers {type:"done", …}
 * or {type:"error", message} (so the parent measures its CPU over the load only, not the hand-over).
 */
import { Agent } from "node:http";
import { postOnce } from "./keep-alive-post.js";

export interface WitnessLoadSpec {
  /** The witness's add-checkpoint URL. */
  readonly url: string;
  /** Per log, its request bodies in order. */
  readonly bodies: readonly (readonly string[])[];
}

export type WitnessLoadMessage =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly seconds: number; readonly requests: number; readonly latenciesMs: number[] }
  | { readonly type: "error"; readonly message: string };

async function run(spec: WitnessLoadSpec): Promise<WitnessLoadMessage> {
  const url = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.bodies.length });
  const latenciesMs: number[] = [];
  let requests = 0;
  const started = performance.now();
  try {
    await Promise.all(
      spec.bodies.map(async (bodies) => {
        for (const body of bodies) {
          const sent = performance.now();
          const res = await postOnce(url, agent, { "content-type": "text/plain" }, body);
          if (res.status !== 200) throw new Error(`add-checkpoint answered ${res.status}: ${res.text.slice(0, 300)}`);
          latenciesMs.push(performance.now() - sent);
          requests++;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { type: "done", seconds: (performance.now() - started) / 1000, requests, latenciesMs };
}

if (process.send) {
  process.once("message", (spec: WitnessLoadSpec) => {
    process.once("message", () =>
      run(spec).then(
        (m) => process.send!(m, () => process.exit(0)),
        (e: unknown) => process.send!({ type: "error", message: e instanceof Error ? e.message : String(e) } satisfies WitnessLoadMessage, () => process.exit(1)),
      ),
    );
    process.send!({ type: "ready" } satisfies WitnessLoadMessage);
  });
}
