/**
 * A `/healthz` prober in a process of its own (forked by bignode-bench.ts): a monitor outside the node,
 * so that what it measures is the node's event loop alone. Probed from the node's own process, each
 * round trip's client half (connect, write, read, resolve) waits behind the same long tasks as the
 * node's half and counts them several times over.
 *
 * First IPC message: HealthzProbeSpec; it then probes every `probeMs` until the next message, and
 * answers with the round trips in ms.
 */
export interface HealthzProbeSpec {
  readonly url: string;
  readonly probeMs: number;
}

export type HealthzProbeMessage = { readonly type: "ready" } | { readonly type: "done"; readonly probes: number[] };

async function probe(spec: HealthzProbeSpec, stopped: () => boolean): Promise<number[]> {
  const probes: number[] = [];
  while (!stopped()) {
    const sent = performance.now();
    await (await fetch(`${spec.url}/healthz`)).text();
    probes.push(performance.now() - sent);
    await new Promise((r) => setTimeout(r, spec.probeMs));
  }
  return probes;
}

if (process.send) {
  process.once("message", (spec: HealthzProbeSpec) => {
    let stop = false;
    process.once("message", () => (stop = true));
    // One round trip untimed first: fetch's first call loads and sets up its client, which is not the node's delay.
    fetch(`${spec.url}/healthz`)
      .then((r) => r.text())
      .then(() => {
        process.send!({ type: "ready" } satisfies HealthzProbeMessage);
        return probe(spec, () => stop);
      })
      .then(
        (probes) => process.send!({ type: "done", probes } satisfies HealthzProbeMessage, () => process.exit(0)),
        () => process.exit(1),
      );
  });
}
