/**
 * The duty to warn through real `bin/tocsin` processes against a real node on loopback: the three
 * cases — warned in sanitised form within the deadline, acknowledged and dismissed; waived on a
 * source-protection ground, sealed, revealed to a reviewer; never decided and escalated by the node —
 * and a refusal (an unknown ground) answered in one line with its code, exit 2.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TocsinProcesses } from "../testing/tocsin-processes.js";
import { repoRoot } from "../testing/repo-root.js";

const bin = join(repoRoot(), "bin", "tocsin");
const work = mkdtempSync(join(tmpdir(), "tocsin-duty-cli-"));
const home = join(work, "home");
let server: ChildProcess | undefined;
let node = "";

/** `bin/tocsin` run as the party of these tests would run it. */
const cli = new TocsinProcesses({ cwd: work, home });
const tocsin = (args: string[]) => cli.run(args);
const ok = (args: string[]) => cli.ok(args);

const json = async (args: string[]): Promise<Record<string, any>> => JSON.parse(await ok([...args, "--json"]));

before(async () => {
  const data = join(work, "node");
  const key = JSON.parse(await ok(["key", "generate", "--out", join(work, "source.pem"), "--json"])).publicKey;
  const tokens: Record<string, string> = {};
  tokens.source = JSON.parse(await ok(["party", "create", "source", "--name", "Source", "--public-key", key, "--data", data])).token;
  for (const who of ["oversight", "venue"]) tokens[who] = JSON.parse(await ok(["party", "create", who, "--name", who, "--custodial", "--data", data])).token;
  server = spawn(process.execPath, [bin, "serve", "--data", data, "--port", "0", "--check-workers", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  node = await new Promise<string>((resolve, reject) => {
    let out = "";
    server!.stdout!.on("data", (b: Buffer) => {
      out += b.toString("utf8");
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server!.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  await ok(["login", "--node", node, "--party", "source", "--token", tokens.source!, "--key", join(work, "source.pem"), "--profile", "source"]);
  for (const who of ["oversight", "venue"]) await ok(["login", "--node", node, "--party", who, "--token", tokens[who]!, "--profile", who]);
  await ok(["duty", "policy", "--profile", "source", "--warn-approver", "oversight", "--waive-approver", "oversight"]);
});

after(() => {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

const determine = async (deadline: string): Promise<string> =>
  (await json(["duty", "determine", "--profile", "source", "--threat", "intentional-killing", "--victim", "spectators at gate C", "--specificity", "identifiable", "--credibility", "high", "--deadline", deadline, "--reviewer", "oversight"])).record.id;

test("warned in sanitised form within the deadline, acknowledged and dismissed by the recipient", { timeout: 120_000 }, async () => {
  const det = await determine("2h");
  const approval = (await json(["duty", "approve", det, "--profile", "oversight", "--decision", "warn"])).record.id;
  const warned = await json(["duty", "warn", det, "--profile", "source", "--to", "venue", "--name", "Credible threat to a crowd at your venue", "--probability", "0.6", "--window-end", "1d", "--tlp", "AMBER", "--channel", "tocsin", "--approval", approval]);
  const warning = warned.warning.record.id;
  await ok(["receipt", warning, "--profile", "venue"]);
  await ok(["assess", warning, "--profile", "venue", "--opinion", "strongly-disagree", "--explanation", "no event tonight"]);
  const status = await json(["duty", "status", det, "--profile", "source"]);
  assert.equal(status.state, "warned");
  assert.equal(status.late, false);
  assert.equal(status.decision.warnings[0].linkVerified, true);
  assert.equal(status.decision.warnings[0].acknowledgements.length, 1);
  // The recipient never sees the determination.
  const hidden = await tocsin(["duty", "status", det, "--profile", "venue"]);
  assert.equal(hidden.status, 2);
  assert.match(hidden.stderr, /DUTY_DETERMINATION_NOT_FOUND/);
});

test("waived on a source-protection ground, sealed, revealed to a reviewer; an unknown ground is refused in one line", { timeout: 120_000 }, async () => {
  const det = await determine("2h");
  const bad = await tocsin(["duty", "waive", det, "--profile", "source", "--ground", "inconvenient", "--reasons", "x"]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trimEnd().split("\n").length, 1, bad.stderr);
  assert.match(bad.stderr, /DUTY_UNKNOWN_GROUND/);
  const approval = (await json(["duty", "approve", det, "--profile", "oversight", "--decision", "waive", "--ground", "endangers-sources-methods"])).record.id;
  const waiver = await json(["duty", "waive", det, "--profile", "source", "--ground", "endangers-sources-methods", "--reasons", "the only source is inside the cell", "--sealed", "--approval", approval, "--tlp", "GREEN"]);
  assert.equal(waiver.record.reasons, undefined);
  assert.match(waiver.record.sealed_reasons, /^[0-9a-f]{64}$/);
  await ok(["duty", "reveal", waiver.record.id, "--profile", "source", "--to", "oversight"]);
  const status = await json(["duty", "status", det, "--profile", "oversight"]);
  assert.equal(status.state, "waived");
  assert.deepEqual(status.reveals.map((r: { reasons: string; opens: boolean }) => [r.reasons, r.opens]), [["the only source is inside the cell", true]]);
});

test("never decided: the node escalates it at its deadline", { timeout: 120_000 }, async () => {
  const det = await determine("2s");
  let status: Record<string, any> = {};
  for (let i = 0; i < 40 && status.escalatedAt === undefined; i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = await json(["duty", "status", det, "--profile", "source"]);
  }
  assert.equal(status.state, "overdue");
  assert.ok(status.escalatedAt, "escalated");
});
