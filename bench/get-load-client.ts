/**
 * A read load in a child process (a separate client, off the node's event loop and out of its RSS):
 * `clients` concurrent loops GET the URLs of `targets` in turn for `seconds`, recording each answer's
 * latency by target name. `/healthz` is probed meanwhile from a process of its own (healthz-probe.ts).
 *
 * IPC: receives a GetLoadSpec; answers {type:"done", latencies: {name: ms[]}, requests} or
 * {type:"error", message}.
 */

export interface GetLoadSpec {
  readonly base: string;
  readonly headers: Record<string, string>;
  /** Named request kinds; each has several URLs taken round-robin. */
  readonly targets: Record<string, string[]>;
  readonly clients: number;
  readonly seconds: number;
}

export type GetLoadMessage =
  | { readonly type: "done"; readonly latencies: Record<string, number[]>; readonly requests: number }
  | { readonly type: "error"; readonly message: string };

async function run(spec: GetLoadSpec): Promise<GetLoadMessage> {
  const names = Object.keys(spec.targets);
  const latencies: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const until = performance.now() + spec.seconds * 1000;
  let turn = 0;
  let requests = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < until) {
      const t = turn++;
      const name = names[t % names.length]!;
      const urls = spec.targets[name]!;
      const url = urls[Math.floor(t / names.length) % urls.length]!;
      const sent = performance.now();
      const res = await fetch(`${spec.base}${url}`, { headers: spec.headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
      latencies[name]!.push(performance.now() - sent);
      requests++;
    }
  };
  await Promise.all(Array.from({ length: spec.clients }, client));
  return { type: "done", latencies, requests };
}

if (process.send) {
  process.once("message", (spec: GetLoadSpec) => {
    run(spec).then(
      (m) => process.send!(m, () => process.exit(0)),
      (e: unknown) => process.send!({ type: "error", message: e instanceof Error ? e.message : String(e) } satisfies GetLoadMessage, () => process.exit(1)),
    );
  });
}
