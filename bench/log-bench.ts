/**
 * `npm run bench -- log [--full] [--only=append,http,tree]`: the transparency log's figures.
 *
 * 1. Durable appends/s (every append acknowledged only after its SQLite transaction is fsynced, WAL +
 *    synchronous=FULL) at client batch sizes 1, 100 and 10 000 with concurrent clients, in-process
 *    through the Sequencer (group commit merges the clients' batches) and over HTTP on loopback
 *    (POST /internal/v1/log/entries against a node started in this process, clients in a worker
 *    thread with keep-alive connections). Each run uses a fresh SQLite file under os.tmpdir().
 * 2. Inclusion and consistency proof latency p50/p99 at 1M leaves (10M with --full).
 * 3. Audit time per million leaves over the same log.
 * 4. Bytes on disk per leaf beyond the leaf's own data, after a clean close (WAL checkpointed).
 *
 * Leaves are 200 random bytes (a record digest plus metadata is about that). Baselines are measured
 * in the same run with `openssl speed` (see baseline.ts); ratios are explained in report.ts and in
 * each row's baseline string.
 *
 * TOCSIN_BENCH_SCALE (default 1) multiplies every append count and the log size, e.g. 0.1 for a
 * quick smoke run. --only picks sections: append (in-process), http, tree (build, disk, proofs, audit).
 * TOCSIN_BENCH_CPU_PROF=<dir> writes one V8 CPU profile of the main thread per phase
 * (<dir>/log-<phase>.cpuprofile; summarise with `node dist-test/bench/profile-summary.js <file>`).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { generateNoteSigner, verifierFromSigner, type NoteSigner } from "../src/core/note/index.js";
import { auditLog } from "../src/log/audit.js";
import { LogReader } from "../src/log/log-reader.js";
import { Sequencer } from "../src/log/sequencer.js";
import { systemClock } from "../src/log/system-clock.js";
import { parseConfig } from "../src/node/config.js";
import { openNode } from "../src/node/node.js";
import { SQLITE_FILE } from "../src/store/open-store.js";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { AppendBatch, Store } from "../src/store/store.js";
import { ed25519Rates, opensslVersion, sha256HashesPerSec64 } from "./baseline.js";
import type { LoadMessage, LoadSpec } from "./http-load-worker.js";
import { profiled } from "./cpu-profile.js";
import { formatNumber, report, sci, type Row } from "./report.js";

const LEAF_BYTES = 200;
/** The sequencer's default; passed explicitly so in-process runs match the node's. */
const MAX_BATCH_LEAVES = 20_000;
const PROOF_SAMPLES = 20_000;
const PROOF_WARMUP = 2_000;
const SECTIONS = ["append", "http", "tree"] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  readonly full: boolean;
  readonly scale: number;
  readonly sections: ReadonlySet<Section>;
}

function parseArgs(args: readonly string[]): Options {
  let full = false;
  let sections = new Set<Section>(SECTIONS);
  for (const a of args) {
    if (a === "--full") full = true;
    else if (a.startsWith("--only=")) {
      const names = a.slice("--only=".length).split(",");
      for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`--only takes ${SECTIONS.join(",")}, not "${n}"`);
      sections = new Set(names as Section[]);
    } else throw new Error(`log bench: unknown argument "${a}" (usage: log [--full] [--only=${SECTIONS.join(",")}])`);
  }
  const rawScale = process.env.TOCSIN_BENCH_SCALE;
  const scale = rawScale === undefined || rawScale === "" ? 1 : Number(rawScale);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`TOCSIN_BENCH_SCALE must be a positive number, not "${rawScale}"`);
  return { full, scale, sections };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const benchStarted = performance.now();

function progress(message: string): void {
  const t = ((performance.now() - benchStarted) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[log ${t}s] ${message}\n`);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "tocsin-bench-"));
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `count` distinct random leaves, as views into one fresh buffer. */
function randomLeaves(count: number): Buffer[] {
  return leafViews(randomBytes(count * LEAF_BYTES), 0, count);
}

/**
 * Leaves [first, first + count) of a buffer of back-to-back leaves. Runs keep all their leaf bytes in
 * one buffer made before the clock starts and cut each client batch into views only when it is sent:
 * a million live leaf objects made up front would sit in V8's old generation and slow every
 * mark-compact of the run, which a node receiving leaves from the network never sees.
 */
function leafViews(raw: Buffer, first: number, count: number): Buffer[] {
  const out = new Array<Buffer>(count);
  for (let i = 0; i < count; i++) out[i] = raw.subarray((first + i) * LEAF_BYTES, (first + i + 1) * LEAF_BYTES);
  return out;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("no samples");
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function scaled(n: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(n * scale));
}

/** "1M", "10M", "200k" for row names. */
function short(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Counts commits and the time spent inside the store's appendBatch (SQLite work + fsync). */
function instrumented(store: Store): { store: Store; stats: { commits: number; leaves: number; ms: number } } {
  const stats = { commits: 0, leaves: 0, ms: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === "appendBatch") {
        return async (batch: AppendBatch): Promise<void> => {
          const t = performance.now();
          try {
            await target.appendBatch(batch);
          } finally {
            stats.ms += performance.now() - t;
          }
          stats.commits++;
          stats.leaves += batch.leaves.length;
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxy, stats };
}

function loadText(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

// ---------------------------------------------------------------------------------------------
// 1. Durable append throughput

interface ThroughputCase {
  readonly via: "in-process" | "HTTP";
  readonly batch: number;
  readonly clients: number;
  readonly total: number;
  readonly checkpointIntervalMs: number;
}

function caseName(c: ThroughputCase): string {
  const ckpt = c.checkpointIntervalMs === 0 ? "ckpt every batch" : `ckpt ${c.checkpointIntervalMs / 1000} s`;
  return `append ${c.via}, batch ${short(c.batch)} x ${c.clients} clients, ${ckpt} (${short(c.total)})`;
}

async function inProcessThroughput(c: ThroughputCase): Promise<number> {
  const dir = tempDir();
  const sqlite = SqliteStore.open(join(dir, SQLITE_FILE));
  let open = true;
  try {
    const { store, stats } = instrumented(sqlite);
    const sequencer = new Sequencer({
      store,
      signer: generateNoteSigner("bench.tocsin.example/log"),
      clock: systemClock,
      checkpointIntervalMs: c.checkpointIntervalMs,
      maxBatchLeaves: MAX_BATCH_LEAVES,
    });
    await sequencer.start();
    const raw = randomBytes(c.total * LEAF_BYTES);
    const requests = Math.ceil(c.total / c.batch);
    const before = { ...stats };
    let next = 0;
    const client = async (): Promise<void> => {
      for (let i = next++; i < requests; i = next++) {
        const first = i * c.batch;
        const leaves = leafViews(raw, first, Math.min(c.batch, c.total - first));
        const appended = await sequencer.appendMany(leaves);
        if (appended.length !== leaves.length) throw new Error("short append");
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: c.clients }, client));
    const seconds = (performance.now() - t0) / 1000;
    const commits = stats.commits - before.commits;
    const storeMs = stats.ms - before.ms;
    await sequencer.stop();
    const size = await store.logSize();
    open = false;
    await store.close();
    if (size !== c.total) throw new Error(`expected ${c.total} leaves, the store holds ${size}`);
    const rate = c.total / seconds;
    progress(
      `  ${formatNumber(rate)} appends/s: ${c.total} leaves in ${seconds.toFixed(2)} s, ${commits} commits ` +
        `(${formatNumber((stats.leaves - before.leaves) / commits)} leaves/commit), ` +
        `${((storeMs / 1000 / seconds) * 100).toFixed(0)}% of wall time inside store.appendBatch`,
    );
    return rate;
  } finally {
    if (open) await sqlite.close();
    removeDir(dir);
  }
}

async function httpThroughput(c: ThroughputCase): Promise<number> {
  const dir = tempDir();
  let worker: Worker | undefined;
  try {
    const node = await openNode(
      parseConfig({ dataDir: dir, port: 0, checkpointIntervalMs: c.checkpointIntervalMs, internalAppend: true, origin: "bench.tocsin.example/log" }),
    );
    try {
      // A new node's log already holds its own registration (and key records): count only what the load appends.
      const before = await node.store.logSize();
      const address = await node.app.listen({ host: "127.0.0.1", port: 0 });
      const spec: LoadSpec = { url: `${address}/internal/v1/log/entries`, batch: c.batch, clients: c.clients, total: c.total, leafBytes: LEAF_BYTES };
      const w = new Worker(new URL("./http-load-worker.js", import.meta.url), { workerData: spec });
      worker = w;
      const messages: LoadMessage[] = [];
      let wake: (() => void) | undefined;
      let failed: Error | undefined;
      w.on("message", (m: LoadMessage) => {
        messages.push(m);
        wake?.();
      });
      w.on("error", (e) => {
        failed = e;
        wake?.();
      });
      w.on("exit", (code) => {
        if (code !== 0) failed ??= new Error(`load worker exited with code ${code}`);
        wake?.();
      });
      const nextMessage = async (): Promise<LoadMessage> => {
        while (messages.length === 0) {
          if (failed) throw failed;
          await new Promise<void>((r) => (wake = r));
        }
        const m = messages.shift()!;
        if (m.type === "error") throw new Error(`load worker: ${m.message}`);
        return m;
      };
      const ready = await nextMessage();
      if (ready.type !== "ready") throw new Error("load worker: expected ready");
      w.postMessage("go");
      const done = await nextMessage();
      if (done.type !== "done") throw new Error("load worker: expected done");
      const size = (await node.store.logSize()) - before;
      if (size !== c.total || done.appended !== c.total) throw new Error(`expected ${c.total} new leaves, the node holds ${size}`);
      const lat = Float64Array.from(done.latenciesMs).sort();
      const rate = c.total / done.seconds;
      progress(
        `  ${formatNumber(rate)} appends/s: ${c.total} leaves in ${done.seconds.toFixed(2)} s, ${done.requests} requests ` +
          `(${(ready.bodyBytes / done.requests / 1024).toFixed(0)} KiB each), request latency p50 ${percentile(lat, 0.5).toFixed(1)} ms, ` +
          `p99 ${percentile(lat, 0.99).toFixed(1)} ms`,
      );
      return rate;
    } finally {
      await node.close();
    }
  } finally {
    await worker?.terminate();
    removeDir(dir);
  }
}

// ---------------------------------------------------------------------------------------------
// 2–4. A big log: build, bytes on disk, proofs, audit

interface BuiltLog {
  readonly dbPath: string;
  readonly signer: NoteSigner;
  readonly leaves: number;
  readonly leafBytes: number;
  readonly appendsPerSec: number;
}

/** One client, batches of MAX_BATCH_LEAVES, two batches in flight so the queue is never empty. */
async function buildLog(dir: string, leaves: number): Promise<BuiltLog> {
  const dbPath = join(dir, SQLITE_FILE);
  const signer = generateNoteSigner("bench.tocsin.example/log");
  const store = SqliteStore.open(dbPath);
  try {
    const sequencer = new Sequencer({ store, signer, clock: systemClock, checkpointIntervalMs: 1000, maxBatchLeaves: MAX_BATCH_LEAVES });
    await sequencer.start();
    let leafBytes = 0;
    let appended = 0;
    const inFlight: Promise<unknown>[] = [];
    let reported = 0;
    const t0 = performance.now();
    for (let start = 0; start < leaves; start += MAX_BATCH_LEAVES) {
      const n = Math.min(MAX_BATCH_LEAVES, leaves - start);
      const batch = randomLeaves(n);
      leafBytes += n * LEAF_BYTES;
      inFlight.push(sequencer.appendMany(batch).then(() => void (appended += n)));
      if (inFlight.length >= 2) await inFlight.shift();
      if (appended - reported >= leaves / 10) {
        reported = appended;
        progress(`  built ${formatNumber(appended)} / ${formatNumber(leaves)} leaves (${formatNumber(appended / ((performance.now() - t0) / 1000))} appends/s)`);
      }
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - t0) / 1000;
    await sequencer.stop();
    const size = await store.logSize();
    if (size !== leaves) throw new Error(`expected ${leaves} leaves, the store holds ${size}`);
    progress(`  built ${formatNumber(leaves)} leaves in ${seconds.toFixed(1)} s`);
    return { dbPath, signer, leaves, leafBytes, appendsPerSec: leaves / seconds };
  } finally {
    await store.close();
  }
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

interface LatencyStats {
  readonly p50us: number;
  readonly p99us: number;
  readonly meanUs: number;
}

/** Times `call` on `samples` random arguments after a warm-up, one call at a time. */
async function timeCalls(samples: number, warmup: number, arg: () => number, call: (x: number) => Promise<unknown>): Promise<LatencyStats> {
  for (let i = 0; i < warmup; i++) await call(arg());
  const args = Array.from({ length: samples }, arg);
  const ns = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t = process.hrtime.bigint();
    await call(args[i]!);
    ns[i] = Number(process.hrtime.bigint() - t);
  }
  const total = ns.reduce((s, x) => s + x, 0);
  ns.sort();
  return { p50us: percentile(ns, 0.5) / 1000, p99us: percentile(ns, 0.99) / 1000, meanUs: total / samples / 1000 };
}

// ---------------------------------------------------------------------------------------------

export async function runLogBench(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const startedAt = new Date().toISOString();
  const treeSize = scaled(opts.full ? 10_000_000 : 1_000_000, opts.scale, 1000);
  const loadAtStart = loadavg();
  progress(`tmpdir ${tmpdir()}, ${cpus().length} cores, node ${process.version}, scale ${opts.scale}${opts.full ? ", --full" : ""}, load average ${loadText()}`);
  if (loadAtStart[0]! > 0.5 * cpus().length) {
    progress(`  warning: the machine is busy (1-min load ${loadAtStart[0]!.toFixed(2)} on ${cpus().length} cores); figures will be low and noisy`);
  }

  progress("baselines: openssl speed -seconds 2 -bytes 64 sha256; openssl speed -seconds 2 ed25519");
  const sha = sha256HashesPerSec64(2);
  const ed = ed25519Rates(2);
  const verifyUs = 1e6 / ed.verifyPerSec;
  progress(`  sha256 64B ${sci(sha)} hash/s; ed25519 sign ${sci(ed.signPerSec)}/s, verify ${sci(ed.verifyPerSec)}/s (${verifyUs.toFixed(1)} µs each)`);
  const shaBaseline = `openssl sha256 64B: ${sci(sha)} hash/s`;
  const verifyBaseline = `openssl ed25519 verify: ${sci(ed.verifyPerSec)}/s = ${verifyUs.toFixed(1)} µs`;
  const rows: Row[] = [];

  // 1. Throughput.
  const cases: ThroughputCase[] = [];
  const add = (via: ThroughputCase["via"], batch: number, clients: number, total: number, checkpointIntervalMs: number): void =>
    void cases.push({ via, batch, clients, total: scaled(total, opts.scale, batch * clients), checkpointIntervalMs });
  if (opts.sections.has("append")) {
    add("in-process", 1, 8, 20_000, 1000);
    add("in-process", 100, 8, 200_000, 1000);
    add("in-process", 10_000, 4, 1_000_000, 1000);
    add("in-process", 10_000, 4, 1_000_000, 0);
  }
  if (opts.sections.has("http")) {
    add("HTTP", 100, 8, 200_000, 1000);
    add("HTTP", 10_000, 4, 1_000_000, 1000);
  }
  for (const c of cases) {
    progress(caseName(c));
    const rate = await profiled("log", caseName(c), () => (c.via === "HTTP" ? httpThroughput(c) : inProcessThroughput(c)));
    rows.push({
      name: caseName(c),
      value: rate,
      unit: "appends/s",
      baseline: shaBaseline,
      ratio: rate / sha,
      ...(c.batch === 10_000 ? { target: ">= 100 000" } : {}),
    });
  }

  // 2–4. Big log.
  if (opts.sections.has("tree")) {
    const at = `@${short(treeSize)}`;
    const dir = tempDir();
    try {
      progress(`building a log of ${formatNumber(treeSize)} leaves of ${LEAF_BYTES} B`);
      const built = await profiled("log", `build ${short(treeSize)}`, () => buildLog(dir, treeSize));
      rows.push({
        name: `append in-process, batch ${short(MAX_BATCH_LEAVES)} x 1 client, 2 in flight, ckpt 1 s (log build ${short(treeSize)})`,
        value: built.appendsPerSec,
        unit: "appends/s",
        baseline: shaBaseline,
        ratio: built.appendsPerSec / sha,
      });

      // 4. Bytes on disk, after a clean close (better-sqlite3 checkpoints and removes the WAL).
      const dbBytes = fileSize(built.dbPath);
      const walBytes = fileSize(`${built.dbPath}-wal`);
      const perLeaf = (dbBytes + walBytes - built.leafBytes) / built.leaves;
      progress(`  ${built.dbPath}: ${formatNumber(dbBytes)} B + wal ${formatNumber(walBytes)} B for ${formatNumber(built.leafBytes)} B of leaf data`);
      // Baseline: the hashes the schema must keep per leaf, one leaf hash plus (n-1)/n interior node.
      rows.push({
        name: `disk bytes per leaf beyond leaf data ${at}`,
        value: perLeaf,
        unit: "B/leaf",
        baseline: "stored hashes (leaf + interior): 64 B/leaf",
        ratio: perLeaf / 64,
        target: "<= 200",
      });

      const store = SqliteStore.open(built.dbPath);
      try {
        // 2. Proof latency.
        const reader = new LogReader(store);
        const size = await reader.size();
        progress(`inclusion proofs ${at}: ${PROOF_WARMUP} warm-up + ${PROOF_SAMPLES} timed, random index, tree size ${size}`);
        const incl = await profiled("log", `inclusion ${at}`, () => timeCalls(PROOF_SAMPLES, PROOF_WARMUP, () => Math.floor(Math.random() * size), (i) => reader.inclusionProof(i, size)));
        progress(`  p50 ${incl.p50us.toFixed(1)} µs, p99 ${incl.p99us.toFixed(1)} µs, mean ${incl.meanUs.toFixed(1)} µs`);
        progress(`consistency proofs ${at}: ${PROOF_WARMUP} warm-up + ${PROOF_SAMPLES} timed, random old size to ${size}`);
        const cons = await profiled("log", `consistency ${at}`, () => timeCalls(PROOF_SAMPLES, PROOF_WARMUP, () => 1 + Math.floor(Math.random() * size), (a) => reader.consistencyProof(a, size)));
        progress(`  p50 ${cons.p50us.toFixed(1)} µs, p99 ${cons.p99us.toFixed(1)} µs, mean ${cons.meanUs.toFixed(1)} µs`);
        for (const [kind, s] of [["inclusion", incl], ["consistency", cons]] as const) {
          for (const [p, v] of [["p50", s.p50us], ["p99", s.p99us]] as const) {
            rows.push({
              name: `${kind} proof ${p} ${at}`,
              value: v,
              unit: "µs",
              baseline: verifyBaseline,
              ratio: v / verifyUs,
              ...(p === "p99" ? { target: "< 1000 (at 10M)" } : {}),
            });
          }
          const perSec = 1e6 / s.meanUs;
          rows.push({ name: `${kind} proofs/s, 1 core sequential ${at}`, value: perSec, unit: "proofs/s", baseline: verifyBaseline, ratio: perSec / ed.verifyPerSec });
        }

        // 3. Audit.
        progress(`audit ${at}`);
        let lastTenth = 0;
        const cpuBefore = process.cpuUsage();
        const audit = await profiled("log", `audit ${at}`, () => auditLog(store, {
          verifier: verifierFromSigner(built.signer),
          parallel: { at: { dataDir: dirname(built.dbPath) } },
          onProgress: (done, total) => {
            const tenth = Math.floor((done / total) * 10);
            if (tenth > lastTenth) {
              lastTenth = tenth;
              progress(`  audited ${formatNumber(done)} / ${formatNumber(total)}`);
            }
          },
        }));
        if (!audit.ok || audit.leaves !== built.leaves) {
          throw new Error(`audit of the benchmark log failed: ${audit.problems.slice(0, 3).map((p) => p.message).join("; ")}`);
        }
        const cpu = process.cpuUsage(cpuBefore);
        // CPU of every thread of this process (the audit threads and V8's helpers): comparable across loads.
        const cpuUsPerLeaf = (cpu.user + cpu.system) / audit.leaves;
        const perMillion = audit.seconds / (audit.leaves / 1e6);
        const leavesPerSec = audit.leaves / audit.seconds;
        progress(`  ${audit.leaves} leaves, ${audit.checkpoints} checkpoints in ${audit.seconds.toFixed(2)} s; CPU ${cpuUsPerLeaf.toFixed(2)} µs a leaf, every thread (${((cpu.user + cpu.system) / 1e6 / audit.seconds).toFixed(2)} cores)`);
        rows.push({
          name: `audit time per 1M leaves ${at}`,
          value: perMillion,
          unit: "s/1M leaves",
          baseline: `openssl sha256 64B: 1M hashes in ${(1e6 / sha).toFixed(3)} s`,
          ratio: perMillion / (1e6 / sha),
          target: "<= 10",
        });
        rows.push({ name: `audit rate ${at}`, value: leavesPerSec, unit: "leaves/s", baseline: shaBaseline, ratio: leavesPerSec / sha, target: ">= 100 000" });
        // As SHA-256 hashes of 64 B: a leaf needs two (its leaf hash, and about one node).
        rows.push({ name: `audit CPU per leaf, every thread ${at}`, value: cpuUsPerLeaf, unit: "µs", baseline: shaBaseline, ratio: cpuUsPerLeaf / (1e6 / sha) });
      } finally {
        await store.close();
      }
    } finally {
      removeDir(dir);
    }
  }

  const durationSeconds = (performance.now() - benchStarted) / 1000;
  const file = report("log", rows, {
    startedAt,
    durationSeconds,
    options: { full: opts.full, scale: opts.scale, sections: [...opts.sections] },
    parameters: { leafBytes: LEAF_BYTES, maxBatchLeaves: MAX_BATCH_LEAVES, treeSize, proofSamples: PROOF_SAMPLES, proofWarmup: PROOF_WARMUP },
    host: {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      node: process.version,
      platform: process.platform,
      tmpdir: tmpdir(),
      openssl: opensslVersion(),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg(),
    },
    baselines: { sha256HashesPerSec64: sha, ed25519SignPerSec: ed.signPerSec, ed25519VerifyPerSec: ed.verifyPerSec },
    ratios:
      "throughput rows: value / baseline rate (higher is better); latency rows: value / baseline time per op " +
      "(= value x verify/s, 'how many Ed25519 verifies one proof costs', lower is better); " +
      "audit s/1M: value / time for 1M openssl 64-byte hashes; disk: value / 64 B of hashes stored per leaf",
  });
  progress(`done in ${durationSeconds.toFixed(1)} s (load average now ${loadText()}); wrote ${file}`);
}
