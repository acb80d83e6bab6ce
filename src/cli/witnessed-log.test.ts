/**
 * A witnessed log with real processes: three `tocsin serve` nodes, each witnessing the other two logs
 * (C2SP tlog-witness over loopback HTTP), each log requiring 2 of 2 cosignatures. A warning logged on
 * node A is exported as a bundle whose checkpoints carry B's and C's cosignatures; `tocsin audit` with
 * B's and C's witness keys verifies it at quorum 2 and fails it at quorum 3.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWarning } from "../client/record-builders.js";
import { formatVerifierKey, parseSignerKey, parseVerifierKey, openCheckpoint, verifierFromSigner } from "../core/note/index.js";
import { TocsinProcesses } from "../testing/tocsin-processes.js";
import { repoRoot } from "../testing/repo-root.js";
import { collectMlDsaCosignatures, parseMlDsaVerifierKey } from "../core/note/ml-dsa-cosignature.js";

const bin = join(repoRoot(), "bin", "tocsin");
const dirs: string[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `bin/tocsin` commands run by the operator and the auditor. */
const cli = new TocsinProcesses();
const tocsin = (args: string[]) => cli.run(args);
const ok = (args: string[]) => cli.ok(args);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function serve(args: string[]): { child: ChildProcess; ready: Promise<void>; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [bin, "serve", "--check-workers", "0", "--witness-interval", "200", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (b: Buffer) => {
      stdout += b.toString("utf8");
      if (stdout.includes("listening on")) resolve();
    });
    child.on("close", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<void>((r) => child.on("close", () => r()));
  return { child, ready, stop: async () => void (child.kill("SIGTERM"), await exited) };
}

test("three nodes witness one another (2 of 2): a bundle from one audits with --quorum 2 and fails with --quorum 3", async () => {
  const names = ["a", "b", "c"] as const;
  const dir = Object.fromEntries(names.map((n) => [n, mkdtempSync(join(tmpdir(), `tocsin-witnessed-${n}-`))])) as Record<(typeof names)[number], string>;
  dirs.push(...Object.values(dir));
  // Each node's database and log key first (a custodial party on A will post the warning).
  const alice = JSON.parse(await ok(["party", "create", "alice", "--name", "Alice", "--custodial", "--data", dir.a])) as { id: string; token: string };
  const bob = JSON.parse(await ok(["party", "create", "bob", "--name", "Bob", "--custodial", "--data", dir.a])) as { id: string };
  await ok(["party", "create", "carol", "--name", "Carol", "--custodial", "--data", dir.b]);
  await ok(["party", "create", "dave", "--name", "Dave", "--custodial", "--data", dir.c]);
  const logKey = (n: (typeof names)[number]) => verifierFromSigner(parseSignerKey(readFileSync(join(dir[n], "log.key"), "utf8").trim()));
  const witnessKey = async (n: (typeof names)[number]) => (await ok(["witness", "key", "--data", dir[n]])).trim();
  const wkey = { a: await witnessKey("a"), b: await witnessKey("b"), c: await witnessKey("c") };
  // B also cosigns with ML-DSA-44 (tlog-cosignature's recommended type): its second vkey line.
  const [bEd, bMl] = (await ok(["witness", "key", "--ml-dsa", "--data", dir.b])).trim().split("\n") as [string, string];
  assert.equal(bEd, wkey.b);
  assert.equal(parseMlDsaVerifierKey(bMl).name, parseVerifierKey(bEd).name);
  for (const n of names) assert.equal(parseVerifierKey(wkey[n]).type, "cosignature/v1");
  // Every node witnesses the other two logs.
  for (const w of names) for (const l of names) if (w !== l) await ok(["witness", "add-log", logKey(l).name, formatVerifierKey(logKey(l)), "--data", dir[w]]);
  const port = { a: await freePort(), b: await freePort(), c: await freePort() };
  const url = (n: (typeof names)[number]) => `http://127.0.0.1:${port[n]}`;
  const nodes = names.map((n) =>
    serve([
      "--data", dir[n], "--port", String(port[n]),
      ...names.filter((o) => o !== n).flatMap((o) => ["--witness", `${url(o)}/witness=${wkey[o]}`]),
      // A's log also asks for B's ML-DSA-44 cosignature (a third witness key; the quorum stays 2).
      ...(n === "a" ? ["--witness", `${url("b")}/witness=${bMl}`] : []),
      "--witness-quorum", "2",
    ]),
  );
  try {
    await Promise.all(nodes.map((n) => n.ready));
    const at = Date.now();
    const warning = buildWarning({ id: alice.id }, { at, name: "witnessed warning", recipients: [bob.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.7 });
    const posted = await fetch(`${url("a")}/api/v1/records`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
      body: JSON.stringify(warning),
    });
    assert.equal(posted.status, 201, await posted.text());
    // A's /log/checkpoint serves the latest checkpoint both witnesses cosigned, once they have.
    const witnesses = [parseVerifierKey(wkey.b), parseVerifierKey(wkey.c)];
    let size = 0;
    for (const deadline = Date.now() + 30_000; ; ) {
      const note = await (await fetch(`${url("a")}/log/checkpoint`)).text();
      const opened = openCheckpoint(note, logKey("a"), undefined, witnesses);
      size = opened.checkpoint.size;
      if (opened.cosignatures.length === 2 && size >= 3 && collectMlDsaCosignatures(note, [parseMlDsaVerifierKey(bMl)]).length === 1) break;
      assert.ok(Date.now() < deadline, `A's checkpoint not cosigned by B and C in time:\n${note}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const bundle = join(dir.a, "bundle.json");
    await ok(["export-bundle", "--warning", warning.id as string, "--data", dir.a, "--out", bundle]);
    const parsed = JSON.parse(readFileSync(bundle, "utf8")) as { witnesses: string[]; checkpoints: string[] };
    assert.deepEqual(parsed.witnesses.sort(), [wkey.b, wkey.c].sort());

    const audit = (quorum: number) => tocsin(["audit", bundle, "--log-key", formatVerifierKey(logKey("a")), "--witness", wkey.b, "--witness", wkey.c, "--quorum", String(quorum)]);
    const clean = await audit(2);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /witness quorum: 2 of 2 required cosigned checkpoint/);
    assert.match(clean.stdout, /logged no later than \S+, per witnesses /);
    const short = await audit(3);
    assert.equal(short.status, 1, short.stdout);
    assert.match(short.stdout, /cosigned by 2 of the 3 witnesses required/);
    // A witness the auditor does not name does not count, whatever the bundle lists.
    const one = await tocsin(["audit", bundle, "--witness", wkey.b, "--quorum", "2"]);
    assert.equal(one.status, 1, one.stdout);
    // B's ML-DSA-44 cosignature counts toward the auditor's quorum like an Ed25519 one.
    const pq = await tocsin(["audit", bundle, "--witness", bMl, "--witness", wkey.c, "--quorum", "2"]);
    assert.equal(pq.status, 0, pq.stdout + pq.stderr);
    // --require-both: B counts only if both its cosignatures (Ed25519 and ML-DSA-44) verify.
    const both = await tocsin(["audit", bundle, "--witness", bEd, "--witness", bMl, "--quorum", "1", "--require-both"]);
    assert.equal(both.status, 0, both.stdout + both.stderr);
    assert.match(both.stdout, /witness quorum: 1 of 1 required/);
    // A witness given with one kind of key only cannot be checked for both: bad usage.
    assert.equal((await tocsin(["audit", bundle, "--witness", bEd, "--witness", bMl, "--witness", wkey.c, "--quorum", "2", "--require-both"])).status, 2);
    // The bundle's latest checkpoint without B's ML-DSA-44 line: B no longer counts under --require-both, still does without.
    const stripped = join(dir.a, "bundle-no-ml-dsa.json");
    const last = parsed.checkpoints.length - 1;
    const bName = parseVerifierKey(bEd).name;
    const withoutMlDsa = parsed.checkpoints.map((n, i) => (i === last ? n.split("\n").filter((l) => !(l.startsWith(`\u2014 ${bName} `) && l.length > 500)).join("\n") : n));
    writeFileSync(stripped, JSON.stringify({ ...JSON.parse(readFileSync(bundle, "utf8")), checkpoints: withoutMlDsa }));
    const oneKind = await tocsin(["audit", stripped, "--witness", bEd, "--witness", bMl, "--quorum", "1", "--require-both"]);
    assert.equal(oneKind.status, 1, oneKind.stdout);
    assert.match(oneKind.stdout, /cosigned by 0 of the 1 witnesses required/);
    assert.equal((await tocsin(["audit", stripped, "--witness", bEd, "--witness", bMl, "--quorum", "1"])).status, 0);
    // B and C cosigned each other's logs too.
    for (const n of ["b", "c"] as const) {
      const others = names.filter((o) => o !== n).map((o) => parseVerifierKey(wkey[o]));
      for (const deadline = Date.now() + 30_000; ; ) {
        const opened = openCheckpoint(await (await fetch(`${url(n)}/log/checkpoint`)).text(), logKey(n), undefined, others);
        if (opened.cosignatures.length === 2) break;
        assert.ok(Date.now() < deadline, `${n}'s checkpoint not cosigned in time`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    for (const n of nodes) await n.stop();
  }
});
