/**
 * docs/client.md is run as written: its shell blocks in order by `bash -e` (the operator's setup, then
 * every journey through the party commands, ending with `tocsin audit` on the exported bundle), then
 * its JavaScript blocks as one module importing tocsin/client and tocsin/verify — against a real
 * `tocsin serve` on loopback, with real processes, two self-signing parties.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../testing/repo-root.js";

const root = repoRoot();
const dirs: string[] = [];
const groups: number[] = [];
after(() => {
  // The node the doc started in the background: its process group is the bash this test spawned.
  for (const g of groups) {
    try {
      process.kill(-g, "SIGTERM");
    } catch {
      // already gone
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The fenced blocks of one language, in order. */
export function fencedBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === language).map((m) => m[2]!);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; detached?: boolean }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: options.detached ?? false });
    if (options.detached) groups.push(child.pid!);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.on("error", reject);
    // Not "close": the node the doc starts in the background keeps the stderr pipe open after bash exits.
    const ended = new Promise((r) => child.stdout.on("end", r));
    child.on("exit", (status) => void ended.then(() => setTimeout(() => resolve({ status, stdout, stderr }), 100)));
  });
}

test("docs/client.md: every shell and JavaScript example runs, and the journeys end in a verified audit", { timeout: 240_000 }, async () => {
  const doc = readFileSync(join(root, "docs", "client.md"), "utf8");
  const shell = fencedBlocks(doc, "sh");
  const js = fencedBlocks(doc, "js");
  assert.ok(shell.length >= 10 && js.length >= 3, "the guide's examples are found");

  const work = mkdtempSync(join(tmpdir(), "tocsin-client-doc-"));
  dirs.push(work);
  // `tocsin` on the PATH, as after an install.
  const bin = join(work, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "tocsin"), `#!/bin/sh\nexec "${process.execPath}" "${join(root, "bin", "tocsin")}" "$@"\n`);
  chmodSync(join(bin, "tocsin"), 0o755);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, TOCSIN_HOME: join(work, "home"), TOCSIN_DATA: "", TOCSIN_DB: "", TOCSIN_PROFILE: "" };

  // The doc's node listens on 8080; here on a free port. The harness line after the doc's blocks hands
  // the parties' tokens to the JavaScript part.
  const port = await freePort();
  const script = [
    "set -euo pipefail",
    ...shell.map((b) => b.replaceAll("--port 8080", `--port ${port}`).replaceAll("127.0.0.1:8080", `127.0.0.1:${port}`)),
    `printf '%s\\n' "$NODE" "$SOURCE_TOKEN" "$RECIPIENT_TOKEN" "$WARNING" > vars.txt`,
  ].join("\n");
  const sh = await run("bash", ["-c", script], { cwd: work, env, detached: true });
  assert.equal(sh.status, 0, `the shell examples failed:\n${sh.stdout}\n${sh.stderr}`);
  assert.equal(sh.stderr, "", "no command complained");
  assert.match(sh.stdout, /logged in to .* as CERT-A .*signing with .*cert-a\.pem/);
  assert.match(sh.stdout, /1 warning addressed to bank-b:[\s\S]*you: issued; receipt due/);
  assert.match(sh.stdout, /assessed report--\S+: agree/);
  assert.match(sh.stdout, /revealed evidence\.txt of report--/);
  assert.match(sh.stdout, /resolved report--\S+: prevented/);
  assert.match(sh.stdout, /recipients:\n  Bank-B \(bank-b\): resolved/);
  assert.match(sh.stdout, /signed by CERT-A with its own key/);
  assert.match(sh.stdout, /signed by Bank-B with its own key/);
  assert.doesNotMatch(sh.stdout, /custodial\)/, "every record signed by its author's own key");
  assert.match(sh.stdout, /\nVERIFIED\n?$/, "the audit of the exported bundle verifies");

  const [node, sourceToken, recipientToken] = readFileSync(join(work, "vars.txt"), "utf8").trim().split("\n");
  // Inside the package, so `tocsin/client` resolves to this build by the package's own name.
  const moduleDir = mkdtempSync(join(root, "dist-test", "client-doc-"));
  dirs.push(moduleDir);
  const module = join(moduleDir, "journeys.mjs");
  writeFileSync(module, js.join("\n") + `\nconsole.log("JOURNEYS DONE", warning.id);\n`);
  const lib = await run(process.execPath, [module], { cwd: work, env: { ...env, NODE: node, SOURCE_TOKEN: sourceToken, RECIPIENT_TOKEN: recipientToken } });
  assert.equal(lib.status, 0, `the JavaScript examples failed:\n${lib.stdout}\n${lib.stderr}`);
  assert.match(lib.stdout, /^issued \{ kind: 'receipt'/m);
  assert.match(lib.stdout, /JOURNEYS DONE report--/);
});
