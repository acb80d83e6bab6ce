import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "../core/crypto/bytes.js";
import { sha256 } from "../core/crypto/sha256.js";
import { generateNoteSigner, verifierFromSigner } from "../core/note/index.js";
import { encodeRecordLeaf, type RecordLeaf } from "../core/record/index.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { NewRecord } from "../store/store.js";
import { auditLog } from "./audit.js";
import { Sequencer } from "./sequencer.js";

/*
 * A node that numbers a warning's thread wrongly signs a log whose bundles can hide records (two records
 * at one position: a bundle may show either and still look complete). The log is otherwise perfect —
 * every hash, checkpoint and record row consistent — so only the thread check of `log audit` sees it.
 */

const signer = generateNoteSigner("test.example/threads");
const author = `identity--${randomUUID()}`;
const warning = `report--${randomUUID()}`;
const at = "2026-12-02T00:00:00.000Z";

/** A record about `warning` at thread position `seq`, with a body that hashes to its digest. */
function entry(kind: "warning" | "receipt", id: string, seq: number): { leaf: Uint8Array; record: NewRecord } {
  const body = JSON.stringify(kind === "warning" ? { id, type: "report" } : { id, type: "x-tocsin-receipt", warning_ref: warning });
  const digest = sha256(new TextEncoder().encode(body));
  const leaf: RecordLeaf = { kind, id, modified: at, author, keyId: "0".repeat(32), custodial: false, digest: toHex(digest), loggedAt: at, warning, seq };
  const type = kind === "warning" ? "report" : "x-tocsin-receipt";
  return { leaf: encodeRecordLeaf(leaf), record: { digest, id, modified: at, type, kind, author, warningRef: warning, loggedAt: at, custodial: false, body } };
}

async function auditThreads(seqs: readonly number[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-threads-"));
  const store = SqliteStore.open(join(dir, "tocsin.db"));
  try {
    const sequencer = new Sequencer({ store, signer, clock: { now: () => Date.parse(at) } });
    await sequencer.start();
    const entries = seqs.map((seq, i) => entry(i === 0 ? "warning" : "receipt", i === 0 ? warning : `x-tocsin-receipt--${randomUUID()}`, seq));
    await sequencer.appendEntries(entries);
    await sequencer.stop();
    const report = await auditLog(store, { verifier: verifierFromSigner(signer) });
    // Positions are counted across the whole log even when ranges of 2 entries are audited on threads.
    const threaded = await auditLog(store, { verifier: verifierFromSigner(signer), rangeLevel: 1, parallel: { at: { dataDir: dir }, threads: 2 } });
    assert.deepEqual(threaded.problems, report.problems);
    return report.problems.filter((p) => p.kind === "thread-position").map((p) => p.message);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("log audit: thread positions must be dense and unique — a duplicated or skipped position fails, naming the entry", async () => {
  assert.deepEqual(await auditThreads([0, 1, 2]), []);
  const duplicated = await auditThreads([0, 1, 1]);
  assert.equal(duplicated.length, 1);
  assert.match(duplicated[0]!, /entry 2: thread position 1 of report--.*but 2 records about it came before/);
  const skipped = await auditThreads([0, 2]);
  assert.match(skipped[0]!, /entry 1: thread position 2/);
});
