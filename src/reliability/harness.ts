/**
 * Shared helpers for the reliability tests: the real `tocsin` binary as a child process (server and
 * CLI), temporary data directories, and small HTTP and database utilities.
 *
 * Every child spawned here is tracked, so a test's `after` hook (or, as a last resort, process exit)
 * kills whatever is still running even when an assertion failed half-way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest, type Agent } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { fromBase64 } from "../core/crypto/bytes.js";
import {
  openCheckpoint,
  parseSignerKey,
  verifierFromSigner,
  type Checkpoint,
  type NoteSigner,
  type NoteVerifier,
} from "../core/note/index.js";
import { repoRoot } from "../testing/repo-root.js";

export const TOCSIN_BIN = join(repoRoot(), "bin", "tocsin");
export const DB_FILE = "tocsin.db";
export const KEY_FILE = "log.key";

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

function killChildrenNow(): void {
  for (const c of children) {
    try {
      c.kill("SIGCONT"); // a test may have paused it
      c.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

process.on("exit", () => {
  killChildrenNow();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
// A test process stopped by a signal (the runner's timeout, Ctrl-C) runs no 'exit' handlers: take the
// servers down with it rather than leave them orphaned.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.once(signal, () => {
    killChildrenNow();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    process.exit(128 + (signal === "SIGTERM" ? 15 : signal === "SIGINT" ? 2 : 1));
  });
}

/** A fresh temporary directory, removed by {@link cleanup} (or at process exit). */
export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `tocsin-${label}-`));
  dirs.add(d);
  return d;
}

/** Kills every child still running (SIGKILL, waiting for each to be reaped) and removes the temp dirs. */
export async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => killAndWait(c, "SIGKILL")));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** Sends `signal` and resolves once the child has exited and been reaped (its PID is then gone). */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return done;
}

export interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Milliseconds from spawn to the "listening" line. */
  readonly startupMs: number;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGKILL: no cleanup of any kind, like a power cut of the process. */
  kill9(): Promise<void>;
  /** SIGTERM: the clean shutdown path (queued appends committed, lease released, database closed). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `tocsin serve` on an ephemeral port and resolves once it prints its URL. */
export async function startServer(dataDir: string, extraArgs: readonly string[] = [], timeoutMs = 20_000): Promise<RunningServer> {
  const started = performance.now();
  // Tests of processes check records on the main thread unless they ask for workers: each worker
  // compiles the STIX schemas (a second of CPU), which two dozen server starts need not pay.
  const workers = extraArgs.includes("--check-workers") ? [] : ["--check-workers", "0"];
  const child = spawn(process.execPath, [TOCSIN_BIN, "serve", "--data", dataDir, "--host", "127.0.0.1", "--port", "0", ...workers, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`));
    }, timeoutMs);
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}); stdout: ${out}; stderr: ${err}`));
    });
  });
  const startupMs = performance.now() - started;
  return {
    url,
    child,
    pid: child.pid!,
    startupMs,
    stderr: () => err,
    kill9: async () => void (await killAndWait(child, "SIGKILL")),
    stop: () => killAndWait(child, "SIGTERM"),
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tocsin ARGS…` to completion. */
export async function runCli(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
  const child = spawn(process.execPath, [TOCSIN_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const { code } = await exited(child);
  clearTimeout(timer);
  children.delete(child);
  // 'exit' may fire before the pipes are drained.
  await Promise.all([once(child.stdout!), once(child.stderr!)]);
  return { code, stdout, stderr };
}

function once(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as unknown as { readableEnded?: boolean }).readableEnded) return resolve();
    stream.once("end", () => resolve());
    stream.once("close", () => resolve());
  });
}

export interface AuditProblemJson {
  kind: string;
  entry: number;
  level?: number;
  nodeIndex?: number;
  message: string;
}

export interface AuditJson {
  ok: boolean;
  leaves: number;
  checkpoints: number;
  problems: AuditProblemJson[];
}

/** `tocsin log audit --data DIR --json`, parsed; `code` is the exit status. */
export async function auditJson(dataDir: string): Promise<{ code: number | null; report: AuditJson; stderr: string }> {
  const r = await runCli(["log", "audit", "--data", dataDir, "--json"]);
  let report: AuditJson;
  try {
    report = JSON.parse(r.stdout) as AuditJson;
  } catch {
    throw new Error(`log audit printed no JSON (exit ${r.code}); stdout: ${r.stdout}; stderr: ${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

/** The log's signer, read from DIR/log.key as the node does. */
export function logSigner(dataDir: string): NoteSigner {
  return parseSignerKey(readFileSync(join(dataDir, KEY_FILE), "utf8").trim());
}

export function logVerifier(dataDir: string): NoteVerifier {
  return verifierFromSigner(logSigner(dataDir));
}

/** Opens a signed checkpoint with the log key (throws if the signature does not verify). */
export function openNote(note: string, verifier: NoteVerifier): Checkpoint {
  return openCheckpoint(note, verifier).checkpoint;
}

/**
 * One HTTP exchange over node:http, through `agent` when given (so a caller can own, and at the end
 * destroy, its keep-alive connections). Resolves with the status and body; rejects on a network error
 * or after `timeoutMs`.
 */
export function httpExchange(
  url: string,
  options: { method?: string; body?: string; agent?: Agent; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: options.method ?? "GET",
        // Without an agent of the caller's: a connection of its own, closed after the exchange.
        agent: options.agent ?? false,
        headers: { ...(body ? { "content-type": "application/json", "content-length": body.length } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${options.method ?? "GET"} ${url}: timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const r = await httpExchange(url);
  if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status}: ${r.body}`);
  return JSON.parse(r.body) as T;
}

export async function getCheckpointNote(base: string, agent?: Agent): Promise<string> {
  const r = await httpExchange(`${base}/log/checkpoint`, agent ? { agent } : {});
  if (r.status !== 200) throw new Error(`GET /log/checkpoint: HTTP ${r.status}: ${r.body}`);
  return r.body;
}

/** POST /internal/v1/log/entries; resolves with the assigned indices (throws on any non-200). */
export async function appendEntries(base: string, entries: readonly Uint8Array[], agent?: Agent): Promise<{ index: number; leafHash: string }[]> {
  const r = await httpExchange(`${base}/internal/v1/log/entries`, {
    method: "POST",
    body: JSON.stringify({ entries: entries.map((e) => Buffer.from(e).toString("base64")) }),
    ...(agent ? { agent } : {}),
  });
  const body = r.body;
  if (r.status !== 200) throw new Error(`append: HTTP ${r.status}: ${body}`);
  const parsed = JSON.parse(body) as { entries: { index: number; leafHash: string }[] };
  if (parsed.entries.length !== entries.length) throw new Error(`append: ${entries.length} entries sent, ${parsed.entries.length} acknowledged`);
  return parsed.entries;
}

export async function getEntry(base: string, index: number): Promise<{ index: number; leafHash: string; data: Uint8Array }> {
  const e = await getJson<{ index: number; leafHash: string; data: string }>(`${base}/log/entries/${index}`);
  return { index: e.index, leafHash: e.leafHash, data: fromBase64(e.data)! };
}

/**
 * The entries a freshly started node already holds (its own registration, key transparency), so tests of
 * raw appends can model the whole log: the checkpoint's size, then each entry.
 */
export async function existingEntries(base: string): Promise<Buffer[]> {
  const size = Number((await getCheckpointNote(base)).split("\n")[1]);
  const out: Buffer[] = [];
  for (let i = 0; i < size; i++) out.push(Buffer.from((await getEntry(base, i)).data));
  return out;
}

export async function getConsistencyProof(base: string, from: number, to: number): Promise<Uint8Array[]> {
  const p = await getJson<{ from: number; to: number; hashes: string[] }>(`${base}/log/proof/consistency?from=${from}&to=${to}`);
  if (p.from !== from || p.to !== to) throw new Error(`consistency proof for ${p.from}..${p.to}, asked ${from}..${to}`);
  return p.hashes.map((h) => Uint8Array.from(Buffer.from(h, "hex")));
}

/** Opens the node's database read-only (another process may be writing; WAL readers never block it). */
export function openDbReadonly(dataDir: string): Database.Database {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 10000");
  return db;
}

/** Opens the node's database for writing (only while no server runs on it). */
export function openDbWritable(dataDir: string): Database.Database {
  const db = new Database(join(dataDir, DB_FILE), { fileMustExist: true });
  db.pragma("busy_timeout = 10000");
  return db;
}

export interface LeaseRow {
  size: number;
  lease_holder: string | null;
  lease_epoch: number;
  lease_expires_at: number;
}

export function readHead(dataDir: string): LeaseRow {
  const db = openDbReadonly(dataDir);
  try {
    return db.prepare("SELECT size, lease_holder, lease_epoch, lease_expires_at FROM log_head WHERE id = 1").get() as LeaseRow;
  } finally {
    db.close();
  }
}

/** Every stored leaf, in index order. */
export function readAllLeaves(dataDir: string): { idx: number; data: Buffer; hash: Buffer }[] {
  const db = openDbReadonly(dataDir);
  try {
    return db.prepare("SELECT idx, data, hash FROM log_leaf ORDER BY idx").all() as { idx: number; data: Buffer; hash: Buffer }[];
  } finally {
    db.close();
  }
}
