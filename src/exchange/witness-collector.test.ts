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
