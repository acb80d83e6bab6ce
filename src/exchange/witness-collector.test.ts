import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatVerifierKey, openCheckpoint, parseVerifierKey, verifierFromSigner } from "../core/note/index.js";
import { formatAddCheckpointRequest } from "../core/witness/index.js";
import { parseConfig } from "../node/config.js";
import { openNode } from "../node/node.js";
import { NodeHarness } from "../testing/node-harness.js";
import { createTestDatabase } from "../testing/pg-database.js";
import { silentServer } from "../testing/silent-server.js";

test("a log on PostgreSQL submits from the lease holder, re-syncs on 409 to the witness's size, and serves the cosigned checkpoint", async () => {
  const wdir = mkdtempSync(join(tmpdir(), "tocsin-w-"));
  const witness = await openNode(parseConfig({ dataDir: wdir, checkWorkers: 0 }));
  const db = await createTestDatabase("witnessed");
  let log: NodeHarness | undefined;
  try {
    const url = await witness.app.listen({ host: "127.0.0.1", port: 0 });
    const wkey = witness.witness.verifierKeys()[0]!;
    // The collector's own ticks are an hour apart: the test drives each round.
    log = await NodeHarness.start({ config: { db: db.url, witnesses: [{ url: `${url}/witness`, vkey: wkey }], witnessIntervalMs: 3_600_000 } });
    const l = log.node;
    assert.ok(l.sequencer.running, "the harness's PostgreSQL node holds the lease");
    // The round the leader task started with (refused: the witness does not know the log yet) is over.
    await l.witnessCollector.tick();
    await witness.witness.addLog(l.signer.name, formatVerifierKey(verifierFromSigner(l.signer)));
    // Someone else (another process of the log, or an operator) already had the witness cosign size n.
    const first = (await l.store.latestCheckpoint())!;
    const direct = await fetch(`${url}/witness/add-checkpoint`, { method: "POST", body: formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: first.note }) });
    assert.equal(direct.status, 200);
    assert.equal(await l.store.lastCosignedSize(wkey), 0, "the log's store does not know of it");
    // The log grows; the collector submits from 0, is told n (409), and proves n → m.
    await log.party("someone");
    const m = await l.store.logSize();
    assert.ok(m > first.size);
    await l.witnessCollector.tick();
    assert.equal(await l.store.lastCosignedSize(wkey), m);
    assert.equal((await witness.store.witnessedLog(l.signer.name))!.size, m);
    const served = await (await l.app.inject({ method: "GET", url: "/log/checkpoint" })).body;
    const opened = openCheckpoint(served, verifierFromSigner(l.signer), undefined, [parseVerifierKey(wkey)]);
    assert.equal(opened.checkpoint.size, m);
    assert.equal(opened.cosignatures.length, 1);
    // A round with nothing new asks nothing.
    await l.witnessCollector.tick();
    assert.equal(await l.store.lastCosignedSize(wkey), m);
  } finally {
    await log?.close();
    await witness.close();
    await db.drop();
    rmSync(wdir, { recursive: true, force: true });
  }
});

test("under a 1-of-1 policy /log/checkpoint serves the latest cosigned checkpoint, and a record logged since is still provable", async () => {
  const wdir = mkdtempSync(join(tmpdir(), "tocsin-w-"));
  const witness = await openNode(parseConfig({ dataDir: wdir, checkWorkers: 0 }));
  let log: NodeHarness | undefined;
  try {
    const url = await witness.app.listen({ host: "127.0.0.1", port: 0 });
    const wkey = witness.witness.verifierKeys()[0]!;
    log = await NodeHarness.start({ config: { witnesses: [{ url: `${url}/witness`, vkey: wkey }], witnessIntervalMs: 3_600_000 } });
    const l = log.node;
    await witness.witness.addLog(l.signer.name, formatVerifierKey(verifierFromSigner(l.signer)));
    await l.witnessCollector.tick();
    const cosigned = await l.store.logSize();
    // A party registered after the round: logged and checkpointed, not yet cosigned.
    await log.party("late", { custodial: true });
    assert.ok((await l.store.logSize()) > cosigned);
    const served = openCheckpoint((await l.app.inject({ method: "GET", url: "/log/checkpoint" })).body, verifierFromSigner(l.signer), undefined, [parseVerifierKey(wkey)]);
    assert.equal(served.checkpoint.size, cosigned);
    assert.equal(served.cosignatures.length, 1);
    const covering = await l.reader.checkpointCovering((await l.store.logSize()) - 1);
    assert.equal(covering.size, await l.store.logSize());
  } finally {
    await log?.close();
    await witness.close();
    rmSync(wdir, { recursive: true, force: true });
  }
});

test("a witness that answers nothing (a cut link) does not hold up the others' cosignatures: 1 of 2 keeps up with the log", async () => {
  const dirs = [mkdtempSync(join(tmpdir(), "tocsin-w-")), mkdtempSync(join(tmpdir(), "tocsin-w-"))];
  const [witness, cutOff] = await Promise.all(dirs.map((dataDir) => openNode(parseConfig({ dataDir, checkWorkers: 0 }))));
  // The second witness's key, at an address that takes connections and answers nothing.
  const silent = await silentServer();
  let log: NodeHarness | undefined;
  try {
    const url = await witness!.app.listen({ host: "127.0.0.1", port: 0 });
    const wkey = witness!.witness.verifierKeys()[0]!;
    log = await NodeHarness.start({
      config: { witnesses: [{ url: `${silent.url}/witness`, vkey: cutOff!.witness.verifierKeys()[0]! }, { url: `${url}/witness`, vkey: wkey }], witnessQuorum: 1, witnessIntervalMs: 50 },
    });
    const l = log.node;
    await witness!.witness.addLog(l.signer.name, formatVerifierKey(verifierFromSigner(l.signer)));
    // The log grows three times; each time the answering witness cosigns the new checkpoint within a
    // second, while the silent one's first submission waits out its 10 s timeout.
    for (const name of ["one", "two", "three"]) {
      await log.party(name);
      const size = await l.store.logSize();
      const started = performance.now();
      while ((await l.store.lastCosignedSize(wkey)) !== size && performance.now() - started < 1_000) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await l.store.lastCosignedSize(wkey), size, `the answering witness's cosignature of size ${size} within 1 s`);
      const served = openCheckpoint((await l.app.inject({ method: "GET", url: "/log/checkpoint" })).body, verifierFromSigner(l.signer), undefined, [parseVerifierKey(wkey)]);
      assert.equal(served.checkpoint.size, size, "published as soon as 1 of 2 cosigned");
    }
    assert.equal(silent.held.size, 1, "one submission at a time to the silent witness");
  } finally {
    await silent.close();
    await log?.close();
    await Promise.all([witness, cutOff].map((n) => n!.close()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
