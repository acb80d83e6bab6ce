import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./repo-root.js";

/** `bin/tocsin` commands and `tocsin serve` nodes as child processes whose start is awaited separately (`ready`): the witness-alarm network tests. */
export class TocsinProcesses {
  readonly #bin = join(repoRoot(), "bin", "tocsin");
  readonly #children: ChildProcess[] = [];

  /** Runs one command to its end. */
  run(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [this.#bin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TOCSIN_DB: "", TOCSIN_DATA: "" } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  }

  /** Runs one command that must succeed; its stdout. */
  async ok(args: readonly string[]): Promise<string> {
    const r = await this.run(args);
    assert.equal(r.status, 0, `tocsin ${args.join(" ")}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Starts `tocsin serve` with these arguments; `ready` once it prints that it listens. */
  serve(args: readonly string[]): ServeProcess {
    const child = spawn(process.execPath, [this.#bin, "serve", "--check-workers", "0", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TOCSIN_DB: "", TOCSIN_DATA: "" } });
    this.#children.push(child);
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => (stderr = (stderr + b.toString("utf8")).slice(-20_000)));
    const exited = new Promise<void>((r) => child.on("close", () => r()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (b: Buffer) => {
        stdout += b.toString("utf8");
        if (stdout.includes("listening on")) resolve();
      });
      child.on("close", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    ready.catch(() => undefined);
    return {
      child,
      ready,
      stderr: () => stderr,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
      },
      kill: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      },
    };
  }

  /** Kills whatever is still running. */
  async close(): Promise<void> {
    for (const c of this.#children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  stderr(): string;
  /** SIGTERM: a clean stop. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** A loopback port free at the time of asking. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls `probe` until it returns a value (not undefined), or fails with `what` after `ms`. */
export async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + ms; ; ) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, `${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
