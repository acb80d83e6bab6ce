import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addSignatures, formatVerifierKey, generateNoteSigner, openCheckpoint, parseVerifierKey, signNote } from "../core/note/index.js";
import { TestLog } from "../testing/test-log.js";
import { collectMlDsaCosignatures, parseMlDsaVerifierKey } from "../core/note/ml-dsa-cosignature.js";
import { formatAddCheckpointRequest } from "../core/witness/index.js";
import { parseConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";
import { createTestDatabase, type TestDatabase } from "../testing/pg-database.js";
import { TLOG_SIZE_TYPE } from "./witness-routes.js";

interface Witness {
  readonly node: TocsinNode;
  readonly url: string;
  readonly dir: string;
  readonly db: TestDatabase | undefined;
}

async function startWitness(engine: "sqlite" | "postgres", reuse?: { dir: string; db: TestDatabase | undefined }): Promise<Witness> {
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), "tocsin-witness-"));
  const db = reuse ? reuse.db : engine === "postgres" ? await createTestDatabase("witness") : undefined;
  const node = await openNode(parseConfig({ dataDir: dir, checkWorkers: 0, witnessMlDsa: true, ...(db ? { db: db.url } : {}) }));
  const url = await node.app.listen({ host: "127.0.0.1", port: 0 });
  // As `tocsin serve` does: on a shared database only the process holding the lease appends, and a
  // witness that sees a fork appends an alarm (without a leader it would wait 10 s and give up).
  await node.startLeadership(url);
  return { node, url, dir, db };
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function post(w: Witness, body: string, contentType = "text/plain") {
  return fetch(`${w.url}/witness/add-checkpoint`, { method: "POST", headers: { "content-type": contentType }, body });
}

for (const engine of ["sqlite", "postgres"] as const) {
  test(`add-checkpoint answers every code of C2SP tlog-witness (${engine})`, async () => {
    const w = await startWitness(engine);
    cleanups.push(async () => {
      await w.node.close();
      await w.db?.drop();
      rmSync(w.dir, { recursive: true, force: true });
    });
    const [edKey, mlKey] = w.node.witness.verifierKeys() as [string, string];
    const witnessKey = parseVerifierKey(edKey);
    const log = new TestLog(generateNoteSigner("example.com/log-a")).grow(5);
    await w.node.witness.addLog(log.signer.name, formatVerifierKey(log.signer));

    // 404: an origin the witness was never told to witness.
    const stranger = new TestLog(generateNoteSigner("example.com/unknown")).grow(3);
    assert.equal((await post(w, stranger.request(0))).status, 404);
    // 403: the right origin signed by another key.
    const impostor = new TestLog(generateNoteSigner("example.com/log-a")).grow(5);
    assert.equal((await post(w, impostor.request(0))).status, 403);
    // 400: malformed bodies, and an old size beyond the checkpoint's.
    assert.equal((await post(w, "hello")).status, 400);
    assert.equal((await post(w, `old 01\n\n${log.checkpoint()}`)).status, 400);
    assert.equal((await post(w, `old 0\nnot base64!\n\n${log.checkpoint()}`)).status, 400);
    assert.equal((await post(w, `old 6\n\n${log.checkpoint()}`)).status, 400);

    // 200 from old size 0: one cosignature/v1 line and one ML-DSA-44 line, each verifying.
    const first = await post(w, log.request(0));
    assert.equal(first.status, 200);
    const lines = await first.text();
    assert.equal(lines.split("\n").filter((l) => l.startsWith("\u2014 ")).length, 2);
    const cosigned = addSignatures(log.checkpoint(), lines);
    const opened = openCheckpoint(cosigned, { ...log.signer }, log.signer.name, [witnessKey]);
    assert.deepEqual(opened.cosignatures.map((c) => c.name), [witnessKey.name]);
    assert.ok(Math.abs(opened.cosignatures[0]!.timestamp - Date.now() / 1000) < 60);
    assert.equal(collectMlDsaCosignatures(cosigned, [parseMlDsaVerifierKey(mlKey)]).length, 1);

    // 409: an old size that is not the cosigned one, with that size as text/x.tlog.size.
    log.grow(4);
    const stale = await post(w, log.request(0));
    assert.equal(stale.status, 409);
    assert.equal(stale.headers.get("content-type"), TLOG_SIZE_TYPE);
    assert.equal(await stale.text(), "5\n");
    // 422: a proof that does not prove 5 → 9.
    const forged = formatAddCheckpointRequest({ oldSize: 5, proof: log.tree.consistencyProof(4, 9), checkpoint: log.checkpoint() });
    assert.equal((await post(w, forged)).status, 422);
    assert.equal((await post(w, `old 5\n\n${log.checkpoint()}`)).status, 422);
    // 200 with the right proof; the same checkpoint again is cosigned again (same size, same root).
    assert.equal((await post(w, log.request(5))).status, 200);
    assert.equal((await post(w, log.request(9), "application/octet-stream")).status, 200);
    // 409: the same size with another root (a fork), answered with the cosigned size.
    const fork = new TestLog(log.signer).grow(9, "fork ");
    const conflict = await post(w, formatAddCheckpointRequest({ oldSize: 9, proof: [], checkpoint: fork.checkpoint() }));
    assert.equal(conflict.status, 409);
    assert.equal(await conflict.text(), "9\n");
    // A refusal is a problem document with the witness's code.
    const refused = await post(w, stranger.request(0));
    assert.equal((await refused.json() as { code: string }).code, "WITNESS_UNKNOWN_LOG");
    // A checkpoint with unknown extra signatures still verifies by the trusted one.
    log.grow(1);
    const extra = addSignatures(log.checkpoint(), signNote(log.checkpoint().split("\n\n")[0] + "\n", [generateNoteSigner("someone")]).split("\n\n")[1]!);
    assert.equal((await post(w, formatAddCheckpointRequest({ oldSize: 9, proof: log.tree.consistencyProof(9, 10), checkpoint: extra }))).status, 200);
    assert.equal((await w.node.store.witnessedLog(log.signer.name))!.size, 10);
    // An origin ML-DSA-44's message cannot hold (over 255 bytes): 400 before the state moves, never a 500.
    const long = new TestLog(generateNoteSigner(`example.com/${"x".repeat(260)}`)).grow(2);
    await w.node.witness.addLog(long.signer.name, formatVerifierKey(long.signer));
    assert.equal((await post(w, long.request(0))).status, 400);
    assert.equal((await w.node.store.witnessedLog(long.signer.name))!.size, 0);
  });

  test(`two conflicting checkpoints of one size at once: exactly one is cosigned (${engine})`, async () => {
    const w = await startWitness(engine);
    cleanups.push(async () => {
      await w.node.close();
      await w.db?.drop();
      rmSync(w.dir, { recursive: true, force: true });
    });
    const signer = generateNoteSigner("example.com/log-race");
    await w.node.witness.addLog(signer.name, formatVerifierKey(signer));
    let history = new TestLog(signer);
    for (let round = 0; round < 6; round++) {
      // Two branches from the witnessed history, one leaf each, both with valid proofs from it.
      const old = history.tree.size;
      const a = history.clone().grow(1 + (round % 2), `a${round} `);
      const b = history.clone().grow(1 + (round % 2), `b${round} `);
      const [ra, rb] = await Promise.all([post(w, a.request(old)), post(w, b.request(old))]);
      assert.deepEqual([ra.status, rb.status].sort(), [200, 409], `round ${round}`);
      history = ra.status === 200 ? a : b;
      const state = (await w.node.store.witnessedLog(signer.name))!;
      assert.equal(state.size, history.tree.size);
      assert.deepEqual(state.root, history.tree.rootAt());
      // The loser's branch is refused from then on, whatever old size it claims.
      const loser = ra.status === 200 ? b : a;
      assert.equal((await post(w, loser.request(old))).status, 409);
      assert.equal((await post(w, loser.request(loser.tree.size))).status, 409);
    }
  });
}

test("a witness restarted mid-round keeps its state and never cosigns a conflicting checkpoint", async () => {
  for (const engine of ["sqlite", "postgres"] as const) {
    let w = await startWitness(engine);
    const signer = generateNoteSigner(`example.com/restart-${engine}`);
    try {
      await w.node.witness.addLog(signer.name, formatVerifierKey(signer));
      const log = new TestLog(signer).grow(7);
      // A round in flight when the witness stops: the request races the close.
      const inFlight = post(w, log.request(0)).then((r) => r.status, () => "dropped" as const);
      await w.node.close();
      const status = await inFlight;
      w = await startWitness(engine, { dir: w.dir, db: w.db });
      const state = (await w.node.store.witnessedLog(signer.name))!;
      // Either the state was persisted before an answer (7) or nothing happened (0): never half.
      assert.ok(status === 200 ? state.size === 7 : state.size === 0 || state.size === 7, `status ${String(status)}, size ${state.size}`);
      if (state.size === 0) assert.equal((await post(w, log.request(0))).status, 200);
      // After the restart the fork of size 7 is refused, and the log's own continuation is cosigned.
      const fork = new TestLog(signer).grow(7, "fork ");
      assert.equal((await post(w, fork.request(7))).status, 409);
      assert.equal((await post(w, fork.request(0))).status, 409);
      log.grow(2);
      assert.equal((await post(w, log.request(7))).status, 200);
      assert.equal((await w.node.store.witnessedLog(signer.name))!.size, 9);
    } finally {
      await w.node.close();
      await w.db?.drop();
      rmSync(w.dir, { recursive: true, force: true });
    }
  }
});

test("a witness's in-memory state never answers for a log another process moved on the shared PostgreSQL", async () => {
  // Two nodes on one data directory and database, as two processes of one witness: each keeps its own
  // in-memory view of the logs' states, and each in turn moves a log behind the other's back.
  const a = await startWitness("postgres");
  const b = await startWitness("postgres", { dir: a.dir, db: a.db });
  cleanups.push(async () => {
    await a.node.close();
    await b.node.close();
    await a.db?.drop();
    rmSync(a.dir, { recursive: true, force: true });
  });
  const signer = generateNoteSigner("example.com/log-shared");
  await a.node.witness.addLog(signer.name, formatVerifierKey(signer));
  const log = new TestLog(signer).grow(3);
  assert.equal((await post(a, log.request(0))).status, 200); // a holds 3
  log.grow(2);
  assert.equal((await post(b, log.request(3))).status, 200); // the store holds 5, a still 3

  // a is asked from 5: its view says 3, the store 5 — it cosigns, as if it had read the store.
  log.grow(3);
  assert.equal((await post(a, log.request(5))).status, 200); // the store holds 8, b still 5
  // b is sent a valid extension from its stale 5: the swap from 5 fails; the answer is the store's size.
  const stale = await post(b, log.request(5, 8));
  assert.equal(stale.status, 409);
  assert.equal(await stale.text(), "8\n");
  // A fork of size 8 is refused whatever old size it claims.
  const fork = new TestLog(signer).grow(8, "fork ");
  assert.equal((await post(b, fork.request(8))).status, 409);
  assert.equal((await post(b, fork.request(5))).status, 409);
  log.grow(2);
  assert.equal((await post(b, log.request(8))).status, 200); // the store holds 10, a still 8
  // a's 409 says the store's size, not the one it remembers.
  const conflict = await post(a, new TestLog(signer).grow(1).request(0));
  assert.equal(conflict.status, 409);
  assert.equal(await conflict.text(), "10\n");

  // The operator replaces the log's key through b; a just cosigned with the old one, yet now refuses it.
  log.grow(1);
  assert.equal((await post(a, log.request(10))).status, 200); // a holds 11 with the old key
  const rekeyed = new TestLog(generateNoteSigner(signer.name));
  for (const leaf of log.leaves) {
    rekeyed.leaves.push(leaf);
    rekeyed.tree.appendLeaf(leaf);
  }
  await b.node.witness.addLog(signer.name, formatVerifierKey(rekeyed.signer));
  log.grow(2);
  assert.equal((await post(a, log.request(11))).status, 403);
  assert.equal((await a.node.store.witnessedLog(signer.name))!.size, 11);
  rekeyed.grow(2);
  assert.equal((await post(a, rekeyed.request(11))).status, 200);
  const state = (await b.node.store.witnessedLog(signer.name))!;
  assert.equal(state.size, 13);
  assert.deepEqual(state.root, rekeyed.tree.rootAt());
});
