/**
 * `npm run bench -- store`: the two store engines side by side, in one run, on real `tocsin serve`
 * processes over loopback HTTP:
 * - admission throughput: signed warnings (≈1.2 KB of STIX each, Ed25519-verified, lifecycle-checked,
 *   durably logged and stored) posted one per request by 16 keep-alive clients, spread evenly over the
 *   node processes — SQLite (one process, its only mode) and PostgreSQL with 1, 2 and 4 processes on one
 *   database (followers forward writes to the sequencing process);
 * - proof latency: GET /log/proof/inclusion for random indices of the resulting log, one at a time.
 * Ratios are against SQLite's figure in the same run (target: PostgreSQL admission ≥ 0.5× SQLite).
 * Rows go to bench/out/store.json. TOCSIN_BENCH_SCALE multiplies the record counts.
 */
import { Worker } from "node:worker_threads";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { generateNoteSigner, verifierFromSigner } from "../src/core/note/index.js";
import { auditLog } from "../src/log/audit.js";
import { Sequencer } from "../src/log/sequencer.js";
import { systemClock } from "../src/log/system-clock.js";
import { PgStore } from "../src/store/postgres/pg-store.js";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { ed25519PublicKey } from "../src/core/crypto/ed25519.js";
import { readSeed } from "../src/exchange/party-key-files.js";
import { cleanup, runCli, startServer, tempDir, type RunningServer } from "../src/reliability/harness.js";
import { createTestDatabase } from "../src/testing/pg-database.js";
import type { PostMessage, PostSpec } from "./post-worker.js";
import { DEFAULT_CONFIG } from "../src/node/config.js";
import { benchWarning } from "./bench-warning.js";
import { percentile, report, type Row } from "./report.js";

const scale = Number(process.env.TOCSIN_BENCH_SCALE ?? "1");
const RECORDS = Math.round(3000 * scale);
const CLIENTS = 16;
const PROOFS = Math.round(1000 * scale);
const RAW_LEAVES = Math.round(200_000 * scale);
const LEAF_BYTES = 64;

/**
 * The log layer alone, in process: RAW_LEAVES leaves of 64 B appended by 4 callers in batches of
 * 1 000 (group commit, a checkpoint per second), then the bytes each leaf costs on disk beyond its data.
 */
async function rawAppend(engine: "sqlite" | "postgres"): Promise<{ leavesPerSec: number; bytesPerLeaf: number; auditPerSec: number }> {
  const dir = tempDir("bench-raw");
  const db = engine === "postgres" ? await createTestDatabase("benchraw") : undefined;
  const path = join(dir, "tocsin.db");
  let store: Store = db ? await PgStore.open(db.url) : SqliteStore.open(path);
  try {
    const signer = generateNoteSigner("bench.tocsin.example/raw");
    const sequencer = new Sequencer({ store, signer, clock: systemClock, checkpointIntervalMs: 1000 });
    await sequencer.start();
    process.stderr.write(`raw appends, ${engine}: ${RAW_LEAVES} leaves …\n`);
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < RAW_LEAVES) {
          const n = Math.min(1000, RAW_LEAVES - next);
          next += n;
          await sequencer.appendMany(Array.from({ length: n }, () => randomBytes(LEAF_BYTES)));
        }
      }),
    );
    const leavesPerSec = RAW_LEAVES / ((performance.now() - t) / 1000);
    await sequencer.stop();
    const audit = await auditLog(store, { verifier: verifierFromSigner(signer) });
    if (!audit.ok) throw new Error(`${engine}: audit of the benchmark log failed`);
    const auditPerSec = RAW_LEAVES / audit.seconds;
    let bytes: number;
    if (db) {
      const r = await (store as PgStore).pool.query(
        "SELECT sum(pg_total_relation_size(c))::bigint AS b FROM unnest(ARRAY['log_leaf','log_node','log_checkpoint','log_head']) AS c",
      );
      bytes = r.rows[0].b as number;
    } else {
      await store.close();
      store = undefined as unknown as Store;
      const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
      bytes = size(path) + size(`${path}-wal`);
    }
    process.stderr.write(`  ${Math.round(leavesPerSec)} leaves/s\n`);
    return { leavesPerSec, bytesPerLeaf: (bytes - RAW_LEAVES * LEAF_BYTES) / RAW_LEAVES, auditPerSec };
  } finally {
    await store?.close();
    await db?.drop();
  }
}

interface Setup {
  readonly label: string;
  readonly engine: "sqlite" | "postgres";
  readonly processes: number;
}

interface Measured {
  readonly recordsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly proofP50Ms: number;
  readonly proofP99Ms: number;
  readonly logSize: number;
}

async function cli(args: string[]): Promise<string> {
  const r = await runCli(args, 60_000);
  if (r.code !== 0) throw new Error(`tocsin ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function post(spec: PostSpec): Promise<Extract<PostMessage, { type: "done" }>> {
  const w = new Worker(new URL("./post-worker.js", import.meta.url), { workerData: spec });
  return new Promise<PostMessage>((resolve, reject) => {
    w.once("message", resolve);
    w.once("error", reject);
  }).then(async (m) => {
    await w.terminate();
    if (m.type === "error") throw new Error(m.message);
    return m;
  });
}

async function measure(setup: Setup): Promise<Measured> {
  const dir = tempDir("bench-store");
  const db = setup.engine === "postgres" ? await createTestDatabase("bench") : undefined;
  const dbArgs = db ? ["--db", db.url] : [];
  const servers: RunningServer[] = [];
  try {
    const sender = JSON.parse(await cli(["party", "create", "sender", "--name", "Sender", "--data", dir, ...dbArgs]));
    const recipient = JSON.parse(await cli(["party", "create", "recipient", "--name", "Recipient", "--data", dir, ...dbArgs]));
    for (let i = 0; i < setup.processes; i++) servers.push(await startServer(dir, [...dbArgs, "--lease-ttl", "2000", "--check-workers", String(DEFAULT_CONFIG.checkWorkers)], 60_000));
    const seed = readSeed(sender.keyFile);
    const author = { id: sender.id, seed, publicKey: ed25519PublicKey(seed) };
    const now = Date.now();
    const bodies = Array.from({ length: RECORDS }, (_, i) =>
      JSON.stringify(
        benchWarning(author, recipient.id, i, now),
      ),
    );
    process.stderr.write(`${setup.label}: ${RECORDS} signed warnings, ${CLIENTS} clients over ${setup.processes} process(es) …\n`);
    // One load worker per process, each with its share of the bodies and of the clients.
    const results = await Promise.all(
      servers.map((s, i) =>
        post({
          url: `${s.url}/api/v1/records`,
          headers: { "content-type": "application/json", authorization: `Bearer ${sender.token}` },
          bodies: bodies.filter((_, j) => j % servers.length === i),
          clients: Math.max(1, Math.round(CLIENTS / servers.length)),
          ok: [201],
        }),
      ),
    );
    const seconds = Math.max(...results.map((r) => r.seconds));
    const lat = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    const size = await logSize(servers[0]!.url);
    if (size < RECORDS) throw new Error(`${setup.label}: log holds ${size} entries, ${RECORDS} admitted`);
    const proofs: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const index = Math.floor(Math.random() * size);
      const t = performance.now();
      const res = await fetch(`${servers[0]!.url}/log/proof/inclusion?index=${index}&size=${size}`);
      await res.text();
      if (res.status !== 200) throw new Error(`proof: HTTP ${res.status}`);
      proofs.push(performance.now() - t);
    }
    proofs.sort((a, b) => a - b);
    const m = {
      recordsPerSec: RECORDS / seconds,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      proofP50Ms: percentile(proofs, 50),
      proofP99Ms: percentile(proofs, 99),
      logSize: size,
    };
    process.stderr.write(`  ${Math.round(m.recordsPerSec)} records/s; proof p50 ${m.proofP50Ms.toFixed(2)} ms\n`);
    return m;
  } finally {
    for (const s of servers) await s.stop();
    await db?.drop();
  }
}

async function logSize(base: string): Promise<number> {
  const note = await (await fetch(`${base}/log/checkpoint`)).text();
  return Number(note.split("\n")[1]);
}

export async function runStoreBench(_args: string[]): Promise<void> {
  const started = performance.now();
  const setups: Setup[] = [
    { label: "sqlite, 1 process", engine: "sqlite", processes: 1 },
    { label: "postgres, 1 process", engine: "postgres", processes: 1 },
    { label: "postgres, 2 processes", engine: "postgres", processes: 2 },
    { label: "postgres, 4 processes", engine: "postgres", processes: 4 },
  ];
  const results = new Map<string, Measured>();
  const raw = new Map<string, { leavesPerSec: number; bytesPerLeaf: number; auditPerSec: number }>();
  try {
    for (const s of setups) results.set(s.label, await measure(s));
    for (const e of ["sqlite", "postgres"] as const) raw.set(e, await rawAppend(e));
  } finally {
    await cleanup();
  }
  const base = results.get("sqlite, 1 process")!;
  const baseline = `sqlite admission: ${Math.round(base.recordsPerSec)} records/s`;
  const proofBaseline = `sqlite proof p50: ${base.proofP50Ms.toFixed(3)} ms`;
  const rows: Row[] = [];
  for (const s of setups) {
    const m = results.get(s.label)!;
    rows.push({
      name: `admission, ${s.label} (${RECORDS} warnings, batch 1, ${CLIENTS} clients)`,
      value: m.recordsPerSec,
      unit: "records/s",
      baseline,
      ratio: m.recordsPerSec / base.recordsPerSec,
      ...(s.engine === "postgres" ? { target: ">= 0.5x sqlite" } : {}),
    });
    rows.push({ name: `  request latency p50, ${s.label}`, value: m.p50Ms, unit: "ms", baseline: `sqlite p50: ${base.p50Ms.toFixed(2)} ms`, ratio: m.p50Ms / base.p50Ms });
    rows.push({ name: `  request latency p99, ${s.label}`, value: m.p99Ms, unit: "ms", baseline: `sqlite p99: ${base.p99Ms.toFixed(2)} ms`, ratio: m.p99Ms / base.p99Ms });
    rows.push({ name: `  inclusion proof p50 (HTTP, size ${m.logSize}), ${s.label}`, value: m.proofP50Ms, unit: "ms", baseline: proofBaseline, ratio: m.proofP50Ms / base.proofP50Ms });
    rows.push({ name: `  inclusion proof p99, ${s.label}`, value: m.proofP99Ms, unit: "ms", baseline: proofBaseline, ratio: m.proofP99Ms / base.proofP50Ms });
  }
  const rawBase = raw.get("sqlite")!;
  for (const [e, r] of raw) {
    rows.push({
      name: `raw log appends in process, ${e} (${RAW_LEAVES} x ${LEAF_BYTES} B, batches of 1 000, 4 callers)`,
      value: r.leavesPerSec,
      unit: "leaves/s",
      baseline: `sqlite: ${Math.round(rawBase.leavesPerSec)} leaves/s`,
      ratio: r.leavesPerSec / rawBase.leavesPerSec,
    });
    rows.push({ name: `  audit (recompute and compare every hash), ${e}`, value: r.auditPerSec, unit: "leaves/s", baseline: `sqlite: ${Math.round(rawBase.auditPerSec)} leaves/s`, ratio: r.auditPerSec / rawBase.auditPerSec });
    rows.push({ name: `  disk bytes per leaf beyond its data, ${e}`, value: r.bytesPerLeaf, unit: "B/leaf", baseline: `sqlite: ${rawBase.bytesPerLeaf.toFixed(0)} B/leaf`, ratio: r.bytesPerLeaf / rawBase.bytesPerLeaf });
  }
  report("store", rows, { records: RECORDS, clients: CLIENTS, proofs: PROOFS, seconds: (performance.now() - started) / 1000 });
}
