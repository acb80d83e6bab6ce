import { parseArgs } from "node:util";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { parseConfig } from "../node/config.js";
import { openNode } from "../node/node.js";
import { formatDemoBanner } from "../demo/demo-banner.js";
import { demoClockFor, loadDemoScenario } from "../demo/demo-scenario.js";
import { describeStore } from "../store/open-store.js";
import { UsageError } from "./cli-errors.js";

/**
 * `tocsin serve [--data DIR] [--db postgres://…] [--lease-ttl MS] [--advertise URL] [--host H] [--port P] [--origin NAME]
 * [--checkpoint-interval MS] [--internal-append] [--check-workers N] [--log-level LEVEL] [--demo]`: starts a node and prints its URLs. With
 * `--db` (or TOCSIN_DB) the store is that PostgreSQL database, which several processes may share
 * (`--data` then holds only the keys); without, SQLite in `--data`. `--demo` first loads the illustrative
 * demo scenario into a new data directory (src/demo/). SIGINT/SIGTERM close it cleanly (queued
 * appends are committed first).
 */
export async function serveCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: "string" },
        db: { type: "string" },
        "lease-ttl": { type: "string" },
        advertise: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        origin: { type: "string" },
        "checkpoint-interval": { type: "string" },
        "internal-append": { type: "boolean" },
        "check-workers": { type: "string" },
        "log-level": { type: "string" },
        quiet: { type: "boolean", default: false },
        demo: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let config;
  try {
    config = parseConfig({
      dataDir: values.data ?? process.env.TOCSIN_DATA,
      db: values.db ?? (process.env.TOCSIN_DB || undefined),
      leaseTtlMs: values["lease-ttl"],
      advertiseUrl: values.advertise,
      host: values.host,
      port: values.port,
      origin: values.origin,
      checkpointIntervalMs: values["checkpoint-interval"],
      internalAppend: values["internal-append"],
      checkWorkers: values["check-workers"],
      logLevel: values["log-level"] ?? (process.env.TOCSIN_LOG_LEVEL || undefined),
    });
  } catch (e) {
    if (e instanceof TocsinError) throw new UsageError(e.message);
    throw e;
  }
  const demoClock = values.demo ? demoClockFor(config.dataDir) : undefined;
  const node = await openNode(config, demoClock ? { clock: demoClock } : {});
  const demo = demoClock ? await loadDemoScenario(node, demoClock) : undefined;
  demoClock?.release();
  await node.warmUp();
  const address = await node.app.listen({ host: config.host, port: config.port });
  const base = address.replace("[::1]", "localhost");
  // On a shared database: compete for the sequencing lease, advertising where to forward writes.
  await node.startLeadership(config.advertiseUrl ?? base);
  out(
    [
      `Tocsin node listening on ${base}`,
      `  log origin:   ${node.signer.name}`,
      `  data:         ${config.dataDir}`,
      ...(config.db !== undefined
        ? [`  database:     ${describeStore(config)} (${node.sequencer.running ? "sequencing" : "following; writes forwarded to the sequencing process"})`]
        : []),
      `  checkpoint:   ${base}/log/checkpoint`,
      `  tiles:        ${base}/log/tile/0/000.p/1 (C2SP tlog-tiles)`,
      `  proofs:       ${base}/log/proof/inclusion?index=0&size=1`,
      ...(config.internalAppend ? [`  raw appends:  POST ${base}/internal/v1/log/entries`] : []),
      "",
    ].join("\n") + (demoClock ? formatDemoBanner(demo, base) : ""),
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      node.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}
