import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./repo-root.js";

/**
 * Real `bin/tocsin` processes for network tests: one-shot commands, and `tocsin serve` nodes that can
 * be stopped (SIGTERM), killed (SIGKILL) and started again on the same data directory and port.
 * `cleanup()` kills what is left and removes the directories given to `track`.
 */
export class TocsinProcesses {
  readonly bin = join(repoRoot(), "bin", "tocsin");
  readonly #children: ChildProcess[] = [];
  readonly #dirs: string[] = [];

  /**
   * `cwd` and `home` run the commands as a party would: in its working directory, with its own
   * TOCSIN_HOME (profiles, seals) and no profile chosen by the environment.
   */
  constructor(private readonly party: { readonly cwd?: string; readonly home?: string } = {}) {}

  track(dir: string): string {
    this.#dirs.push(dir);
    return dir;
  }

  /** `within` runs the command inside something, e.g. `["ip", "netns", "exec", NS]` (a network namespace). */
  run(args: string[], within: readonly string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const env = { ...process.env, TOCSIN_DB: "", TOCSIN_DATA: "", ...(this.party.home !== undefined ? { TOCSIN_HOME: this.party.home, TOCSIN_PROFILE: "" } : {}) };
      const [cmd, ...pre] = [...within, process.execPath];
      const child = spawn(cmd!, [...pre, this.bin, ...args], { ...(this.party.cwd !== undefined ? { cwd: this.party.cwd } : {}), stdio: ["ignore", "pipe", "pipe"], env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  }

  /** Runs a command that must succeed; its stdout. */
  async ok(args: string[], within: readonly string[] = []): Promise<string> {
    const r = await this.run(args, within);
    assert.equal(r.status, 0, `tocsin ${args.join(" ")}:\n${r.stderr}`);
    return r.stdout;
  }

  /**
   * `tocsin serve ARGS`, resolved once it listens. `within` as for `run`: a wrapper that execs the
   * node (`ip netns exec` does), so that the child's PID is the node's and stop/kill reach it.
   */
  async serve(args: string[], within: readonly string[] = []): Promise<ServedNode> {
    const [cmd, ...pre] = [...within, process.execPath];
    const child = spawn(cmd!, [...pre, this.bin, "serve", "--check-workers", "0", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TOCSIN_DB: "", TOCSIN_DATA: "" } });
    this.#children.push(child);
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const exited = new Promise<void>((r) => child.on("close", () => r()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (b: Buffer) => {
        stdout += b.toString("utf8");
        if (stdout.includes("listening on")) resolve();
      });
      child.on("close", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    return {
      child,
      stdout: () => stdout,
      stderr: () => stderr,
      stop: async () => {
        if (child.exitCode === null) child.kill("SIGTERM");
        await exited;
      },
      kill: async () => {
        if (child.exitCode === null) child.kill("SIGKILL");
        await exited;
      },
    };
  }

  async cleanup(): Promise<void> {
    for (const c of this.#children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const d of this.#dirs) rmSync(d, { recursive: true, force: true });
  }
}

export interface ServedNode {
  readonly child: ChildProcess;
  /** What it printed so far on stdout: its banner. */
  stdout(): string;
  /** Its log so far (pino JSON lines, `--log-level`). */
  stderr(): string;
  /** SIGTERM: a clean stop. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass (then fails, saying `what`). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, `timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
