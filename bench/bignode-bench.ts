/**
 * `npm run bench -- bignode`: a big node stays fast (issue 16, target 4).
 *
 * A node holding 100 000 warnings from one source to one recipient (appended straight through its
 * sequencer, direct-load.ts; one in five resolved, so the track record has something to score) is read
 * by 8 concurrent clients in a child process, in turn: a page of `GET /api/v1/warnings`, the source's
 * track record, and a warning's timeline (a different warning each time), for 30 s, while a probe asks
 * `/healthz` every 20 ms. Rows: each kind's p50/p99 (target p99 < 50 ms) and the probe's worst delay
 * beyond its unloaded round trip (target ≤ 50 ms), against the same-run baseline of an unloaded
 * `/healthz` round trip.
 *
 * The escalator's idle tick (nothing due: read the log's tail, look at the earliest deadline) is timed
 * on the same node and on one holding 1 000 warnings: the ratio is the growth with open warnings.
 *
 * TOCSIN_BENCH_SCALE scales the 100 000; `--seconds=N` the load's duration; TOCSIN_BENCH_CACHE=<dir> keeps
 * each node's data directory between runs (the load only reads, so a kept store is the same store). TOCSIN_BENCH_CPU_PROF=<dir>
 * profiles the node's main thread during the first track record and during the load (cpu-profile.ts;
 * bench/profile-summary.ts lists the longest tasks, which set the /healthz delay). During the start and
 * under the load the main thread's stalls are also split into its own CPU and its wait for a core
 * (loop-stalls.ts): on a shared machine only the first is the node's, and it is the row to compare.
 */
import { fork } from "node:child_process";
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay, type PerformanceEntry } from "node:perf_hooks";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { buildResolution, buildWarning, type Author } from "../src/client/record-builders.js";
import { ed25519PublicKey } from "../src/core/crypto/ed25519.js";
import { readSeed } from "../src/exchange/party-key-files.js";
import { parseConfig } from "../src/node/config.js";
import { openNode, type TocsinNode } from "../src/node/node.js";
import { profiled } from "./cpu-profile.js";
import { watchLoopStalls, type LoopStalls } from "./loop-stalls.js";
import { appendDirect, type DirectRecord } from "./direct-load.js";
import type { GetLoadMessage, GetLoadSpec } from "./get-load-client.js";
import type { HealthzProbeMessage, HealthzProbeSpec } from "./healthz-probe.js";
import { formatNumber, percentile, report, type Row } from "./report.js";

const DAY = 86_400_000;
const scale = Number(process.env.TOCSIN_BENCH_SCALE ?? "1");

function progress(m: string): void {
  process.stderr.write(`[bignode] ${m}\n`);
}

interface BigNode {
  readonly node: TocsinNode;
  readonly dir: string;
  readonly source: { readonly id: string; readonly token: string };
  readonly warningIds: string[];
  /** performance.now() when the reopened node was ready (its warning index is built by the first request that needs it). */
  readonly openedAt: number;
  /** Kept between runs (TOCSIN_BENCH_CACHE): not removed on close. */
  readonly cached: boolean;
}

interface CachedBigNode {
  readonly n: number;
  readonly source: { readonly id: string; readonly token: string };
  readonly warningIds: string[];
}

/** Opens a node on a data directory, as a node restarted on a big store: every index is rebuilt from the store. */
async function reopen(dir: string): Promise<{ node: TocsinNode; openedAt: number; ms: number }> {
  const t0 = performance.now();
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0, logLevel: "warn" }));
  // As `tocsin serve` does before listening: the check workers compile their schemas outside the timing.
  await node.warmUp();
  const openedAt = performance.now();
  return { node, openedAt, ms: openedAt - t0 };
}

/** A node with `n` open warnings (deadlines a year out), one in five resolved. */
async function bigNode(n: number): Promise<BigNode> {
  const cacheDir = process.env.TOCSIN_BENCH_CACHE || undefined;
  const dir = cacheDir ? join(cacheDir, `bignode-${n}`) : mkdtempSync(join(tmpdir(), "tocsin-bench-bignode-"));
  const metaFile = `${dir}.json`;
  if (cacheDir && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as CachedBigNode;
    if (meta.n === n) {
      const { node, openedAt, ms } = await reopen(dir);
      progress(`  ${formatNumber(n)} warnings (kept in ${dir}); node reopened in ${(ms / 1000).toFixed(1)} s`);
      return { node, dir, source: meta.source, warningIds: meta.warningIds, openedAt, cached: true };
    }
  }
  if (cacheDir) {
    rmSync(metaFile, { force: true });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  let node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0, logLevel: "warn" }));
  const s = await node.registrar.create({ slug: "big-source", name: "Big source" });
  const r = await node.registrar.create({ slug: "big-recipient", name: "Big recipient" });
  const seed = readSeed(s.keyFile!);
  const author: Author = { id: s.id, seed, publicKey: ed25519PublicKey(seed) };
  const now = Date.now() - 60_000;
  const warningIds: string[] = [];
  const started = performance.now();
  for (let i = 0; i < n; ) {
    const batch: DirectRecord[] = [];
    for (let k = 0; k < 5000 && i < n; k++, i++) {
      const w = buildWarning(author, {
        at: now,
        name: `Big node warning ${i}`,
        recipients: [r.id],
        windowStart: now,
        windowEnd: now + 400 * DAY,
        probability: (i % 9) / 10 + 0.05,
        deadlines: { receipt: now + 365 * DAY },
        tlp: "AMBER",
      });
      warningIds.push(w.id as string);
      batch.push({ obj: w, kind: "warning", author, warningRef: w.id as string, seq: 0 });
      if (i % 5 === 0) {
        const res = buildResolution(author, w.id as string, now + 1000, i % 3 ? { outcome: "did-not-materialize", content: "-" } : { outcome: "materialized", eventTime: now + 500, content: "-" });
        batch.push({ obj: res, kind: "resolution", author, warningRef: w.id as string, seq: 1 });
      }
    }
    await appendDirect(node, batch);
    if (i % 20_000 === 0) progress(`  ${formatNumber(i)} warnings (${formatNumber(i / ((performance.now() - started) / 1000))}/s)`);
  }
  await node.close();
  const source = { id: s.id, token: s.token };
  if (cacheDir) writeFileSync(metaFile, JSON.stringify({ n, source, warningIds } satisfies CachedBigNode));
  const reopened = await reopen(dir);
  progress(`  ${formatNumber(n)} warnings; node reopened in ${(reopened.ms / 1000).toFixed(1)} s`);
  return { node: reopened.node, dir, source, warningIds, openedAt: reopened.openedAt, cached: cacheDir !== undefined };
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

async function close(b: BigNode): Promise<void> {
  await b.node.close();
  if (!b.cached) rmSync(b.dir, { recursive: true, force: true });
}

/** Mean time of an idle escalator tick (nothing due), over `ticks` ticks. */
async function idleTickUs(node: TocsinNode, ticks: number): Promise<number> {
  for (let i = 0; i < 20; i++) await node.escalator.tick();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ticks; i++) await node.escalator.tick();
  return Number(process.hrtime.bigint() - t0) / 1000 / ticks;
}

/**
 * Starts probing `/healthz` every 20 ms from a process of its own (healthz-probe.ts), once its first,
 * untimed round trip is done; `stop` ends it and answers the round trips (ms). Not from the load's own
 * process: there each probe's answer would also wait behind the eight clients' responses in that
 * process's event loop, a delay of the client, not of the node.
 */
async function probing(url: string): Promise<{ stop(): Promise<number[]> }> {
  const prober = fork(new URL("./healthz-probe.js", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = (): Promise<HealthzProbeMessage> =>
    new Promise((resolve, reject) => {
      prober.once("message", (m) => resolve(m as HealthzProbeMessage));
      prober.once("exit", (code) => reject(new Error(`the /healthz prober exited with ${code}`)));
    });
  try {
    const ready = next();
    prober.send({ url, probeMs: 20 } satisfies HealthzProbeSpec);
    await ready;
  } catch (e) {
    prober.kill();
    throw e;
  }
  return {
    async stop() {
      try {
        const done = next();
        prober.send("stop");
        const answer = await done;
        if (answer.type !== "done") throw new Error("the /healthz prober did not answer");
        return answer.probes;
      } finally {
        prober.kill();
      }
    },
  };
}

/**
 * How much lower the load client's scheduling priority is than the node's (a nice value). The eight
 * clients stand for parties on machines of their own; here they share the node's two cores, and at
 * equal priority the kernel let the load client run while the node's main thread, woken by a
 * `/healthz` probe, waited for a core (55–136 ms runnable but not running, 2 December). Lowered, the
 * client runs when the node leaves a core free, as remote clients would: the node's own stalls
 * remain in the figures, its wait behind its load generator does not. The node stays at its normal
 * priority, as in production.
 */
const LOAD_CLIENT_NICENESS = 10;

async function load(spec: GetLoadSpec): Promise<Extract<GetLoadMessage, { type: "done" }>> {
  const child = fork(new URL("./get-load-client.js", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    setPriority(child.pid!, LOAD_CLIENT_NICENESS);
    const m = await new Promise<GetLoadMessage>((resolve, reject) => {
      child.once("message", (msg) => resolve(msg as GetLoadMessage));
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`load client exited with ${code}`)));
      child.send(spec);
    });
    if (m.type === "error") throw new Error(m.message);
    return m;
  } finally {
    child.kill();
  }
}

/** The loop's stalls under the load: the longest one split into the node's work and its wait for a CPU, and the longest task in CPU time. */
function stallRows(s: LoopStalls, baseline: string, base: number): Row[] {
  progress(`  ticks with the most CPU (ms, at ms since the process started): ${s.topRuns.map(([r, at]) => `${r.toFixed(1)} @${at.toFixed(0)}`).join(", ")}`);
  const worst = `${s.worst.wallMs.toFixed(1)} ms at ${(s.worst.atMs / 1000).toFixed(1)} s: ${s.worst.runMs.toFixed(1)} on a CPU, ${s.worst.waitMs.toFixed(1)} waiting for one`;
  const share = s.waitMs / (s.runMs + s.waitMs);
  return [
    { name: `  longest task under that load, CPU time of the main thread (at ${(s.maxRunAtMs / 1000).toFixed(1)} s; worst stall ${worst})`, value: s.maxRunMs, unit: "ms", baseline, ratio: s.maxRunMs / base, target: "<= 50 ms", met: s.maxRunMs <= 50 },
    { name: `  main thread waiting for a CPU under that load (share of its runnable time; ${s.ticks} ticks)`, value: share * 100, unit: "%", baseline, ratio: share },
  ];
}

export async function runBignodeBench(args: string[]): Promise<void> {
  let seconds = 30;
  for (const a of args) {
    if (a.startsWith("--seconds=")) seconds = Number(a.slice(10));
    else throw new Error(`bignode: unknown argument "${a}" (usage: bignode [--seconds=N])`);
  }
  const started = performance.now();
  const n = Math.round(100_000 * scale);
  const rows: Row[] = [];

  progress(`small node: 1 000 warnings`);
  const small = await bigNode(1000);
  const smallTick = await idleTickUs(small.node, 2000);
  await close(small);

  progress(`big node: ${formatNumber(n)} warnings`);
  const big = await bigNode(n);
  try {
    const url = await big.node.app.listen({ host: "127.0.0.1", port: 0 });
    const headers = { authorization: `Bearer ${big.source.token}` };
    // Right after the start: the warning index is built (in slices; the first request that needs it starts
    // it, here the bench itself). The first track record waits for what is not built yet, then scores every
    // warning; /healthz is probed every 20 ms meanwhile, from a process of its own (healthz-probe.ts), as the
    // probes under the load below are.
    const startProber = await probing(url);
    const startCpu = process.cpuUsage();
    const stopStartStalls = watchLoopStalls();
    const indexed = big.node.services.indexWarnings().then(() => performance.now() - big.openedAt);
    const cold = performance.now();
    await profiled("bignode", "first track record", async () => {
      const first = await fetch(`${url}/api/v1/parties/${big.source.id}/track-record`, { headers });
      if (first.status !== 200) throw new Error(`track record: HTTP ${first.status}: ${(await first.text()).slice(0, 300)}`);
      await first.text();
    });
    const coldMs = performance.now() - cold;
    const indexMs = await indexed;
    const startCpuMs = cpuMs(process.cpuUsage(startCpu));
    const startStalls = stopStartStalls();
    const startProbes = await startProber.stop();
    progress(`  warning index built ${indexMs.toFixed(0)} ms after the node opened; first track record after start: ${coldMs.toFixed(0)} ms; heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
    // Baseline: an unloaded /healthz round trip, same run, the node idle.
    const rtt: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await (await fetch(`${url}/healthz`)).text();
      rtt.push(performance.now() - t);
    }
    rtt.sort((a, b) => a - b);
    const base = percentile(rtt, 50);
    const baseline = `unloaded /healthz round trip p50: ${base.toFixed(2)} ms`;
    const bigTick = await idleTickUs(big.node, 2000);
    rows.push({ name: `warning index built from the store (as by the first request after the start) @${formatNumber(n)} warnings`, value: indexMs, unit: "ms", baseline, ratio: indexMs / base });
    rows.push({ name: `first track record after start (waits for the index, scores every warning)`, value: coldMs, unit: "ms", baseline, ratio: coldMs / base });
    rows.push({ name: `  this process's CPU meanwhile (the rest of the index, the scoring, the probes)`, value: startCpuMs, unit: "ms", baseline, ratio: startCpuMs / base });
    const startWorst = Math.max(...startProbes) - base;
    rows.push({ name: `  /healthz worst delay meanwhile (${startProbes.length} probes)`, value: startWorst, unit: "ms", baseline, ratio: startWorst / base, target: "<= 50 ms", met: startWorst <= 50 });
    if (startStalls) rows.push(...stallRows(startStalls, baseline, base).map((r) => ({ ...r, name: r.name.replace("under that load", "meanwhile") })));
    const sample = Array.from({ length: 500 }, (_, i) => big.warningIds[Math.floor((i * big.warningIds.length) / 500)]!);
    const spec: GetLoadSpec = {
      base: url,
      headers,
      targets: {
        "GET /api/v1/warnings (page of 100)": ["/api/v1/warnings"],
        "track record (source)": [`/api/v1/parties/${big.source.id}/track-record`],
        "warning timeline": sample.map((id) => `/api/v1/warnings/${id}/timeline`),
      },
      clients: 8,
      seconds,
    };
    progress(`8 clients for ${seconds} s …`);
    // Started before and stopped after the windows below: forking the prober and its first round trip
    // are not the node's CPU, stalls or garbage under the load.
    const prober = await probing(url);
    // The node's own view of its event loop under the load: the longest a timer waited (1 ms resolution).
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    // Garbage collections meanwhile: a major one's pause holds the loop like a long task.
    const gcs: { kind: number; ms: number }[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) gcs.push({ kind: e.detail?.kind ?? 0, ms: e.duration });
    });
    gcObserver.observe({ entryTypes: ["gc"] });
    const stopStalls = watchLoopStalls();
    const loadCpu = process.cpuUsage();
    const done = await profiled("bignode", "load", () => load(spec));
    const loadCpuMs = cpuMs(process.cpuUsage(loadCpu));
    loop.disable();
    gcObserver.disconnect();
    const stalls = stopStalls();
    const loadProbes = await prober.stop();
    for (const [name, lat] of Object.entries(done.latencies)) {
      const s = [...lat].sort((a, b) => a - b);
      const p99 = percentile(s, 99);
      progress(`  ${name}: ${s.length} requests, p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
      rows.push({ name: `${name} @${formatNumber(n)} warnings, 8 clients, p50`, value: percentile(s, 50), unit: "ms", baseline, ratio: percentile(s, 50) / base });
      rows.push({ name: `  p99 (${s.length} requests)`, value: p99, unit: "ms", baseline, ratio: p99 / base, target: "< 50 ms", met: p99 < 50 });
    }
    // CPU, unlike the latencies, does not grow with what else the machine runs: the figure to compare between runs.
    rows.push({ name: `node CPU per request under that load (${done.requests} requests, /healthz probes included)`, value: loadCpuMs / done.requests, unit: "ms", baseline, ratio: loadCpuMs / done.requests / base });
    const probes = [...loadProbes].sort((a, b) => a - b);
    const worst = probes.at(-1)! - base;
    rows.push({ name: `/healthz under that load, p99 (${probes.length} probes)`, value: percentile(probes, 99), unit: "ms", baseline, ratio: percentile(probes, 99) / base });
    rows.push({ name: "  /healthz worst delay beyond the unloaded round trip", value: worst, unit: "ms", baseline, ratio: worst / base, target: "<= 50 ms", met: worst <= 50 });
    rows.push({ name: "  node event loop delay under that load, p99 / max", value: loop.max / 1e6, unit: "ms", baseline: `p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`, ratio: loop.max / 1e6 / base });
    const major = gcs.filter((g) => g.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR);
    const gcMax = Math.max(0, ...gcs.map((g) => g.ms));
    const gcTotal = gcs.reduce((a, g) => a + g.ms, 0);
    rows.push({
      name: `  GC pause max under that load (${gcs.length} collections, ${major.length} major, max major ${Math.max(0, ...major.map((g) => g.ms)).toFixed(1)} ms, ${gcTotal.toFixed(0)} ms in all)`,
      value: gcMax,
      unit: "ms",
      baseline,
      ratio: gcMax / base,
    });
    if (stalls) rows.push(...stallRows(stalls, baseline, base));
    progress(`  heap used after the load ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB; event loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms; GC max ${gcMax.toFixed(1)} ms (${major.length} major)`);
    rows.push({
      name: `escalator idle tick @${formatNumber(n)} open warnings`,
      value: bigTick,
      unit: "µs",
      baseline: `idle tick @1 000 open warnings: ${smallTick.toFixed(0)} µs`,
      ratio: bigTick / smallTick,
      target: "ratio < 2 (flat)",
      met: bigTick / smallTick < 2,
    });
  } finally {
    await close(big);
  }
  report("bignode", rows, { warnings: n, seconds: (performance.now() - started) / 1000 });
}
