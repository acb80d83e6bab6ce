import { mkdirSync } from "node:fs";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { DEFAULT_CONFIG, LOG_LEVELS, parseConfig, type NodeConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";
import { formatDemoBanner } from "../demo/demo-banner.js";
import { demoClockFor, isNewNode, loadDemoScenario, type DemoSummary } from "../demo/demo-scenario.js";
import { describeStore } from "../store/open-store.js";
import { EnvironmentError, isSystemError, UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION } from "./node-options.js";

/**
 * `tocsin serve [--data DIR] [--db postgres://…] [--lease-ttl MS] [--advertise URL] [--host H] [--port P] [--origin NAME]
 * [--checkpoint-interval MS] [--internal-append] [--check-workers N] [--log-level LEVEL] [--demo]
 * [--witness URL=VKEY]… [--witness-quorum K] [--witness-interval MS] [--witness-ml-dsa] [--outbox-interval MS] [--delivery-backoff-cap MS] [--delivery-timeout MS] [--gossip URL]… [--gossip-interval MS]`: starts a node and prints its URLs. With
 * `--db` (or TOCSIN_DB) the store is that PostgreSQL database, which several processes may share
 * (`--data` then holds only the keys); without, SQLite in `--data`. `--demo` first loads the illustrative
 * demo scenario into a new node (src/demo/). SIGINT/SIGTERM close it cleanly (queued appends are
 * committed first).
 */
export const serveCommand = defineCommand(
  {
    name: "serve",
    summary: "Start a node (SQLite in --data, or a PostgreSQL database several processes share) and print its URLs.",
    description:
      "The first start creates the data directory, the log key DIR/log.key and the log's origin. SIGINT or SIGTERM " +
      "closes the node cleanly (queued appends are committed first).",
    options: {
      data: DATA_OPTION,
      db: DB_OPTION,
      host: { type: "string", value: "H", help: "the address to listen on", default: DEFAULT_CONFIG.host },
      port: { type: "string", value: "P", help: "the port to listen on; 0 picks a free one", default: String(DEFAULT_CONFIG.port) },
      origin: { type: "string", value: "NAME", help: "the log's origin line and key name, fixed at the first start (default localhost/tocsin/<random>)" },
      "checkpoint-interval": { type: "string", value: "MS", help: "sign at most one checkpoint per interval (default 0: after every batch)" },
      "check-workers": { type: "string", value: "N", help: "worker threads that validate and verify incoming records (default one per core, at most 8; 0: the main thread)" },
      "lease-ttl": { type: "string", value: "MS", help: "with --db: how long the sequencing lease lasts unrenewed, so how soon another process takes over (default 5000)" },
      advertise: { type: "string", value: "URL", help: "with --db: where the other processes reach this one when it sequences (default the address it listens on)" },
      "internal-append": { type: "boolean", help: "expose POST /internal/v1/log/entries, raw appends for tests and benchmarks (never in production)" },
      "log-level": { type: "string", value: "LEVEL", help: `what the node logs (pino levels: ${LOG_LEVELS.join(", ")})`, env: "TOCSIN_LOG_LEVEL", default: DEFAULT_CONFIG.logLevel },
      demo: { type: "boolean", help: "load the illustrative demo scenario into a new node first and print its parties' tokens" },
      witness: {
        type: "string",
        value: "URL=VKEY",
        multiple: true,
        help: "a witness of this log: its submission prefix (POST URL/add-checkpoint) and cosigner vkey; every checkpoint is submitted to it",
      },
      "witness-quorum": { type: "string", value: "K", help: "serve at /log/checkpoint the latest checkpoint K witnesses cosigned (default all of them)" },
      "witness-interval": { type: "string", value: "MS", help: "how often checkpoints not yet cosigned are submitted (default 1000)" },
      "witness-ml-dsa": { type: "boolean", help: "as a witness, also cosign with ML-DSA-44 (creates DIR/witness-ml-dsa.key)" },
      gossip: {
        type: "string",
        value: "URL",
        multiple: true,
        help: "a node to gossip checkpoints with: each round pulls its /log/checkpoint and pushes what this node holds to its POST /gossip/checkpoints",
      },
      "gossip-interval": { type: "string", value: "MS", help: "how often a gossip round runs (default 5000)" },
      "webhook-allow-host": { type: "string", value: "HOST", multiple: true, help: "only these hosts may receive webhooks (default any public host)" },
      "webhook-allow-private": { type: "boolean", help: "let webhooks reach loopback, private and link-local addresses (off: SSRF protection)" },
      "webhook-retry-base": { type: "string", value: "MS", help: "wait before a failed webhook delivery's second attempt, doubling after (default 1000)" },
      "webhook-interval": { type: "string", value: "MS", help: "how often webhook deliveries are queued and sent (default 500)" },
      "deadline-lead": { type: "string", value: "MS", help: "how long before an unmet deadline its recipient gets a deadline event (default 3600000)" },
      "outbox-interval": { type: "string", value: "MS", help: "how often records for peer nodes and due retries are looked for (default 250)" },
      "delivery-backoff-cap": { type: "string", value: "MS", help: "the longest wait between two attempts of a failing delivery to a peer (default 60000)" },
      "delivery-timeout": { type: "string", value: "MS", help: "how long one delivery to a peer may take before it fails: how soon a cut link is noticed (default 10000)" },
    },
  },
  async ({ values }, out) => {
    let config: NodeConfig;
    try {
      config = parseConfig({
        dataDir: values.data,
        db: values.db,
        leaseTtlMs: values["lease-ttl"],
        advertiseUrl: values.advertise,
        host: values.host,
        port: values.port,
        origin: values.origin,
        checkpointIntervalMs: values["checkpoint-interval"],
        gossip: values.gossip,
        gossipIntervalMs: values["gossip-interval"],
        internalAppend: values["internal-append"],
        checkWorkers: values["check-workers"],
        logLevel: values["log-level"],
        witnesses: values.witness.map(parseWitnessOption),
        witnessQuorum: values["witness-quorum"],
        webhookAllowHosts: values["webhook-allow-host"],
        webhookAllowPrivate: values["webhook-allow-private"],
        webhookRetryBaseMs: values["webhook-retry-base"],
        webhookIntervalMs: values["webhook-interval"],
        deadlineLeadMs: values["deadline-lead"],
        witnessIntervalMs: values["witness-interval"],
        witnessMlDsa: values["witness-ml-dsa"],
        outboxIntervalMs: values["outbox-interval"],
        deliveryBackoffCapMs: values["delivery-backoff-cap"],
        deliveryTimeoutMs: values["delivery-timeout"],
      });
    } catch (e) {
      if (e instanceof TocsinError) throw new UsageError(e.message);
      throw e;
    }
    createDataDir(config.dataDir);
    const demoClock = values.demo ? demoClockFor(config.dataDir) : undefined;
    const node = await openNode(config, demoClock ? { clock: demoClock } : {});
    let demo: DemoSummary | undefined;
    let base: string;
    try {
      if (demoClock) {
        // A node that existed before keeps real time: its log's times are real ones.
        if (!(await isNewNode(node))) demoClock.release();
        // SQLite sequences from the start: load before listening, so no request sees the scripted clock.
        if (config.db === undefined) demo = await loadDemoScenario(node, demoClock);
      }
      await node.warmUp();
      base = await listen(node, config);
      // On a shared database: compete for the sequencing lease, advertising where to forward writes.
      await node.startLeadership(config.advertiseUrl ?? base);
      if (demoClock && config.db !== undefined && !demoClock.released) demo = await loadDemoOnSharedDatabase(node, demoClock, config);
    } catch (e) {
      demoClock?.release();
      await node.close();
      throw e;
    }
    demoClock?.release();
    out(
      [
        `Tocsin node listening on ${base}`,
        `  web UI:       ${base}/ (sign in with a party's API token)`,
        `  log origin:   ${node.signer.name}`,
        `  data:         ${config.dataDir}`,
        ...(config.db !== undefined
          ? [`  database:     ${describeStore(config)} (${node.sequencer.running ? "sequencing" : "following; writes forwarded to the sequencing process"})`]
          : []),
        `  checkpoint:   ${base}/log/checkpoint`,
        `  tiles:        ${base}/log/tile/0/000.p/1 (C2SP tlog-tiles)`,
        `  proofs:       ${base}/log/proof/inclusion?index=0&size=1`,
        `  witness:      POST ${base}/witness/add-checkpoint, key ${node.witness.verifierKeys()[0]}`,
        `  alarms:       ${base}/witness/alarms (gossip: POST ${base}/gossip/checkpoints)`,
        ...(config.internalAppend ? [`  raw appends:  POST ${base}/internal/v1/log/entries`] : []),
        "",
      ].join("\n") + (demoClock ? formatDemoBanner(demo, base, `--data ${config.dataDir}${config.db === undefined ? "" : ` --db ${describeStore(config)}`}`) : ""),
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
  },
);

/** `--witness URL=VKEY`: the URL ends at the first "=" that a vkey follows (base64 keys hold "=" too). */
function parseWitnessOption(s: string): { url: string; vkey: string } {
  const i = s.search(/=[^=+\s]+\+[0-9a-f]{8}\+/);
  if (i <= 0) throw new UsageError(`--witness must be URL=VKEY, not ${s}`);
  return { url: s.slice(0, i), vkey: s.slice(i + 1) };
}

/** The data directory (keys, and the SQLite file without --db), created on first start, private to its owner. */
function createDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    if (isSystemError(e)) throw new EnvironmentError(`cannot create the data directory ${dir}: ${e.code} (${e.message.replace(/^[A-Z]+: /, "").split(",")[0]})`);
    throw e;
  }
}

/** Listens, or says in one line why the address cannot be used (a taken port, a host not on this machine). */
async function listen(node: TocsinNode, config: NodeConfig): Promise<string> {
  try {
    const address = await node.app.listen({ host: config.host, port: config.port });
    return address.replace("[::1]", "localhost");
  } catch (e) {
    if (!isSystemError(e)) throw e;
    const where = `${config.host}:${config.port}`;
    if (e.code === "EADDRINUSE") throw new EnvironmentError(`cannot listen on ${where}: the port is taken (EADDRINUSE); stop what uses it or choose another --port`);
    throw new EnvironmentError(`cannot listen on ${where}: ${e.code}`);
  }
}

/**
 * On a shared database the demo's records must be sequenced by this process, on its scripted clock (a
 * hand-over to another process would log them at that process's real time): wait until this process
 * holds the sequencing lease, then load. If another process keeps the lease, the demo is not loaded.
 */
async function loadDemoOnSharedDatabase(node: TocsinNode, clock: Parameters<typeof loadDemoScenario>[1], config: NodeConfig): Promise<DemoSummary | undefined> {
  const deadline = Date.now() + 2 * config.leaseTtlMs + 1000;
  while (!node.sequencer.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!node.sequencer.running) {
    process.stderr.write("tocsin serve: demo not loaded: another process holds this database's sequencing lease\n");
    return undefined;
  }
  return loadDemoScenario(node, clock);
}
