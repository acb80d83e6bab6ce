/**
 * Benchmark entry point: `npm run bench -- <name> [args…]` (= `node dist-test/bench/run.js <name> …`).
 * Benchmarks are not part of `npm test`. Each module is loaded only when named, so one benchmark's
 * imports never slow down or break another. Adding a benchmark is one line in BENCHMARKS.
 */

import { NODE_V8_FLAGS } from "../src/node/node-v8-flags.js";

type Benchmark = (args: string[]) => Promise<void>;

const BENCHMARKS: Record<string, { readonly about: string; readonly load: () => Promise<Benchmark> }> = {
  admit: { about: "signed records admitted per second over HTTP (batches of 1 and 1 000) vs OpenSSL Ed25519 verify", load: async () => (await import("./admit-bench.js")).runAdmitBench },
  store: { about: "SQLite vs PostgreSQL (1, 2, 4 processes): signed-record admission over HTTP and inclusion-proof latency", load: async () => (await import("./store-bench.js")).runStoreBench },
  log: { about: "transparency log: durable appends/s, proof latency, audit speed, bytes per leaf [--full]", load: async () => (await import("./log-bench.js")).runLogBench },
  taxii: { about: "TAXII 2.1: POST objects/s (envelopes of 1 000 signed) and paging GET objects/s (limit 1 000, 100 000 objects), p50/p99", load: async () => (await import("./taxii-bench.js")).runTaxiiBench },
  network: {
    about: "network: witness add-checkpoint requests/s vs OpenSSL Ed25519 sign+verify; admission → 2-of-2 cosigned checkpoint p50/p99 at 500 records/s; node-to-node delivery latency p50/p99 and throughput [witness|cosign|delivery…]",
    load: async () => (await import("./network-bench.js")).runNetworkBench,
  },
  bignode: { about: "a node with 100 000 warnings: warnings page, track record, timeline p99 under 8 clients; /healthz delay; escalator idle tick vs 1 000", load: async () => (await import("./bignode-bench.js")).runBignodeBench },
  record: { about: "track record over 1M resolved warnings vs one Brier pass; offline audit of a 1 000-record bundle vs OpenSSL Ed25519 verify", load: async () => (await import("./record-bench.js")).runRecordBench },
};

function usage(): string {
  const names = Object.entries(BENCHMARKS).map(([name, b]) => `  ${name.padEnd(8)} ${b.about}`);
  return ["usage: npm run bench -- <name> [args…]", "", "benchmarks:", ...names, ""].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(usage());
    return 0;
  }
  const bench = name === undefined ? undefined : Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (!bench) {
    process.stderr.write((name === undefined ? "no benchmark named\n\n" : `unknown benchmark "${name}"\n\n`) + usage());
    return 2;
  }
  // The node runs with these flags when deployed (bin/tocsin, npm start); without them the figures are
  // not the deployed node's — say so rather than print them as if they were.
  const missing = NODE_V8_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (missing.length > 0) process.stderr.write(`note: run without the serving node's V8 flags (${missing.join(" ")}); \`npm run bench\` passes them\n`);
  await (await bench.load())(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
