/**
 * `npm run bench -- network`: the network of nodes, as a list of stages (each adds rows; more stages —
 * node-to-node delivery — are appended to NETWORK_STAGES):
 * - witness: `POST /witness/add-checkpoint` requests/s against one node (SQLite), 64 logs submitted in
 *   parallel by a client in a child process (keep-alive connections), each request a consistent
 *   extension with its proof; the witness process's CPU per request and the rate it implies on one idle
 *   core; beside the same run's one-core OpenSSL Ed25519 sign+verify rate (each request verifies the
 *   log's signature and signs a cosignature) (target ≥ 2 000/s);
 * - witness-ml-dsa: the same on a witness that also cosigns with ML-DSA-44 (not the default);
 * - cosign: a log with two witnesses (other nodes, loopback HTTP) and a 2-of-2 policy, records admitted
 *   at 500/s over HTTP: time from a record's admission to the first checkpoint holding it that both
 *   witnesses cosigned, p50/p99 (target p99 < 2 s), beside the time of one OpenSSL Ed25519 verify.
 * Rows go to bench/out/network.json. TOCSIN_BENCH_SCALE scales the load (e.g. 0.2 for a quick run).
 */
import { deliveryRows } from "./delivery-bench.js";
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildWarning } from "../src/client/record-builders.js";
import { MemoryTree } from "../src/core/merkle/index.js";
import { formatVerifierKey, generateNoteSigner, signCheckpoint } from "../src/core/note/index.js";
import { formatAddCheckpointRequest } from "../src/core/witness/index.js";
import { parseConfig, type NodeConfig } from "../src/node/config.js";
import { openNode, type TocsinNode } from "../src/node/node.js";
import { ed25519Rates, opensslVersion, type Ed25519Rates } from "./baseline.js";
import { profiled } from "./cpu-profile.js";
import { percentile, report, sci, type Row } from "./report.js";
import type { WitnessLoadMessage, WitnessLoadSpec } from "./witness-load-client.js";

const scale = Number(process.env.TOCSIN_BENCH_SCALE ?? "1");

/** One stage of the network benchmark: its rows, measured against the run's baseline. */
export interface NetworkStage {
  readonly name: string;
  run(baseline: Ed25519Rates): Promise<Row[]>;
}

interface Running {
  readonly node: TocsinNode;
  readonly url: string;
  close(): Promise<void>;
}

async function startNode(config: Partial<NodeConfig> = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-bench-network-"));
  const node = await openNode(parseConfig({ dataDir: dir, checkWorkers: 0, logLevel: "silent", ...config }));
  const url = await node.app.listen({ host: "127.0.0.1", port: 0 });
  return {
    node,
    url,
    close: async () => {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `logs` logs, `perLog` consistent extensions each, submitted by a client in a child process (see
 * witness-load-client.ts) to a witness node in this process: requests/s, and this process's CPU time
 * per request (process.cpuUsage over the load only) — the witness's own cost, whatever else the shared
 * machine runs — with the rate it implies on one idle core.
 */
async function witnessRows(ed: Ed25519Rates, mlDsa: boolean, logs: number, perLog: number): Promise<Row[]> {
  const w = await startNode({ witnessMlDsa: mlDsa });
  const kind = mlDsa ? "Ed25519 + ML-DSA-44 cosigner" : "Ed25519 cosigner (default)";
  try {
    process.stderr.write(`witness (${kind}): preparing ${logs} logs × ${perLog} add-checkpoint requests …\n`);
    const bodies: string[][] = [];
    for (let l = 0; l < logs; l++) {
      const signer = generateNoteSigner(`bench.example/log-${l}`);
      await w.node.witness.addLog(signer.name, formatVerifierKey(signer));
      const tree = new MemoryTree();
      const enc = new TextEncoder();
      for (let i = 0; i < perLog + 1; i++) tree.appendLeaf(enc.encode(`log ${l} leaf ${i}`));
      // Request i: from size i (0 at first) to size i + 1, with its consistency proof.
      bodies.push(
        Array.from({ length: perLog }, (_, i) =>
          formatAddCheckpointRequest({
            oldSize: i,
            proof: i === 0 ? [] : tree.consistencyProof(i, i + 1),
            checkpoint: signCheckpoint({ origin: signer.name, size: i + 1, rootHash: tree.rootAt(i + 1), extensions: [] }, signer),
          }),
        ),
      );
    }
    const child = fork(new URL("./witness-load-client.js", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let done: Extract<WitnessLoadMessage, { type: "done" }>;
    let cpuUs: number;
    try {
      const next = (): Promise<WitnessLoadMessage> =>
        new Promise((resolve, reject) => {
          const onExit = (code: number | null): void => reject(new Error(`witness load client exited with ${code}`));
          child.once("exit", onExit);
          child.once("message", (m) => {
            child.off("exit", onExit);
            resolve(m as WitnessLoadMessage);
          });
        });
      const ready = next();
      child.send({ url: `${w.url}/witness/add-checkpoint`, bodies } satisfies WitnessLoadSpec);
      if ((await ready).type !== "ready") throw new Error("the witness load client did not start");
      const answer = next();
      const cpu0 = process.cpuUsage();
      child.send("go");
      const m = await profiled("network", `witness${mlDsa ? "-ml-dsa" : ""}`, () => answer);
      const cpu = process.cpuUsage(cpu0);
      if (m.type !== "done") throw new Error(m.type === "error" ? m.message : "unexpected message from the load client");
      done = m;
      cpuUs = cpu.user + cpu.system;
    } finally {
      child.kill();
    }
    const rate = done.requests / done.seconds;
    const cpuPerRequestUs = cpuUs / done.requests;
    const lat = [...done.latenciesMs].sort((a, b) => a - b);
    const load = loadavg()[0]!;
    // Each request verifies one Ed25519 signature and makes one: the primitive's own rate for that pair.
    const pair = 1 / (1 / ed.signPerSec + 1 / ed.verifyPerSec);
    const pairUs = 1e6 / pair;
    process.stderr.write(`  ${Math.round(rate)} requests/s, witness CPU ${cpuPerRequestUs.toFixed(0)} µs/request (→ ${Math.round(1e6 / cpuPerRequestUs)}/s on one idle core), p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms, load ${load.toFixed(2)}\n`);
    const what = `${kind}, SQLite, ${logs} logs in parallel, ${done.requests} requests`;
    return [
      {
        name: `witness add-checkpoint over HTTP (${what}; load avg ${load.toFixed(1)})`,
        value: rate,
        unit: "requests/s",
        baseline: `openssl ed25519 sign+verify, 1 core: ${sci(pair)}/s`,
        ratio: rate / pair,
        ...(mlDsa ? {} : { target: ">= 2 000/s" }),
      },
      {
        name: `witness process CPU per add-checkpoint (${kind})`,
        value: cpuPerRequestUs,
        unit: "µs",
        baseline: `openssl ed25519 sign+verify: ${pairUs.toFixed(0)} µs`,
        ratio: cpuPerRequestUs / pairUs,
      },
      {
        name: `witness add-checkpoint/s implied on one idle core (${kind})`,
        value: 1e6 / cpuPerRequestUs,
        unit: "requests/s",
        baseline: `openssl ed25519 sign+verify, 1 core: ${sci(pair)}/s`,
        ratio: 1e6 / cpuPerRequestUs / pair,
        ...(mlDsa ? {} : { target: ">= 2 000/s", met: 1e6 / cpuPerRequestUs >= 2000 }),
      },
    ];
  } finally {
    await w.close();
  }
}

const witnessStage: NetworkStage = {
  name: "witness",
  async run(ed) {
    const pair = 1 / (1 / ed.signPerSec + 1 / ed.verifyPerSec);
    return [
      ...(await witnessRows(ed, false, 64, Math.max(5, Math.round(100 * scale)))),
      { name: "openssl ed25519 sign+verify (baseline, 1 core)", value: pair, unit: "pairs/s", baseline: `sign ${sci(ed.signPerSec)}/s, verify ${sci(ed.verifyPerSec)}/s`, ratio: 1 },
    ];
  },
};

/** The same load on a witness that also cosigns with ML-DSA-44 (`--witness-ml-dsa`, off by default). */
const witnessMlDsaStage: NetworkStage = {
  name: "witness-ml-dsa",
  run: (ed) => witnessRows(ed, true, 64, Math.max(2, Math.round(15 * scale))),
};

const cosignStage: NetworkStage = {
  name: "cosign",
  async run(ed) {
    const rate = 500;
    const seconds = Math.max(2, Math.round(10 * scale));
    const witnesses = [await startNode(), await startNode()];
    let log: Running | undefined;
    try {
      // The log's origin and key exist once its node opened; each witness is told to witness it.
      log = await startNode({
        witnesses: witnesses.map((w) => ({ url: `${w.url}/witness`, vkey: w.node.witness.verifierKeys()[0]! })),
        witnessQuorum: 2,
        witnessIntervalMs: 100,
      });
      for (const w of witnesses) await w.node.witness.addLog(log.node.signer.name, formatVerifierKey(log.node.signer));
      const sender = await log.node.registrar.create({ slug: "sender", name: "Sender", custodial: true });
      const recipient = await log.node.registrar.create({ slug: "recipient", name: "Recipient", custodial: true });
      process.stderr.write(`cosign: ${rate} records/s for ${seconds} s into a log with 2 witnesses (2 of 2) …\n`);
      const admitted: { index: number; at: number }[] = [];
      const cosignedAt = new Map<number, number>();
      let cosignedSize = 0;
      let polling = true;
      // Watch the quorum: the first time each size is cosigned by both witnesses.
      const poll = (async () => {
        while (polling) {
          const size = (await log!.node.store.latestCosignedSize(2)) ?? 0;
          if (size > cosignedSize) {
            cosignedAt.set(size, performance.now());
            cosignedSize = size;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      // 500 records/s: a batch of 10 custodial warnings every 20 ms, each batch's admission time noted.
      const batch = 10;
      const start = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let k = 0; k < (rate / batch) * seconds; k++) {
        const due = start + (k * 1000 * batch) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const at = Date.now();
        const records = Array.from({ length: batch }, (_, i) =>
          buildWarning({ id: sender.id }, { at, name: `bench ${k}/${i}`, recipients: [recipient.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5 }),
        );
        inFlight.push(
          (async () => {
            const res = await fetch(`${log!.url}/api/v1/records`, { method: "POST", headers: { authorization: `Bearer ${sender.token}`, "content-type": "application/json" }, body: JSON.stringify(records) });
            const body = (await res.json()) as { index?: number }[] | { records?: { index: number }[] };
            if (res.status !== 201) throw new Error(`admission answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
            const t = performance.now();
            for (const x of Array.isArray(body) ? body : (body.records ?? [])) if (typeof x.index === "number") admitted.push({ index: x.index, at: t });
          })(),
        );
      }
      await Promise.all(inFlight);
      const admittedBy = performance.now();
      const last = Math.max(...admitted.map((a) => a.index));
      for (const deadline = performance.now() + 30_000; cosignedSize <= last && performance.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      polling = false;
      await poll;
      if (admitted.length === 0) throw new Error("no record admitted (the answer had no indices)");
      const sizes = [...cosignedAt.keys()].sort((a, b) => a - b);
      const latencies = admitted
        .map((a) => {
          const size = sizes.find((s) => s > a.index);
          return size === undefined ? Number.POSITIVE_INFINITY : (cosignedAt.get(size)! - a.at) / 1000;
        })
        .sort((a, b) => a - b);
      const verifyBaseline = `openssl ed25519 verify, 1 core: ${sci(ed.verifyPerSec)}/s`;
      const achieved = admitted.length / ((admittedBy - start) / 1000);
      process.stderr.write(`  ${admitted.length} records; p50 ${percentile(latencies, 50).toFixed(3)} s, p99 ${percentile(latencies, 99).toFixed(3)} s\n`);
      return [
        { name: `admission → 2-of-2 cosigned checkpoint p50 (${rate} records/s offered, ${admitted.length} records)`, value: percentile(latencies, 50), unit: "s", baseline: verifyBaseline, ratio: percentile(latencies, 50) * ed.verifyPerSec },
        { name: "admission → 2-of-2 cosigned checkpoint p99", value: percentile(latencies, 99), unit: "s", baseline: verifyBaseline, ratio: percentile(latencies, 99) * ed.verifyPerSec, target: "< 2 s" },
        { name: "  records admitted per second (achieved; 500 offered)", value: achieved, unit: "records/s", baseline: verifyBaseline, ratio: achieved / ed.verifyPerSec },
      ];
    } finally {
      await log?.close();
      for (const w of witnesses) await w.close();
    }
  },
};

/** Node-to-node delivery through the federation outbox (bench/delivery-bench.ts); its baseline is measured inside. */
const deliveryStage: NetworkStage = { name: "delivery", run: () => deliveryRows() };

/** The stages, in order. */
export const NETWORK_STAGES: NetworkStage[] = [witnessStage, witnessMlDsaStage, cosignStage, deliveryStage];

export async function runNetworkBench(args: string[]): Promise<void> {
  const only = args.length > 0 ? new Set(args) : undefined;
  const started = performance.now();
  process.stderr.write("baseline: openssl speed ed25519 …\n");
  const ed = ed25519Rates(2);
  const rows: Row[] = [];
  for (const stage of NETWORK_STAGES) if (!only || only.has(stage.name)) rows.push(...(await stage.run(ed)));
  report("network", rows, { opensslVersion: opensslVersion(), ed25519: ed, seconds: (performance.now() - started) / 1000 });
}
