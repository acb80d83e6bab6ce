/**
 * A `/healthz` prober in a process of its own (forked by bignode-bench.ts): a monitor outside the node,
 * so that what it measures is the node's event loop alone. Probed from the node's own process, each
 * round trip's client half (connect, write, read, resolve) waits behind the same long tasks as the
 * node's half and counts them several times over; probed from the load client's process, behind the
 * load's responses there.
 *
 * First IPC message: HealthzProbeSpec; it then probes every `probeMs` until the next message, and
 * answers with the round trips in ms.
 */
export interface HealthzProbeSpec {
  readonly url: string;
  readonly probeMs: number;
}

export type HealthzProbeMessage = { readonly type: "ready" } | { readonly type: "done"; readonly probes: number[] };

/** `/healthz` round trips (ms), one every `probeMs` after the last answer, until `stopped()`. */
async function probeHealthz(url: string, probeMs: number, stopped: () => boolean): Promise<number[]> {
  const probes: number[] = [];
  while (!stopped()) {
    const sent = performance.now();
    await (await fetch(`${url}/healthz`)).text();
    probes.push(performance.now() - sent);
    await new Promise((r) => setTimeout(r, probeMs));
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
        return probeHealthz(spec.url, spec.probeMs, () => stop);
      })
      .then(
        (probes) => process.send!({ type: "done", probes } satisfies HealthzProbeMessage, () => process.exit(0)),
        () => process.exit(1),
      );
  });
}
