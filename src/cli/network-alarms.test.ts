/**
 * Split views caught across a network of real processes (`tocsin serve` children on loopback):
 *
 * - three nodes witness one another (2 of 2) and gossip; node A's operator copies A's data directory,
 *   appends differently in the copy and shows the copy's checkpoint to witness B. B refuses it and logs
 *   an alarm; C, never shown the fork, learns it from B's next gossip round and logs its own; the alarm
 *   verifies offline with `tocsin alarm verify` and a tampered one does not;
 * - a witness killed (SIGKILL) and restarted while two conflicting branches of one log are being
 *   submitted never cosigns both: every cosignature it returned is of one history.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWarning } from "../client/record-builders.js";
import { toHex } from "../core/crypto/index.js";
import { addSignatures, formatVerifierKey, generateNoteSigner, openCheckpoint, parseSignerKey, parseVerifierKey, verifierFromSigner } from "../core/note/index.js";
import { formatAddCheckpointRequest, parseTlogSize } from "../core/witness/index.js";
import { TestLog } from "../testing/test-log.js";
import { eventually, freePort, TocsinProcesses } from "../testing/tocsin-processes.js";

const procs = new TocsinProcesses();
const dirs: string[] = [];
after(async () => {
  await procs.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `tocsin-net-${name}-`));
  dirs.push(d);
  return d;
};

interface AlarmEntry {
  id: string;
  origin: string;
  logIndex?: number;
  record: Record<string, unknown>;
}
const alarmsAt = async (url: string) => ((await (await fetch(`${url}/witness/alarms`)).json()) as { alarms: AlarmEntry[] }).alarms;

const GOSSIP_MS = 1000;

test("a node that forks its log (copied data directory, other appends) is caught by its witness and, by gossip, by the third node within one round", async (t) => {
  const t0 = Date.now();
  const stage = (what: string) => t.diagnostic(`${what}: ${Date.now() - t0} ms`);
  const names = ["a", "b", "c"] as const;
  type Name = (typeof names)[number];
  const dir = { a: tempDir("a"), b: tempDir("b"), c: tempDir("c") };
  // Each node's database and keys, the three in parallel (each node's own commands in order: one SQLite file).
  const [alice, bob] = await (async () => {
    const made = await Promise.all([
      (async () => [
        JSON.parse(await procs.ok(["party", "create", "alice", "--name", "Alice", "--custodial", "--data", dir.a])) as { id: string; token: string },
        JSON.parse(await procs.ok(["party", "create", "bob", "--name", "Bob", "--custodial", "--data", dir.a])) as { id: string; token: string },
      ])(),
      procs.ok(["party", "create", "carol", "--name", "Carol", "--custodial", "--data", dir.b]),
      procs.ok(["party", "create", "dave", "--name", "Dave", "--custodial", "--data", dir.c]),
    ]);
    return made[0] as [{ id: string; token: string }, { id: string; token: string }];
  })();
  const logKey = (n: Name) => verifierFromSigner(parseSignerKey(readFileSync(join(dir[n], "log.key"), "utf8").trim()));
  const wkey = { a: "", b: "", c: "" };
  await Promise.all(
    names.map(async (w) => {
      wkey[w] = (await procs.ok(["witness", "key", "--data", dir[w]])).trim();
      for (const l of names) if (w !== l) await procs.ok(["witness", "add-log", logKey(l).name, formatVerifierKey(logKey(l)), "--data", dir[w]]);
    }),
  );
  const port = { a: await freePort(), b: await freePort(), c: await freePort() };
  const url = (n: Name) => `http://127.0.0.1:${port[n]}`;
  const args = (n: Name) => [
    "--data", dir[n], "--port", String(port[n]), "--witness-interval", "200", "--gossip-interval", String(GOSSIP_MS), "--witness-quorum", "2",
    ...names.filter((o) => o !== n).flatMap((o) => ["--witness", `${url(o)}/witness=${wkey[o]}`, "--gossip", url(o)]),
  ];
  const [na, nb, nc] = await Promise.all([procs.serve(args("a")), procs.serve(args("b")), procs.serve(args("c"))]);
  const nodes = { a: na, b: nb, c: nc };
  stage("three nodes up");
  const witnesses = [parseVerifierKey(wkey.b), parseVerifierKey(wkey.c)];
  const cosignedSize = async (): Promise<number> => openCheckpoint(await (await fetch(`${url("a")}/log/checkpoint`)).text(), logKey("a"), undefined, witnesses).checkpoint.size;
  const post = async (base: string, name: string) => {
    const at = Date.now();
    const w = buildWarning({ id: alice.id }, { at, name, recipients: [bob.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.6 });
    const res = await fetch(`${base}/api/v1/records`, { method: "POST", headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" }, body: JSON.stringify(w) });
    assert.equal(res.status, 201, await res.text());
  };
  // A's log is cosigned by B and C (2 of 2) as it stands.
  const before = await eventually("A's first checkpoint cosigned 2 of 2", async () => {
    const note = await (await fetch(`${url("a")}/log/checkpoint`)).text();
    const opened = openCheckpoint(note, logKey("a"), undefined, witnesses);
    return opened.cosignatures.length === 2 ? opened.checkpoint.size : undefined;
  }, 30_000);

  stage("A cosigned 2 of 2");
  // The attack: stop A, copy its data directory, restart A; the honest A logs one warning, the copy another.
  await nodes.a.stop();
  const forkDir = tempDir("a-fork");
  cpSync(dir.a, forkDir, { recursive: true });
  nodes.a = await procs.serve(args("a"));
  await post(url("a"), "honest warning");
  const honest = await eventually("A's new checkpoint cosigned 2 of 2", async () => ((await cosignedSize()) > before ? await cosignedSize() : undefined), 30_000);
  stage("A restarted, honest record cosigned");
  // The copy shows only B its checkpoint (it has only B as a witness, and gossips with nobody).
  const forkPort = await freePort();
  const fork = await procs.serve(["--data", forkDir, "--port", String(forkPort), "--witness-interval", "200", "--witness", `${url("b")}/witness=${wkey.b}`]);
  await post(`http://127.0.0.1:${forkPort}`, "forked warning");
  stage("fork posted");
  const atB = await eventually("B's alarm", async () => {
    const list = await alarmsAt(url("b"));
    return list.length > 0 && list[0]!.logIndex !== undefined ? list[0]! : undefined;
  }, 20_000);
  assert.equal(atB.origin, logKey("a").name);
  assert.equal(atB.record.detected_by, "witness");
  assert.equal(atB.record.evidence, "same-size");
  // Both signed by A's key, of the honest size: the copy's checkpoint and the honest one.
  const shown = (atB.record.checkpoints as string[]).map((n) => openCheckpoint(n, logKey("a")).checkpoint);
  assert.deepEqual(shown.map((c) => c.size), [honest, honest]);
  stage("alarm at B");
  const atC = await eventually("C's alarm (by gossip)", async () => {
    const list = await alarmsAt(url("c"));
    return list.length > 0 && list[0]!.logIndex !== undefined ? list[0]! : undefined;
  }, 10 * GOSSIP_MS + 5_000);
  // By the nodes' own clocks (one machine): C logged its alarm within a gossip round of B's — the wait for
  // B's next round, then that round's own work (pulls, the push, C's check and admission), which on a
  // loaded machine takes seconds: the bound is two intervals and that work.
  const lag = Date.parse(atC.record.detected_at as string) - Date.parse(atB.record.detected_at as string);
  stage(`alarm at C, ${lag} ms after B by their clocks (gossip every ${GOSSIP_MS} ms)`);
  assert.equal(atC.record.detected_by, "gossip");
  assert.equal(atC.record.log_origin, logKey("a").name);
  assert.ok(lag <= 2 * GOSSIP_MS + 4_000, `C detected ${lag} ms after B`);
  // A (never shown its copy) and B/C logs: nothing cosigned the fork. B's cosignature is only on A's root.
  const bState = JSON.parse(await procs.ok(["alarm", "list", "--json", "--data", dir.b])) as { logIndex: number | null }[];
  assert.equal(bState.length, 1);
  assert.equal(bState[0]!.logIndex, atB.logIndex);
  const entry = await fetch(`${url("b")}/log/entries/${atB.logIndex}`);
  assert.equal(entry.status, 200);

  // Anyone verifies the alarm offline, pinned to A's published key; an altered one does not verify.
  const file = join(dir.b, "alarm.json");
  writeFileSync(file, JSON.stringify(atC.record));
  const verified = await procs.run(["alarm", "verify", file, "--log-key", formatVerifierKey(logKey("a"))]);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /split view/);
  assert.match(verified.stdout, /VERIFIED/);
  const cps = atC.record.checkpoints as string[];
  writeFileSync(file, JSON.stringify({ ...atC.record, checkpoints: [cps[0], cps[0]] }));
  const same = await procs.run(["alarm", "verify", file]);
  assert.equal(same.status, 1, same.stdout);
  assert.match(same.stdout, /NOT VERIFIED: ALARM_INVALID/);
  writeFileSync(file, JSON.stringify(atC.record));
  const wrongKey = await procs.run(["alarm", "verify", file, "--log-key", formatVerifierKey(logKey("b"))]);
  assert.equal(wrongKey.status, 1, wrongKey.stdout);
  writeFileSync(file, "not json");
  assert.equal((await procs.run(["alarm", "verify", file])).status, 2);

  // The honest log goes on being cosigned by both witnesses.
  await post(url("a"), "after the fork");
  await eventually("A cosigned 2 of 2 after the fork", async () => ((await cosignedSize()) > honest ? true : undefined), 30_000);
  await fork.stop();
  for (const n of Object.values(nodes)) await n.stop();
});

test("a witness killed and restarted while two conflicting branches are submitted never cosigns both", async () => {
  const dir = tempDir("w");
  const signer = generateNoteSigner("example.com/restarted-witness-log");
  await procs.ok(["witness", "add-log", signer.name, formatVerifierKey(signer), "--data", dir]);
  const wkey = parseVerifierKey((await procs.ok(["witness", "key", "--data", dir])).trim());
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let w = await procs.serve(["--data", dir, "--port", String(port)]);
  const common = new TestLog(signer).grow(5);
  const branches = { a: common.clone(), b: common.clone() };
  const cosigned: { branch: "a" | "b"; size: number; root: string }[] = [];
  let stopped = false;
  /** One collector per branch: grows it and submits, re-syncing on 409; ignores refusals and a dead witness. */
  const collector = async (name: "a" | "b") => {
    const log = branches[name];
    let old = 0;
    while (!stopped) {
      log.grow(1 + (log.tree.size % 2), `${name} `);
      const size = log.tree.size;
      const proof = old === 0 || old === size || old > size ? [] : log.tree.consistencyProof(old, size);
      try {
        const res = await fetch(`${base}/witness/add-checkpoint`, { method: "POST", body: formatAddCheckpointRequest({ oldSize: Math.min(old, size), proof, checkpoint: log.checkpoint() }), signal: AbortSignal.timeout(2_000) });
        const text = await res.text();
        if (res.status === 409) old = parseTlogSize(text) ?? old;
        if (res.status === 200) {
          const opened = openCheckpoint(addSignatures(log.checkpoint(), text), verifierFromSigner(signer), undefined, [wkey]);
          assert.equal(opened.cosignatures.length, 1);
          cosigned.push({ branch: name, size, root: toHex(log.tree.rootAt(size)) });
          old = size;
        }
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const running = [collector("a"), collector("b")];
  // Kill the witness mid-round and bring it back on the same data directory and port.
  for (let i = 0; i < 1; i++) {
    await new Promise((r) => setTimeout(r, 800));
    await w.kill();
    w = await procs.serve(["--data", dir, "--port", String(port)]);
  }
  // Both collectors go on against the restarted witness for a while.
  await new Promise((r) => setTimeout(r, 1_500));
  stopped = true;
  await Promise.all(running);
  assert.ok(cosigned.length > 0, "the witness cosigned nothing");
  // One history: every cosigned checkpoint is of one branch (they differ from size 6 on).
  const branchesCosigned = new Set(cosigned.map((c) => c.branch));
  assert.equal(branchesCosigned.size, 1, `cosigned both branches: ${JSON.stringify(cosigned)}`);
  const bySize = new Map<number, string>();
  for (const c of cosigned) {
    assert.ok(!bySize.has(c.size) || bySize.get(c.size) === c.root, `two roots cosigned at size ${c.size}`);
    bySize.set(c.size, c.root);
  }
  // The loser's branch, shown at the size the witness last cosigned, is refused and logged as an alarm.
  const winner = [...branchesCosigned][0]!;
  const loser = branches[winner === "a" ? "b" : "a"];
  // The size it holds (a 200 lost to the kill may have moved it past what the collectors saw).
  const probe = await fetch(`${base}/witness/add-checkpoint`, { method: "POST", body: formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: loser.checkpoint() }) });
  assert.equal(probe.status, 409);
  const last = parseTlogSize(await probe.text())!;
  assert.ok(last >= Math.max(...cosigned.map((c) => c.size)));
  if (loser.tree.size < last) loser.grow(last - loser.tree.size, "loser ");
  const shown = await fetch(`${base}/witness/add-checkpoint`, { method: "POST", body: formatAddCheckpointRequest({ oldSize: last, proof: [], checkpoint: loser.checkpoint(last) }) });
  assert.equal(shown.status, 409);
  const alarms = await eventually("the witness's alarm", async () => {
    const list = await alarmsAt(base);
    return list.length > 0 && list.every((a) => a.logIndex !== undefined) ? list : undefined;
  }, 10_000);
  assert.ok(alarms.length >= 1, "no alarm for the conflicting branch");
  await w.stop();
});
