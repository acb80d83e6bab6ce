/**
 * The command line as a person meets it, through the real `bin/tocsin` process: --help everywhere,
 * --db on every command that reads a node (both engines), and one clear line — never a stack trace —
 * when the machine is not as a command needs it (a taken port, a directory that cannot be created, a
 * closed pipe, an unreachable database).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { journeyWorld, type JourneyWorld } from "../testing/journey-fixture.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { repoRoot } from "../testing/repo-root.js";
import { NODE_V8_FLAGS } from "../node/node-v8-flags.js";
import { COMMANDS, main } from "./main.js";

const bin = join(repoRoot(), "bin", "tocsin");
const databases: TestDatabase[] = [];
const dirs: string[] = [];
after(async () => {
  for (const d of databases) await d.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tocsin-cli-"));
  dirs.push(d);
  return d;
}

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tocsin ARGS` to its end (asynchronously: an in-process node keeps serving meanwhile). */
function tocsin(args: string[], options: { closeStdout?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TOCSIN_DB: "", TOCSIN_DATA: "" } });
    let stdout = "";
    let stderr = "";
    // A reader that has gone away before the command writes (as `| head` does once it has its lines).
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** One line on stderr, no stack frames. */
function assertOneLine(r: Run, pattern: RegExp): void {
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, `one line, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(r.stderr, pattern);
}

/** A `tocsin serve` process, read until its output matches. */
function startServe(args: string[]) {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--check-workers", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    async until(pattern: RegExp, timeoutMs: number): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not print ${pattern} (exit ${child.exitCode}):\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return stdout;
    },
    async stop(): Promise<number | null> {
      child.kill("SIGTERM");
      return exited;
    },
    get stderr() {
      return stderr;
    },
  };
}

test("--help (and -h) on every command and subcommand: exit 0, usage on stdout listing every option", async () => {
  const top = await tocsin(["--help"]);
  assert.equal(top.status, 0, top.stderr);
  for (const c of COMMANDS) assert.ok(top.stdout.includes(`  ${c.name} `), `tocsin --help lists ${c.name}`);
  const group = await tocsin(["party", "--help"]);
  assert.equal(group.status, 0, group.stderr);
  assert.match(group.stdout, /party create[\s\S]*party rotate-key[\s\S]*party token/);

  // `--help` through a real process for each command (three at a time: the machine that runs the
  // suite is small); `-h`, which takes the same path, through main in this process.
  for (const c of COMMANDS) {
    let text = "";
    assert.equal(await main([...c.name.split(" "), "-h"], (s) => (text += s)), 0, `tocsin ${c.name} -h`);
    assert.equal(text, c.help());
  }
  const cases = COMMANDS.map((c) => ({ c, flag: ["--help"] }));
  const runs: { c: (typeof COMMANDS)[number]; flag: string[]; r: Run }[] = [];
  for (let i = 0; i < cases.length; i += 3) {
    runs.push(...(await Promise.all(cases.slice(i, i + 3).map(async ({ c, flag }) => ({ c, flag, r: await tocsin([...c.name.split(" "), ...flag]) })))));
  }
  for (const { c, flag, r } of runs) {
    const what = `tocsin ${c.name} ${flag[0]}`;
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
    assert.equal(r.stderr, "", what);
    assert.ok(r.stdout.startsWith(`usage: tocsin ${c.name}`), `${what}:\n${r.stdout}`);
    for (const option of Object.keys(c.spec.options)) assert.match(r.stdout, new RegExp(`\\n  --${option}\\b`), `${what} lists --${option}`);
  }
  // Wrong usage still says so, in one line that points at --help.
  const bad = await tocsin(["party", "create", "acme"]);
  assert.equal(bad.status, 2);
  assertOneLine(bad, /^tocsin party create: --name NAME is required \(see tocsin party create --help\)/);
});

/** A journey world (warning, receipt, assessment, escalation, action, resolution) plus an attribution board. */
async function worldWithBoard(db: string | undefined): Promise<JourneyWorld> {
  const w = await journeyWorld({ history: 2, ...(db ? { config: { db } } : {}) });
  const desk = await w.h.party("desk", { custodial: true });
  const res = await w.h.node.app.inject({
    method: "POST",
    url: "/api/v1/boards",
    headers: { authorization: `Bearer ${desk.token}` },
    payload: {
      name: "cli-board",
      title: "CLI board",
      subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
      hypotheses: [{ id: "H1", title: "Group A" }, { id: "H2", title: "State B" }],
      source_groups: [{ id: "press", name: "Press", interested_in: [] }],
      evidence: [{ id: "E1", description: "Forensics match Group A", source: "Daily Paper", source_group: "press", date: "2024-03-24", credibility: "high", relevance: "high" }],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return w;
}

for (const engine of ["sqlite", "postgres"] as const) {
  test(`export-bundle, report and ach read a ${engine} node (${engine === "postgres" ? "--db URL --data DIR" : "--data DIR"})`, async () => {
    const db = engine === "postgres" ? await createTestDatabase("cli") : undefined;
    if (db) databases.push(db);
    const w = await worldWithBoard(db?.url);
    const dir = tempDir();
    const node = ["--data", w.h.dir, ...(db ? ["--db", db.url] : [])];
    const id = w.warning.id as string;
    try {
      const bundle = join(dir, "bundle.json");
      const exported = await tocsin(["export-bundle", "--warning", id, "--out", bundle, ...node]);
      assert.equal(exported.status, 0, exported.stderr);
      assert.match(exported.stdout, /^wrote .*: \d+ records, \d+ checkpoints\n$/);
      const audited = await tocsin(["audit", bundle]);
      assert.equal(audited.status, 0, audited.stdout);
      assert.match(audited.stdout, /VERIFIED\n$/);

      const report = await tocsin(["report", "--warning", id, "--format", "html", ...node]);
      assert.equal(report.status, 0, report.stderr);
      assert.match(report.stdout, /VERIFIED offline/);
      assert.ok(report.stdout.includes(id));

      const shown = await tocsin(["ach", "show", "cli-board", ...node]);
      assert.equal(shown.status, 0, shown.stderr);
      assert.match(shown.stdout, /^CLI board\n/);
      const csv = await tocsin(["ach", "export", "cli-board", "--csv", ...node]);
      assert.equal(csv.status, 0, csv.stderr);
      assert.match(csv.stdout, /^evidence,description,/);

      // `tocsin ach show … | head`: the reader goes away; the command ends quietly.
      const piped = await tocsin(["ach", "show", "cli-board", ...node], { closeStdout: true });
      assert.equal(piped.stderr, "", "no EPIPE stack trace");
      assert.equal(piped.status, 0);
    } finally {
      await w.h.close();
    }
  });
}

test("serve --db creates its data directory on a fresh checkout", async () => {
  const db = await createTestDatabase("cli");
  databases.push(db);
  const data = join(tempDir(), "not", "yet", "there");
  const serve = startServe(["--db", db.url, "--data", data]);
  try {
    const out = await serve.until(/Tocsin node listening on http:\/\/\S+\n[\s\S]*proofs:/, 60_000);
    assert.match(out, /\(sequencing\)/);
    assert.ok(existsSync(join(data, "log.key")), "the log key is in the new directory");
  } finally {
    assert.equal(await serve.stop(), 0, serve.stderr);
  }
});

test("serve --demo --db loads the demo on PostgreSQL and its printed tokens work", async () => {
  const db = await createTestDatabase("cli");
  databases.push(db);
  const serve = startServe(["--demo", "--db", db.url, "--data", join(tempDir(), "demo")]);
  try {
    const out = await serve.until(/Demo scenario loaded[\s\S]*Try:[\s\S]*\n\n/, 150_000);
    const base = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    const token = /\n {4}ru-fsb +(tocsin_\S+)/.exec(out)![1]!;
    const first = /Warning 1: (report--\S+)/.exec(out)![1]!;
    const record = await fetch(`${base}/api/v1/records/${first}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(record.status, 200, "the demo's first warning (TLP:AMBER), read with the printed token");
    assert.match(((await record.json()) as { description: string }).description, /Crocus City Hall/);
    const timeline = await fetch(`${base}/api/v1/warnings/${first}/timeline`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(timeline.status, 200);
    assert.match(await timeline.text(), /escalation/, "the node escalated on the scenario's deadlines");
    assert.match(out, /--db postgres:\/\//, "the printed commands name the database");
  } finally {
    assert.equal(await serve.stop(), 0, serve.stderr);
  }
});

test("a taken port: one line naming the port, exit 2", async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
  const port = (holder.address() as AddressInfo).port;
  try {
    const r = await tocsin(["serve", "--port", String(port), "--check-workers", "0", "--data", tempDir()]);
    assert.equal(r.status, 2, r.stderr);
    assertOneLine(r, new RegExp(`^tocsin serve: cannot listen on 127\\.0\\.0\\.1:${port}: the port is taken`));
  } finally {
    holder.close();
  }
});

test("a directory that cannot be created or holds no node: one line, exit 2", async () => {
  const file = join(tempDir(), "a-file");
  writeFileSync(file, "");
  const serve = await tocsin(["serve", "--port", "0", "--check-workers", "0", "--data", join(file, "data")]);
  assert.equal(serve.status, 2, serve.stderr);
  assertOneLine(serve, /^tocsin serve: cannot create the data directory .*a-file\/data: ENOTDIR/);
  const party = await tocsin(["party", "create", "acme", "--name", "Acme", "--data", join(file, "data")]);
  assert.equal(party.status, 2, party.stderr);
  assertOneLine(party, /^tocsin party create: ENOTDIR/);
  const missing = await tocsin(["export-bundle", "--warning", "report--00000000-0000-4000-8000-000000000000", "--data", join(tempDir(), "none")]);
  assert.equal(missing.status, 2);
  assertOneLine(missing, /^tocsin export-bundle: no Tocsin database at .*none\/tocsin\.db/);
});

test("an unreachable database: one line, exit 2", async () => {
  const url = "postgres://postgres@127.0.0.1:1/nowhere";
  for (const args of [
    ["serve", "--port", "0", "--check-workers", "0", "--db", url, "--data", tempDir()],
    ["export-bundle", "--warning", "report--00000000-0000-4000-8000-000000000000", "--db", url],
    ["party", "token", "acme", "--db", url],
  ]) {
    const r = await tocsin(args);
    assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
    assertOneLine(r, /: STORE_UNAVAILABLE: cannot open PostgreSQL database/);
  }
});

test("a closed pipe ends the command quietly", async () => {
  const r = await tocsin(["--help"], { closeStdout: true });
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
});

test("the serving node's V8 flags: bin/tocsin's shebang, npm start and npm run bench pass the same, and the shebang runs", async () => {
  const root = repoRoot();
  const shebang = readFileSync(bin, "utf8").split("\n")[0]!;
  assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_V8_FLAGS.join(" ")}`);
  const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.start!, new RegExp(`&& node ${NODE_V8_FLAGS.join(" ")} bin/tocsin serve `));
  assert.match(scripts.bench!, new RegExp(`&& node ${NODE_V8_FLAGS.join(" ")} dist-test/bench/run\\.js$`));
  // Run as a user runs an installed command: the file itself, through its shebang (env -S splits the flags).
  const r = await new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(bin, ["--help"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout }));
  });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: tocsin <command>/);
});
