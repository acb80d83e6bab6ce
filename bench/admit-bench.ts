/**
 * `npm run bench -- admit`: signed records admitted per second, end to end over HTTP on loopback —
 * JSON parsing, STIX validation (official + Tocsin schemas), Ed25519 signature check, lifecycle,
 * durable log append and storage — in batches of 1 and of 1 000, beside the machine's one-core
 * OpenSSL Ed25519 verify rate measured in the same run (the target: ≥ 1.0× that rate).
 *
 * Records are signed warnings (≈1.2 KB of STIX each) prepared before the clock starts; the HTTP
 * clients run in a child process, so the node's CPU and the clients' are measured apart (and the
 * node's main thread apart again, from /proc). Each phase first posts records untimed from the same
 * client process (9 000 at batch 1, 4 000 at batch 1 000), so that the figures are a warm node's and
 * warm clients'. Rows go to bench/out/admit.json.
 *
 * `openssl speed` divides by CPU user time (not wall time), so its baseline holds still on a loaded
 * machine while the wall-clock rates here fall with the load; the CPU per record row (process.cpuUsage,
 * every thread) and the rate two idle cores would give at that cost are the load-independent figures.
 *
 * Targets (issue 16), each row marked pass or MISS: batch 1 000 ≥ 1.0× one core's OpenSSL verify rate;
 * batch 1 with 16 clients ≥ 0.5× and p99 < 25 ms. A second baseline row gives the node's own verify
 * rate (libsodium) on one core in the same run, so twice that row (two cores doing nothing but verify)
 * is a hard ceiling on admission here. TOCSIN_BENCH_CPU_PROF=<dir> writes a CPU
 * profile of the main thread for each timed phase. `--only=batch1,parts1,batch1000,parts1000,inproc,floor`
 * picks phases.
 *
 * The parts phases (parts1, parts1000) post the same load, right after the node's, to the node's parts
 * alone (admit-floor.ts, withPipelineServer): its HTTP framework and JSON parser, its check workers, its
 * sequencer and append thread, and none of its bookkeeping (token, key ledger, versions, lifecycle,
 * locks, outbox). Their rate is what the node's arrangement of threads and hand-overs allows on this
 * machine, so the gap to the node's rate is what its bookkeeping costs, and a target the parts alone
 * miss is bounded by that arrangement, not by the admission's own work.
 *
 * The floor phase (admit-floor.ts) times each step a record cannot skip alone on one thread, their sum,
 * and a bare HTTP exchange with the batch-1 clients (and the same exchange through Fastify, the node's
 * framework, to show what it adds): the least any admission of these records costs on this machine,
 * beside OpenSSL's verify on both cores at once (what two busy threads really get here).
 */
import { fork } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ed25519PublicKey } from "../src/core/crypto/ed25519.js";
import { readSeed } from "../src/exchange/party-key-files.js";
import { parseConfig } from "../src/node/config.js";
import { openNode, type TocsinNode } from "../src/node/node.js";
import { ed25519Rates, ed25519VerifyPerSecAllCores, opensslVersion } from "./baseline.js";
import type { PostMessage, PostSpec } from "./post-worker.js";
import { admissionFloor, appendCpuPerRecord, withBareHttpServer, withFastifyServer, withPipelineServer } from "./admit-floor.js";
import { THREAD_NAMES } from "../src/store/os-thread-name.js";
import { benchWarning } from "./bench-warning.js";
import { profiled } from "./cpu-profile.js";
import { nodeEd25519VerifyPerSec } from "./node-verify.js";
import { percentile, report, sci, type Row } from "./report.js";

const scale = Number(process.env.TOCSIN_BENCH_SCALE ?? "1");

async function withNode<T>(fn: (node: TocsinNode, url: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-bench-admit-"));
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0, maxBodyBytes: 64 * 1024 * 1024 }));
  // As `tocsin serve` does before listening: the check workers compile their schemas outside the timing.
  await node.warmUp();
  try {
    const url = await node.app.listen({ host: "127.0.0.1", port: 0 });
    return await fn(node, url);
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Signed warnings from a fresh sender to a fresh recipient, prepared before timing. */
async function signedWarnings(node: TocsinNode, n: number, tag: string) {
  const sender = await node.registrar.create({ slug: `sender-${tag}`, name: "Sender" });
  const recipient = await node.registrar.create({ slug: `recipient-${tag}`, name: "Recipient" });
  const seed = readSeed(sender.keyFile!);
  const author = { id: sender.id, seed, publicKey: ed25519PublicKey(seed) };
  const now = Date.now();
  const records = Array.from({ length: n }, (_, i) =>
    benchWarning(author, recipient.id, i, now),
  );
  return { token: sender.token, records, publicKey: author.publicKey };
}

/** The node's CPU time (µs) split by its threads' names (os-thread-name.ts): the rest is V8's helpers (GC, compiler) and libuv's. */
export interface ThreadSplit {
  readonly check: number;
  readonly append: number;
  readonly helpers: number;
}

type PostDone = Extract<PostMessage, { type: "done" }> & { cpuUs: number; nodeCpuUs: number; mainCpuUs: number; threads: ThreadSplit };

/**
 * The HTTP clients in a child process of their own (as real clients are), so the node's CPU and the
 * clients' are measured apart: this process's CPU (every thread, and the main thread alone) from the
 * moment the clients start to the moment they report, and the clients' as the child reports it. One
 * process serves the warm-up and the timed run, so the clients are as warm as the node in the latter.
 */
class PostClients {
  readonly #child = fork(fileURLToPath(new URL("./post-worker.js", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  readonly #exited: Promise<never>;

  constructor() {
    this.#exited = new Promise<never>((_, reject) => {
      this.#child.once("error", reject);
      this.#child.once("exit", (code) => reject(new Error(`the client process exited with code ${code} before reporting`)));
    });
    this.#exited.catch(() => undefined);
  }

  async run(spec: PostSpec): Promise<PostDone> {
    const next = (): Promise<PostMessage | { type: "ready" }> => Promise.race([new Promise<PostMessage>((resolve) => this.#child.once("message", resolve)), this.#exited]);
    this.#child.send(spec);
    if ((await next()).type !== "ready") throw new Error("the client process did not say it was ready");
    const cpu = process.cpuUsage();
    const before = threadsCpuUs();
    this.#child.send("go");
    const m = await next();
    const used = process.cpuUsage(cpu);
    // NaN where there is no /proc (not Linux): the rows say so instead of a wrong figure.
    let mainCpuUs = Number.NaN;
    const threads = before.size === 0 ? { check: Number.NaN, append: Number.NaN, helpers: Number.NaN } : { check: 0, append: 0, helpers: 0 };
    for (const [tid, t] of threadsCpuUs()) {
      const spent = t.us - (before.get(tid)?.us ?? 0);
      if (tid === String(process.pid)) mainCpuUs = spent;
      else if (t.name === THREAD_NAMES.check) threads.check += spent;
      else if (t.name === THREAD_NAMES.append) threads.append += spent;
      else threads.helpers += spent;
    }
    if (m.type === "error") throw new Error(m.message);
    if (m.type !== "done") throw new Error(`unexpected message ${m.type}`);
    return { ...m, cpuUs: m.cpuUs ?? 0, nodeCpuUs: used.user + used.system, mainCpuUs, threads };
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const gone = new Promise((r) => this.#child.once("exit", r));
    this.#child.kill();
    await gone;
  }
}

/** Runs `fn` with a client process, closed after. */
async function withClients<T>(fn: (clients: PostClients) => Promise<T>): Promise<T> {
  const clients = new PostClients();
  try {
    return await fn(clients);
  } finally {
    await clients.close();
  }
}

/** CPU time (user + system, µs) of one thread of this process, from /proc (Linux); the main thread's id is the pid. */
function threadCpuUs(tid: string): number {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), counted in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** Every thread of this process by id: its name (comm) and CPU time, µs. */
function threadsCpuUs(): Map<string, { name: string; us: number }> {
  const out = new Map<string, { name: string; us: number }>();
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return out; // no /proc (not Linux)
  }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      out.set(tid, { name, us: threadCpuUs(tid) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

export interface AdmitRun {
  readonly rate: number;
  /** CPU per record, µs: node and clients together, then each apart (the node's main thread is part of the node's). */
  readonly cpuUs: number;
  readonly nodeCpuUs: number;
  readonly mainThreadCpuUs: number;
  /** The node's other threads, by name. */
  readonly threadsCpuUs: ThreadSplit;
  readonly clientCpuUs: number;
  /** Durable transactions the records took (group commit gathers concurrent requests into one). */
  readonly commits: number;
  readonly latenciesMs: number[];
}

/**
 * Signed warnings admitted over HTTP (POST /api/v1/records) on a fresh node, `batch` per request from
 * `clients` concurrent clients: the rate, the CPU per record of the node and of the
 * clients (steadier than a rate on a shared machine) and each request's latency. The
 * TAXII benchmark runs it too, for its same-run admission baseline.
 */
export async function admitOverHttp(
  batch: number,
  total: number,
  clients: number,
  warm: number = Math.max(batch, Math.round(total / 5 / batch) * batch),
  server: "node" | "pipeline" = "node",
): Promise<AdmitRun> {
  return withNode(async (node, nodeUrl) => {
    process.stderr.write(`admit over HTTP${server === "pipeline" ? " (the node's parts alone)" : ""}, batch ${batch}: preparing ${total} signed records and the warm-up …\n`);
    // Posted first and not timed, by the same client process: a serving node runs warm, while the first
    // few thousand requests of a fresh node — and of fresh clients — mostly measure V8 compiling their
    // code on the helper threads (batch 1, in segments of 3 000 after a fresh start: 1 160, 1 847, then
    // 1 952–2 327 records/s; node CPU 1 155, 708, then 567–662 µs a record). Warm is `warm` records.
    const { token, records } = await signedWarnings(node, warm + total, `b${batch}`);
    const posterId = records[0]!.created_by_ref as string;
    const serving = server === "node" ? (fn: (url: string) => Promise<AdmitRun>) => fn(nodeUrl) : async (fn: (url: string) => Promise<AdmitRun>) => withPipelineServer(node, posterId, await node.parties.keys(posterId), fn);
    const bodiesOf = (rs: readonly unknown[]): string[] => {
      const out: string[] = [];
      for (let i = 0; i < rs.length; i += batch) out.push(JSON.stringify(batch === 1 ? rs[i] : rs.slice(i, i + batch)));
      return out;
    };
    const spec = (url: string, bodies: string[]): PostSpec => ({
      url: `${url}/api/v1/records`,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      bodies,
      clients,
      ok: [201],
    });
    process.stderr.write(`  warming up with ${warm} records …\n`);
    return serving((url) => withClients(async (clients) => {
      const warmBodies = bodiesOf(records.slice(0, warm));
      const bodies = bodiesOf(records.slice(warm));
      // The clients' objects are theirs, not the node's: held here, they would sit in the node's heap (this
      // process) through the timed run and every major GC would mark them.
      records.length = 0;
      await clients.run(spec(url, warmBodies));
      const sizeBefore = await node.store.logSize();
      const done = await profiled("admit", `${server === "node" ? "" : "parts alone "}batch ${batch}`, () => clients.run(spec(url, bodies)));
      const admitted = (await node.store.logSize()) - sizeBefore;
      if (admitted !== total) throw new Error(`expected ${total} new leaves, found ${admitted}`);
      // The node signs a checkpoint with every commit (checkpointIntervalMs 0): one per durable transaction.
      const commits = (await node.store.listCheckpoints(sizeBefore, total + 1)).length;
      const rate = total / done.seconds;
      const nodeCpuUs = done.nodeCpuUs / total;
      const clientCpuUs = done.cpuUs / total;
      const cpuUs = nodeCpuUs + clientCpuUs;
      const mainThreadCpuUs = done.mainCpuUs / total;
      const threadsCpuUs = { check: done.threads.check / total, append: done.threads.append / total, helpers: done.threads.helpers / total };
      process.stderr.write(
        `  ${Math.round(rate)} records/s, ${Math.round(cpuUs)} µs of CPU per record (node ${Math.round(nodeCpuUs)}, of which main thread ${Math.round(mainThreadCpuUs)}; clients ${Math.round(clientCpuUs)}); ${commits} commits (${(total / commits).toFixed(1)} records each)\n`,
      );
      return { rate, cpuUs, nodeCpuUs, mainThreadCpuUs, threadsCpuUs, clientCpuUs, commits, latenciesMs: done.latenciesMs };
    }));
  });
}

/** `--only=batch1`, `parts1`, `batch1000`, `parts1000`, `inproc` or `floor` (comma-separated) runs only those phases. */
function phasesFrom(args: readonly string[]): ReadonlySet<string> {
  const all = ["batch1", "parts1", "batch1000", "parts1000", "inproc", "floor"];
  const only = args.find((a) => a.startsWith("--only="));
  if (!only) return new Set(all);
  const named = only.slice("--only=".length).split(",").filter((p) => p !== "");
  for (const p of named) if (!all.includes(p)) throw new Error(`unknown phase "${p}" (phases: ${all.join(", ")})`);
  return new Set(named);
}

export async function runAdmitBench(args: string[]): Promise<void> {
  const phases = phasesFrom(args);
  const started = performance.now();
  process.stderr.write("baseline: openssl speed ed25519 …\n");
  const ed = ed25519Rates(2);
  const nodeVerify = nodeEd25519VerifyPerSec(2);
  const verifyBaseline = `openssl ed25519 verify, 1 core: ${sci(ed.verifyPerSec)}/s`;
  const rows: Row[] = [];
  // Records per fsynced commit in the batch-1 phase, for the floor's batch-1 append (7 when it did not run: its usual group).
  let batch1PerCommit = 7;

  // Batch 1 needs ~6 000 requests before its rate settles (see admitOverHttp); batch 1 000, one envelope a client.
  // Each batch size twice: through the node, then through the node's parts alone (admit-floor.ts,
  // withPipelineServer: its HTTP, check workers and group commit without its bookkeeping), at once after
  // on the same host, so the two rates say how much of the node's cost its arrangement alone makes.
  for (const { batch, total, warm, clients, least, server } of [1, 1000].flatMap((batch) =>
    (["node", "pipeline"] as const).map((server) =>
      batch === 1
        ? { batch, server, total: Math.round(6000 * scale), warm: Math.round(9000 * scale), clients: 16, least: 0.5 }
        : { batch, server, total: Math.round(20_000 * scale), warm: Math.round(4000 * scale), clients: 4, least: 1.0 },
    ),
  )) {
    if (!phases.has(server === "node" ? `batch${batch}` : `parts${batch}`)) continue;
    const { rate, cpuUs, nodeCpuUs, mainThreadCpuUs, threadsCpuUs, clientCpuUs, commits, latenciesMs } = await admitOverHttp(batch, total, clients, warm, server);
    if (batch === 1 && server === "node") batch1PerCommit = total / commits;
    // The parts' rows are named as floors: what the node would do were its bookkeeping free.
    const what = server === "node" ? "" : "parts alone: ";
    const lat = [...latenciesMs].sort((a, b) => a - b);
    const ratio = rate / ed.verifyPerSec;
    const p99 = percentile(lat, 99);
    rows.push({
      name: server === "node" ? `admit over HTTP, batch ${batch} x ${clients} clients (${total} warnings)` : `floor: the node's parts alone, batch ${batch} x ${clients} clients (HTTP, check workers, group commit; no bookkeeping)`,
      value: rate,
      unit: "records/s",
      baseline: verifyBaseline,
      ratio,
      ...(server === "node" ? { target: `>= ${least.toFixed(1)}x verify/s: ${mark(ratio >= least)}` } : {}),
    });
    rows.push({ name: `  ${what}CPU per record, all threads (node + clients), batch ${batch}`, value: cpuUs, unit: "µs", baseline: verifyBaseline, ratio: (cpuUs / 1e6) * ed.verifyPerSec });
    rows.push({ name: `    … ${what}the node's (every thread), batch ${batch}`, value: nodeCpuUs, unit: "µs", baseline: verifyBaseline, ratio: (nodeCpuUs / 1e6) * ed.verifyPerSec });
    rows.push({ name: `    … ${what}the node's main thread, batch ${batch}`, value: mainThreadCpuUs, unit: "µs", baseline: verifyBaseline, ratio: (mainThreadCpuUs / 1e6) * ed.verifyPerSec });
    // Where the node's CPU goes, by thread: the check workers hold the one unavoidable verify a record.
    rows.push({ name: `    … ${what}the check workers', batch ${batch}`, value: threadsCpuUs.check, unit: "µs", baseline: verifyBaseline, ratio: (threadsCpuUs.check / 1e6) * ed.verifyPerSec });
    rows.push({ name: `    … ${what}the append thread's, batch ${batch}`, value: threadsCpuUs.append, unit: "µs", baseline: verifyBaseline, ratio: (threadsCpuUs.append / 1e6) * ed.verifyPerSec });
    rows.push({ name: `    … ${what}V8's and libuv's helper threads (GC, compiler), batch ${batch}`, value: threadsCpuUs.helpers, unit: "µs", baseline: verifyBaseline, ratio: (threadsCpuUs.helpers / 1e6) * ed.verifyPerSec });
    rows.push({ name: `    … ${what}the clients' (a process of their own), batch ${batch}`, value: clientCpuUs, unit: "µs", baseline: verifyBaseline, ratio: (clientCpuUs / 1e6) * ed.verifyPerSec });
    // ratio: requests per durable transaction (how many requests group commit gathers into one fsync).
    rows.push({ name: `  ${what}records per commit (group commit), batch ${batch}`, value: total / commits, unit: "records", baseline: `${batch} record(s) per request`, ratio: total / commits / batch });
    // openssl speed divides by CPU time, so its rate ignores the machine's load; this row does the same
    // for admission: the rate two cores would give at this CPU cost per record (clients included).
    rows.push({ name: `  ${what}CPU-bound rate on 2 idle cores (2 / CPU per record), batch ${batch}`, value: 2e6 / cpuUs, unit: "records/s", baseline: verifyBaseline, ratio: 2e6 / cpuUs / ed.verifyPerSec });
    rows.push({ name: `  ${what}request latency p50, batch ${batch}`, value: percentile(lat, 50), unit: "ms", baseline: verifyBaseline, ratio: (percentile(lat, 50) / 1000) * ed.verifyPerSec });
    rows.push({ name: `  ${what}request latency p99, batch ${batch}`, value: p99, unit: "ms", baseline: verifyBaseline, ratio: (p99 / 1000) * ed.verifyPerSec, ...(batch === 1 && server === "node" ? { target: `< 25 ms: ${mark(p99 < 25)}` } : {}) });
  }

  if (phases.has("inproc")) await withNode(async (node) => {
    const total = Math.round(20_000 * scale);
    process.stderr.write(`admit in-process (no HTTP), batch 1000: preparing ${total} …\n`);
    const { records } = await signedWarnings(node, total, "inproc");
    const poster = (await node.parties.get("sender-inproc"))!;
    const t = performance.now();
    await profiled("admit", "in-process", async () => {
      for (let i = 0; i < records.length; i += 1000) await node.admission.admit(poster, records.slice(i, i + 1000));
    });
    const rate = total / ((performance.now() - t) / 1000);
    rows.push({ name: `admit in-process, batch 1000 (${total} warnings)`, value: rate, unit: "records/s", baseline: verifyBaseline, ratio: rate / ed.verifyPerSec });
  });

  if (phases.has("floor")) await withNode(async (node) => {
    const total = Math.round(10_000 * scale);
    process.stderr.write(`admission floor, step by step on one thread: preparing ${total} …\n`);
    const perTx = Math.max(1, Math.round(batch1PerCommit));
    const grouped = Math.round((3000 * scale) / perTx) * perTx;
    const signed = await signedWarnings(node, total + grouped, "floor");
    const records = signed.records.slice(0, total);
    const steps = await admissionFloor(node, records, signed.publicKey);
    const floor = steps.reduce((s, x) => s + x.us, 0);
    const verifyUs = 1e6 / ed.verifyPerSec;
    // ratio of the step rows: in OpenSSL verifies. Target 1 holds only if all but the verify fits in one verify's time.
    for (const s of steps) rows.push({ name: `  floor: ${s.name}`, value: s.us, unit: "µs", baseline: verifyBaseline, ratio: s.us / verifyUs });
    rows.push({ name: "floor: CPU per record, the steps above (one thread)", value: floor, unit: "µs", baseline: verifyBaseline, ratio: floor / verifyUs });
    rows.push({ name: "  floor rate on 2 idle cores, batch 1000 (the steps and nothing else)", value: 2e6 / floor, unit: "records/s", baseline: verifyBaseline, ratio: 2e6 / floor / ed.verifyPerSec });
    // What two busy processes really get of this machine, in cores: OpenSSL on both at once ÷ on one.
    const bothCores = ed25519VerifyPerSecAllCores(2);
    const cores = bothCores / ed.verifyPerSec;
    rows.push({ name: "  openssl ed25519 verify, 2 processes at once (wall clock)", value: bothCores, unit: "verify/s", baseline: verifyBaseline, ratio: cores });
    rows.push({ name: "  floor rate at that two-process capacity, batch 1000", value: (cores * 1e6) / floor, unit: "records/s", baseline: verifyBaseline, ratio: (cores * 1e6) / floor / ed.verifyPerSec });
    // Batch 1 pays an HTTP exchange per record: the same 16 clients against a server that does nothing else.
    // As warm as the batch-1 phase: 9 000 requests first, then 6 000 timed (the bare server does not mind repeats).
    const texts = records.map((r) => JSON.stringify(r));
    const cycle = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => texts[(from + i) % texts.length]!);
    const warm = Math.round(9000 * scale);
    const bodies = cycle(warm, Math.round(6000 * scale));
    const exchange = (withServer: typeof withBareHttpServer) =>
      withServer(async (url) => {
        const spec = (b: string[]): PostSpec => ({ url: `${url}/api/v1/records`, headers: { "content-type": "application/json" }, bodies: b, clients: 16, ok: [201] });
        return withClients(async (clients) => {
          await clients.run(spec(cycle(0, warm)));
          return clients.run(spec(bodies));
        });
      });
    const http = await exchange(withBareHttpServer);
    const httpUs = (http.nodeCpuUs + http.cpuUs) / bodies.length;
    rows.push({ name: "  floor: bare HTTP exchange, 1 record a request x 16 clients (server + clients)", value: httpUs, unit: "µs", baseline: verifyBaseline, ratio: httpUs / verifyUs });
    rows.push({ name: "  floor rate on 2 idle cores, batch 1 (the steps + the bare exchange)", value: 2e6 / (floor + httpUs), unit: "records/s", baseline: verifyBaseline, ratio: 2e6 / (floor + httpUs) / ed.verifyPerSec });
    rows.push({ name: "  floor rate at the two-process capacity, batch 1", value: (cores * 1e6) / (floor + httpUs), unit: "records/s", baseline: verifyBaseline, ratio: (cores * 1e6) / (floor + httpUs) / ed.verifyPerSec });
    // The clients stand for parties elsewhere: the exchange's server side alone, and the floor were they on other machines.
    const serverUs = http.nodeCpuUs / bodies.length;
    rows.push({ name: "  floor: the bare exchange's server side alone", value: serverUs, unit: "µs", baseline: verifyBaseline, ratio: serverUs / verifyUs });
    rows.push({ name: "  floor rate on 2 idle cores, batch 1, clients on other machines (the steps + the server side)", value: 2e6 / (floor + serverUs), unit: "records/s", baseline: verifyBaseline, ratio: 2e6 / (floor + serverUs) / ed.verifyPerSec });
    // Batch 1's append: each request's answer waits for its fsync, so a commit carries only the records that
    // arrived while the one before it was on its way to disk (the batch-1 phase's group), and each pays a
    // share of a commit's fixed costs (the WAL frames of every page it touches, the fsync, a checkpoint
    // signature) that 1 000 records a transaction spread thin.
    const groupUs = await appendCpuPerRecord(node, signed.records.slice(total), perTx);
    const batch1Floor = floor - steps.find((x) => x.name.startsWith("durable append"))!.us + groupUs;
    rows.push({ name: `  floor: durable append, ${perTx} a transaction (batch 1's group commit)`, value: groupUs, unit: "µs", baseline: verifyBaseline, ratio: groupUs / verifyUs });
    rows.push({ name: "floor: CPU per record at batch 1 (the steps with that append, + the bare exchange)", value: batch1Floor + httpUs, unit: "µs", baseline: verifyBaseline, ratio: (batch1Floor + httpUs) / verifyUs });
    rows.push({ name: "  floor rate on 2 idle cores, batch 1 (the steps with that append + the bare exchange)", value: 2e6 / (batch1Floor + httpUs), unit: "records/s", baseline: verifyBaseline, ratio: 2e6 / (batch1Floor + httpUs) / ed.verifyPerSec });
    rows.push({ name: "  the same, clients on other machines (+ the server side only)", value: 2e6 / (batch1Floor + serverUs), unit: "records/s", baseline: verifyBaseline, ratio: 2e6 / (batch1Floor + serverUs) / ed.verifyPerSec });
    // The node answers through Fastify, not bare node:http: the same exchange through the framework alone.
    const framed = await exchange(withFastifyServer);
    const framedUs = (framed.nodeCpuUs + framed.cpuUs) / bodies.length;
    rows.push({ name: "  floor: the same exchange through Fastify, the node's framework (server + clients)", value: framedUs, unit: "µs", baseline: verifyBaseline, ratio: framedUs / verifyUs });
    rows.push({ name: "  … its server side alone", value: framed.nodeCpuUs / bodies.length, unit: "µs", baseline: verifyBaseline, ratio: framed.nodeCpuUs / bodies.length / verifyUs });
    rows.push({ name: "floor: CPU per record at batch 1 through Fastify (the steps, that append, the framework's exchange)", value: batch1Floor + framedUs, unit: "µs", baseline: verifyBaseline, ratio: (batch1Floor + framedUs) / verifyUs });
    rows.push({ name: "  floor rate on 2 idle cores, batch 1 through Fastify", value: 2e6 / (batch1Floor + framedUs), unit: "records/s", baseline: verifyBaseline, ratio: 2e6 / (batch1Floor + framedUs) / ed.verifyPerSec });
  });

  rows.push({ name: "openssl ed25519 verify (baseline, 1 core)", value: ed.verifyPerSec, unit: "verify/s", baseline: verifyBaseline, ratio: 1 });
  rows.push({ name: "the node's ed25519 verify (libsodium), 1.1 KB (1 core; 2x = ceiling here)", value: nodeVerify, unit: "verify/s", baseline: verifyBaseline, ratio: nodeVerify / ed.verifyPerSec });
  report("admit", rows, { opensslVersion: opensslVersion(), ed25519: ed, nodeVerifyPerSec: nodeVerify, seconds: (performance.now() - started) / 1000 });
}

export function mark(met: boolean): string {
  return met ? "pass" : "MISS";
}
