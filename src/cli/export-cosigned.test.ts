/**
 * On a witnessed log, `tocsin export-bundle` (a separate process reading the node's database) bundles
 * the checkpoint the node publishes — the latest its witness quorum cosigned — not a newer one that no
 * witness has cosigned yet; the records logged since wait for the next export.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWarning, reviseWarning } from "../client/record-builders.js";
import { rfc3339 } from "../core/clock.js";
import { cosignCheckpoint, formatVerifierKey, openCheckpoint, parseNote, verifierFromSigner } from "../core/note/index.js";
import { NodeHarness } from "../testing/node-harness.js";
import { TocsinProcesses } from "../testing/tocsin-processes.js";
import { loadOrCreateWitnessKeys } from "../node/witness-key.js";

const procs = new TocsinProcesses();
const dirs: string[] = [];
after(async () => {
  await procs.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("on a witnessed log, export-bundle bundles the latest quorum-cosigned checkpoint (not the newest uncosigned one); the timeline and the report bound log times by the witness", async () => {
  const witnessDir = mkdtempSync(join(tmpdir(), "tocsin-export-witness-"));
  dirs.push(witnessDir);
  const witness = loadOrCreateWitnessKeys(witnessDir, { mlDsa: false }).ed25519;
  // A witness that is never reachable: the cosignature below is the only one, put where the collector puts them.
  const h = await NodeHarness.start({ config: { witnesses: [{ url: "http://127.0.0.1:9/witness", vkey: formatVerifierKey(witness) }], witnessQuorum: 1 } });
  let closed = false;
  after(async () => {
    if (!closed) await h.close();
  });
  const alice = await h.party("alice", { custodial: true });
  const bob = await h.party("bob", { custodial: true });
  const at = Date.now();
  const warning = buildWarning(alice, { at, name: "cosigned", recipients: [bob.id], windowStart: at, windowEnd: at + 86_400_000, probability: 0.5 });
  assert.equal((await h.post(alice, warning)).statusCode, 201);
  const cosigned = (await h.node.store.latestCheckpoint())!;
  const line = cosignCheckpoint(parseNote(cosigned.note).text, witness, Math.floor(Date.now() / 1000));
  await h.node.store.addCosignature({ size: cosigned.size, witness: formatVerifierKey(witness), line, createdAt: rfc3339(Date.now()) });
  // A new version logged after: a newer checkpoint, not cosigned.
  const later = reviseWarning(alice, warning, at + 1000, { probability: 0.6 });
  assert.equal((await h.post(alice, later)).statusCode, 201);
  const newest = (await h.node.store.latestCheckpoint())!;
  assert.ok(newest.size > cosigned.size);
  // The timeline bounds the first version's log time by the witness; the later one, not yet cosigned, has no bound.
  const timeline = JSON.parse((await h.get(alice, `/api/v1/warnings/${warning.id as string}/timeline`)).body) as { entries: { index: number; witnessed?: { notAfter: string; witnesses: string[] } }[] };
  assert.deepEqual(timeline.entries[0]!.witnessed?.witnesses, [witness.name]);
  assert.ok(Math.abs(Date.parse(timeline.entries[0]!.witnessed!.notAfter) - Date.now()) < 120_000);
  assert.equal(timeline.entries.at(-1)!.witnessed, undefined);
  const dir = h.dir;
  await h.node.close();
  closed = true;

  const bundle = JSON.parse(await procs.ok(["export-bundle", "--warning", warning.id as string, "--data", dir])) as { checkpoints: string[]; records: unknown[] };
  const last = openCheckpoint(bundle.checkpoints.at(-1)!, verifierFromSigner(h.node.signer), undefined, [witness]);
  assert.equal(last.checkpoint.size, cosigned.size);
  assert.equal(last.cosignatures.length, 1);
  assert.equal(bundle.records.length, 1, "the version logged after the cosigned checkpoint waits for the next export");
  // The HTML report says the same bound.
  const html = await procs.ok(["report", "--warning", warning.id as string, "--data", dir]);
  assert.match(html, new RegExp(`no later than [^<]+ per witnesses ${witness.name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
  rmSync(dir, { recursive: true, force: true });
});
