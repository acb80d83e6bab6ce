/**
 * The party commands through real `bin/tocsin` processes against a real node on loopback (the
 * self-signing journeys are run by client-doc.test.ts, from docs/client.md): a custodial party uses
 * them without a key; and bad input to every command: a missing key file, a key that is not the party's logged key, an unreadable file, a node
 * that does not answer, the node's 4xx refusals and malformed command lines. Each is one line on
 * stderr naming the problem (with its code), exit status 2, never a stack trace.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TocsinProcesses } from "../testing/tocsin-processes.js";
import { repoRoot } from "../testing/repo-root.js";
import { COMMANDS, main } from "./main.js";

const bin = join(repoRoot(), "bin", "tocsin");
const work = mkdtempSync(join(tmpdir(), "tocsin-party-bad-"));
const home = join(work, "home");
let server: ChildProcess | undefined;
let node = "";
let warning = "";

/** `bin/tocsin` run as the party of these tests would run it. */
const cli = new TocsinProcesses({ cwd: work, home });
const tocsin = (args: string[]) => cli.run(args);
const ok = (args: string[]) => cli.ok(args);

/** Exit 2, one line on stderr matching `pattern`, no stack frames. */
async function refused(args: string[], pattern: RegExp): Promise<void> {
  const r = await tocsin(args);
  const what = `tocsin ${args.join(" ")}`;
  assert.equal(r.status, 2, `${what}: exit 2, got ${r.status}\n${r.stderr}`);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${what}: one line, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, `${what}: no stack trace`);
  assert.match(r.stderr, pattern, what);
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

before(async () => {
  const data = join(work, "node");
  const keys: Record<string, string> = {};
  for (const who of ["source", "recipient"]) keys[who] = JSON.parse(await ok(["key", "generate", "--out", join(work, `${who}.pem`), "--json"])).publicKey;
  const tokens: Record<string, string> = {};
  for (const who of ["source", "recipient"]) tokens[who] = JSON.parse(await ok(["party", "create", who, "--name", who, "--public-key", keys[who]!, "--data", data])).token;
  tokens.venue = JSON.parse(await ok(["party", "create", "venue", "--name", "Venue", "--custodial", "--data", data])).token;
  writeFileSync(join(work, "tokens.json"), JSON.stringify(tokens));
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
  await ok(["login", "--node", node, "--party", "recipient", "--token", tokens.recipient!, "--key", join(work, "recipient.pem"), "--profile", "recipient"]);
  await ok(["login", "--node", node, "--party", "venue", "--token", tokens.venue!, "--profile", "venue"]);
  writeFileSync(join(work, "evidence.txt"), "sealed");
  warning = (await ok(["warn", "--profile", "source", "--to", "recipient", "--name", "w", "--probability", "0.5", "--window-end", "1d", "--evidence", "evidence.txt", "--quiet"])).trim();
  // Profiles gone wrong, each a copy of the recipient's with one thing broken.
  const recipient = JSON.parse(readFileSync(join(home, "profiles", "recipient.json"), "utf8"));
  const variant = (name: string, change: Record<string, unknown>): void => writeFileSync(join(home, "profiles", `${name}.json`), JSON.stringify({ ...recipient, ...change }), { mode: 0o600 });
  copyFileSync(join(work, "recipient.pem"), join(work, "lost.pem"));
  variant("lost-key", { keyFile: join(work, "lost.pem") });
  rmSync(join(work, "lost.pem"));
  variant("wrong-key", { keyFile: join(work, "source.pem") });
  variant("down", { node: `http://127.0.0.1:${await closedPort()}` });
  writeFileSync(join(home, "profiles", "garbled.json"), "{ not json");
});

after(() => {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

test("a custodial party: the same commands with no key file; the node signs each record and the output says so", { timeout: 120_000 }, async () => {
  const w = (await ok(["warn", "--profile", "source", "--to", "venue", "--name", "to the venue", "--probability", "0.3", "--window-end", "1d", "--quiet"])).trim();
  const inbox = JSON.parse(await ok(["inbox", "--profile", "venue", "--json"]));
  assert.deepEqual(inbox.warnings.map((x: { id: string; state: string }) => [x.id, x.state]), [[w, "issued"]]);
  assert.match(await ok(["receipt", w, "--profile", "venue"]), /signed by the node on your behalf \(custodial\)/);
  const assessed = JSON.parse(await ok(["assess", w, "--profile", "venue", "--opinion", "strongly-disagree", "--explanation", "not our sector", "--json"]));
  assert.equal(assessed.custodial, true);
  assert.equal(assessed.dismissal, true);
  assert.match(await ok(["resolve", w, "--profile", "venue", "--outcome", "did-not-materialize", "--content", "nothing came"]), /resolved report--\S+: did-not-materialize\n.*\n  signed by the node on your behalf \(custodial\)/);
  const status = JSON.parse(await ok(["status", w, "--profile", "venue", "--json"]));
  assert.deepEqual(status.timeline.map((e: { kind: string; signer: string }) => `${e.kind}:${e.signer}`), ["warning:party", "receipt:custodial", "assessment:custodial", "resolution:custodial"]);
});

/** Every command that acts as a profile, with otherwise good arguments. */
const asProfile = (profile: string): string[][] => [
  ["warn", "--to", "source", "--name", "x", "--probability", "0.5", "--window-end", "1d"],
  ["warning", "revise", warning, "--probability", "0.6"],
  ["inbox"],
  ["receipt", warning],
  ["assess", warning, "--opinion", "agree", "--explanation", "x"],
  ["act", warning, "--name", "x"],
  ["resolve", warning, "--outcome", "unknown", "--content", "x"],
  ["reveal", warning],
  ["status", warning],
].map((args) => [...args, "--profile", profile]);

test("a profile whose key file is gone: every command says so in one line, exit 2", { timeout: 120_000 }, async () => {
  for (const args of asProfile("lost-key")) await refused(args, /CLIENT_KEY_UNREADABLE: cannot read the key file .*lost\.pem: ENOENT/);
});

test("a key that is not the party's logged key: refused before anything is signed, by every command and by login", { timeout: 120_000 }, async () => {
  for (const args of asProfile("wrong-key")) await refused(args, /CLIENT_KEY_MISMATCH: the key file's key [0-9a-f]{32} is not recipient's active key/);
  const tokens = JSON.parse(readFileSync(join(work, "tokens.json"), "utf8"));
  await refused(["login", "--node", node, "--party", "recipient", "--token", tokens.recipient, "--key", join(work, "source.pem")], /CLIENT_KEY_MISMATCH/);
  await refused(["login", "--node", node, "--party", "recipient", "--token", tokens.recipient], /CLIENT_KEY_MISMATCH: recipient signs its own records: give its private key file/);
});

test("a node that does not answer: every command and login, one line naming the node", { timeout: 120_000 }, async () => {
  for (const args of asProfile("down")) await refused(args, /CLIENT_NODE_UNREACHABLE: no answer from http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  await refused(["login", "--node", `http://127.0.0.1:${await closedPort()}`, "--party", "source", "--token", "t"], /CLIENT_NODE_UNREACHABLE/);
  await refused(["login", "--node", "ftp://example.org", "--party", "source", "--token", "t"], /CLIENT_INPUT_INVALID/);
});

test("unreadable or unwritable files: evidence, key files, profiles, sealed evidence, bundles", { timeout: 120_000 }, async () => {
  await refused(["warn", "--profile", "source", "--to", "recipient", "--name", "x", "--probability", "0.5", "--window-end", "1d", "--evidence", "missing.txt"], /CLIENT_FILE_UNREADABLE: --evidence: cannot read missing\.txt: ENOENT/);
  await refused(["warning", "revise", warning, "--profile", "source", "--evidence", "missing.txt"], /CLIENT_FILE_UNREADABLE: --evidence/);
  await refused(["reveal", "report--00000000-0000-4000-8000-000000000000", "--profile", "source"], /CLIENT_FILE_UNREADABLE: no sealed evidence of report--/);
  await refused(["reveal", warning, "--profile", "source", "--commitment", "nope"], /no sealed evidence nope kept for/);
  writeFileSync(join(work, "taken.json"), "");
  await refused(["status", warning, "--profile", "source", "--bundle", "taken.json"], /CLIENT_FILE_UNREADABLE: --bundle: taken\.json exists/);
  await refused(["key", "generate", "--out", "source.pem"], /CLIENT_FILE_UNREADABLE: .*source\.pem exists: a key file is never overwritten/);
  await refused(["key", "generate", "--out", "no/such/dir/k.pem"], /CLIENT_FILE_UNREADABLE: cannot write no\/such\/dir\/k\.pem: ENOENT/);
  await refused(["login", "--node", node, "--party", "source", "--token", "t", "--key", "missing.pem"], /CLIENT_KEY_UNREADABLE: cannot read the key file/);
  await refused(["login", "--node", node, "--party", "source", "--token", "t", "--key", "evidence.txt"], /CLIENT_KEY_UNREADABLE: .*is not an Ed25519 private key/);
  await refused(["inbox", "--profile", "garbled"], /CLIENT_FILE_UNREADABLE: .*garbled\.json is not JSON/);
  await refused(["inbox", "--profile", "never-saved"], /no saved profile at .*never-saved\.json: run tocsin login --profile never-saved first/);
});

test("the node's refusals (4xx) arrive as their codes, in one line", { timeout: 120_000 }, async () => {
  await refused(["login", "--node", node, "--party", "source", "--token", "tocsin_not-a-token", "--key", join(work, "source.pem")], /AUTH_INVALID/);
  await refused(["login", "--node", node, "--party", "nobody", "--token", "t"], /PARTY_NOT_FOUND/);
  await refused(["receipt", "report--00000000-0000-4000-8000-000000000000", "--profile", "recipient"], /RECORD_NOT_FOUND/);
  await refused(["status", "report--00000000-0000-4000-8000-000000000000", "--profile", "recipient"], /RECORD_NOT_FOUND/);
  await refused(["assess", warning, "--profile", "recipient", "--opinion", "agree", "--explanation", "x"], /LIFECYCLE_NOT_RECEIVED/);
  await refused(["act", warning, "--profile", "recipient", "--name", "x"], /LIFECYCLE_NOT_ASSESSED/);
  await refused(["warning", "revise", warning, "--profile", "recipient", "--probability", "0.9"], /LIFECYCLE_VERSION_WRONG_AUTHOR: report--\S+ is identity--\S+ warning: only its author revises it/);
  await refused(["warn", "--profile", "source", "--to", "source", "--name", "x", "--probability", "0.5", "--window-end", "1d"], /LIFECYCLE_SELF_ADDRESSED/);
  await refused(["warn", "--profile", "source", "--to", "recipient", "--name", "x", "--probability", "0.5", "--window-end", "1d", "--receipt-by=-1h"], /LIFECYCLE_DEADLINE_BEFORE_CREATED/);
  await refused(["warn", "--profile", "source", "--to", "nobody", "--name", "x", "--probability", "0.5", "--window-end", "1d"], /PARTY_NOT_FOUND/);
  await refused(["inbox", "--profile", "recipient", "--state", "bogus"], /HTTP_BAD_PARAMETER: state must be one of/);
  await refused(["reveal", warning, "--profile", "recipient"], /LIFECYCLE_REVEAL_NOT_AUTHOR/);
});

test("malformed command lines: one line pointing at --help; --help on every party command exits 0", { timeout: 120_000 }, async () => {
  await refused(["warn", "--profile", "source", "--name", "x", "--probability", "0.5", "--window-end", "1d"], /tocsin warn: name at least one recipient with --to SLUG \(see tocsin warn --help\)/);
  await refused(["warn", "--profile", "source", "--to", "recipient", "--name", "x", "--probability", "1.5", "--window-end", "1d"], /CLIENT_INPUT_INVALID: --probability/);
  await refused(["warn", "--profile", "source", "--to", "recipient", "--name", "x", "--probability", "0.5", "--window-end", "tomorrow"], /CLIENT_INPUT_INVALID: --window-end: "tomorrow" is neither a duration/);
  await refused(["warn", "--profile", "source", "--to", "recipient", "--name", "x", "--probability", "0.5", "--window-end", "1d", "--severity", "dire"], /CLIENT_INPUT_INVALID: --severity/);
  await refused(["warn", "--profile", "source", "--to", "recipient", "--name", "x", "--probability", "0.5", "--window-end", "1d", "--tlp", "PURPLE"], /CLIENT_INPUT_INVALID: --tlp/);
  await refused(["warning", "revise", warning, "--profile", "source"], /name at least one change/);
  await refused(["receipt", "--profile", "recipient"], /receipt takes one WARNING id/);
  await refused(["assess", warning, "--profile", "recipient", "--opinion", "maybe", "--explanation", "x"], /CLIENT_INPUT_INVALID: --opinion is one of strongly-disagree, disagree, neutral, agree, strongly-agree/);
  await refused(["act", warning, "--profile", "recipient", "--name", "x", "--status", "finished"], /CLIENT_INPUT_INVALID: --status/);
  await refused(["resolve", warning, "--profile", "source", "--outcome", "materialized", "--content", "x"], /--outcome materialized needs --event-time/);
  await refused(["status", "--profile", "source"], /status takes one WARNING id/);
  await refused(["login", "--party", "source", "--token", "t"], /--node URL is required/);
  await refused(["inbox", "--profile", "../escape"], /--profile NAME is letters/);
  const party = COMMANDS.filter((c) => ["key generate", "login", "warn", "warning revise", "inbox", "receipt", "assess", "act", "resolve", "reveal", "status"].includes(c.name));
  assert.equal(party.length, 11);
  for (const c of party) {
    let text = "";
    assert.equal(await main([...c.name.split(" "), "--help"], (s) => void (text += s)), 0);
    assert.match(text, new RegExp(`^usage: tocsin ${c.name} `));
  }
});
