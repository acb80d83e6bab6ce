import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditBundle, parseBundle, type AccountabilityBundle, type AuditCheck } from "../core/bundle/index.js";
import { fromBase64, toBase64 } from "../core/crypto/bytes.js";
import { addSignatures, cosignCheckpoint, formatVerifierKey, generateNoteSigner, parseNote, verifierFromSigner } from "../core/note/index.js";
import { PARTY_EXT, SIGNATURE_EXT } from "../core/record/index.js";
import { main } from "../cli/main.js";
import { journeyWorld, type JourneyWorld } from "../testing/journey-fixture.js";

type Obj = Record<string, any>;

async function bundleOf(w: JourneyWorld): Promise<AccountabilityBundle> {
  const res = await w.h.get(w.recipient, `/api/v1/warnings/${w.warning.id}/bundle`);
  assert.equal(res.statusCode, 200, res.body);
  return parseBundle(res.json());
}

const clone = (b: AccountabilityBundle): Obj => JSON.parse(JSON.stringify(b));

/** Audits a tampered copy and asserts it fails with a problem of `check` whose subject mentions `subject`. */
function assertFails(b: Obj, check: AuditCheck, subject: string | RegExp): void {
  const r = auditBundle(parseBundle(b));
  assert.equal(r.ok, false, "the tampered bundle must not verify");
  const hit = r.problems.find((p) => p.check === check && (typeof subject === "string" ? p.subject.includes(subject) : subject.test(p.subject)));
  assert.ok(hit, `expected a ${check} problem naming ${subject}; got ${JSON.stringify(r.problems, null, 1)}`);
}

test("journey 4: the exported bundle verifies offline — signatures, inclusion, checkpoint consistency, timeline", async () => {
  const w = await journeyWorld();
  try {
    const b = await bundleOf(w);
    assert.equal(b.records.length, 6);
    assert.ok(b.checkpoints.length >= 2, "first covering checkpoints and the latest");
    assert.equal(b.consistency_proofs.length, b.checkpoints.length - 1);
    const r = auditBundle(b);
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.deepEqual(r.timeline.map((e) => e.kind), ["warning", "receipt", "assessment", "escalation", "action", "resolution"]);
    assert.equal(r.counts.signatures, 6);
    assert.ok(r.timeline.every((e) => e.signature === "verified" && e.includedIn.length >= 1));
    assert.equal(r.timeline[2]!.says, "strongly-disagree: A provocation meant to intimidate.");
    assert.equal(r.timeline[2]!.authorName, "RU-FSB");
    // Pinned to the log's real key it verifies; pinned to another key it does not.
    assert.equal(auditBundle(b, { logKey: verifierFromSigner(w.h.node.signer) }).ok, true);
    const other = auditBundle(b, { logKey: verifierFromSigner(generateNoteSigner("example.com/other")) });
    assert.equal(other.ok, false);
    assert.ok(other.problems.some((p) => p.check === "log-key"));
    assert.ok(other.problems.some((p) => p.check === "checkpoint"));
  } finally {
    await w.h.close();
  }
});

test("tampering: a time, an opinion, a leaf, a proof hash, a key, a checkpoint, the order — each fails, named", async () => {
  const w = await journeyWorld();
  try {
    const b = await bundleOf(w);
    const assessmentId = w.records[2]!.id as string;
    const at = (x: Obj, kind: string): Obj => x.records.find((r: Obj) => r.record.id === w.records.find((o) => o.type === kind)!.id)!;

    // A time: the assessment claims to be written later (its signature no longer verifies).
    let t = clone(b);
    at(t, "opinion").record.created = "2024-03-07T09:00:00.000Z";
    assertFails(t, "signature", assessmentId);
    assertFails(t, "leaf", assessmentId);

    // An opinion: "strongly-disagree" becomes "agree".
    t = clone(b);
    at(t, "opinion").record.opinion = "agree";
    assertFails(t, "signature", assessmentId);

    // A log time inside the leaf: the leaf no longer hashes to the proven one.
    t = clone(b);
    const entry = at(t, "opinion");
    const leaf = JSON.parse(Buffer.from(fromBase64(entry.leaf)!).toString("utf8"));
    leaf.logged_at = "2024-03-06T10:00:00.000Z";
    entry.leaf = toBase64(new TextEncoder().encode(JSON.stringify(Object.fromEntries(Object.entries(leaf).sort()))));
    assertFails(t, "inclusion", assessmentId);

    // One hash of an inclusion proof.
    t = clone(b);
    const proof = t.inclusion_proofs.find((p: Obj) => p.index === entry.index && p.hashes.length > 0);
    proof.hashes[0] = proof.hashes[0].replace(/^./, (c: string) => (c === "0" ? "1" : "0"));
    assertFails(t, "inclusion", `log index ${entry.index}`);

    // A party's key: the source's public key replaced by another.
    t = clone(b);
    const source = t.parties.find((p: Obj) => p.id === w.source.id);
    source.extensions[PARTY_EXT].keys[0].public_key = toBase64(new Uint8Array(32).fill(7));
    assertFails(t, "party-key", w.source.id);
    assertFails(t, "signature", w.warning.id as string);

    // A key swapped consistently (key id recomputed): the signature still fails.
    t = clone(b);
    const sig = at(t, "report").record.extensions[SIGNATURE_EXT];
    assert.ok(sig);
    t.parties.find((p: Obj) => p.id === w.source.id).extensions[PARTY_EXT].keys = [];
    assertFails(t, "signature", w.warning.id as string);

    // A checkpoint's root hash.
    t = clone(b);
    const lines = t.checkpoints[0].split("\n");
    lines[2] = toBase64(new Uint8Array(32).fill(1));
    t.checkpoints[0] = lines.join("\n");
    assertFails(t, "checkpoint", "checkpoints[0]");

    // A consistency proof hash between checkpoints.
    t = clone(b);
    const cp = t.consistency_proofs.find((p: Obj) => p.hashes.length > 0);
    if (cp) {
      cp.hashes[0] = "00".repeat(32);
      assertFails(t, "consistency", `${cp.from} → ${cp.to}`);
    }

    // An omission the lifecycle exposes: without the receipt, the assessment has nothing to follow.
    t = clone(b);
    t.records.splice(1, 1);
    assertFails(t, "timeline", assessmentId);

    // The thread statement: removed, or swapped for another warning's, or signed by another key.
    t = clone(b);
    delete t.thread_statement;
    assertFails(t, "thread", "thread of");
    t = clone(b);
    t.thread_statement = t.thread_statement.replace(/\n\d+\n(\S+)\n$/m, "\n1\n$1\n");
    assertFails(t, "thread", "thread statement");

    // The order: the assessment moved before the receipt.
    t = clone(b);
    [t.records[1], t.records[2]] = [t.records[2], t.records[1]];
    assertFails(t, "timeline", assessmentId);
  } finally {
    await w.h.close();
  }
});

test("witness cosignatures on the bundle's checkpoints are verified and shown; a forged one fails the checkpoint", async () => {
  const w = await journeyWorld();
  try {
    const b = clone(await bundleOf(w));
    const witness = generateNoteSigner("observer-cert.example/witness", "cosignature/v1");
    const last = b.checkpoints.length - 1;
    const body = parseNote(b.checkpoints[last]).text;
    b.checkpoints[last] = addSignatures(b.checkpoints[last], cosignCheckpoint(body, witness, 1_711_152_000));
    b.witnesses = [formatVerifierKey(verifierFromSigner(witness))];
    const r = auditBundle(parseBundle(b));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.checkpoints.at(-1)!.cosignatures, [{ name: "observer-cert.example/witness", timestamp: 1_711_152_000 }]);
    // The cosignature's timestamp moved by one second: it no longer verifies.
    const forged = clone(b as AccountabilityBundle);
    const sigOf = (line: string) => line.trim().split(" ").at(-1)!;
    const good = sigOf(cosignCheckpoint(body, witness, 1_711_152_000));
    const bytes = Buffer.from(good, "base64");
    bytes[4 + 7] = bytes[4 + 7]! ^ 1; // the timestamp's last byte
    forged.checkpoints[last] = (forged.checkpoints[last] as string).replace(good, bytes.toString("base64"));
    assert.notEqual(forged.checkpoints[last], b.checkpoints[last]);
    assertFails(forged, "checkpoint", `checkpoints[${last}]`);
  } finally {
    await w.h.close();
  }
});

test("CLI: tocsin export-bundle writes the file, tocsin audit verifies it (exit 0) and refuses a tampered one (exit 1)", async () => {
  const w = await journeyWorld();
  const dir = mkdtempSync(join(tmpdir(), "tocsin-bundle-"));
  const lines: string[] = [];
  const out = (s: string): void => void lines.push(s);
  try {
    const file = join(dir, "bundle.json");
    assert.equal(await main(["export-bundle", "--warning", w.warning.id as string, "--out", file, "--data", w.h.dir], out), 0);
    assert.equal(await main(["export-bundle", "--warning", w.warning.id as string, "--out", join(dir, "as-outsider.json"), "--as", "outsider", "--data", w.h.dir], out), 2, "TLP: the outsider may not read the warning");
    lines.length = 0;
    assert.equal(await main(["audit", file], out), 0, lines.join(""));
    const text = lines.join("");
    assert.match(text, /VERIFIED/);
    assert.match(text, /RU-FSB: strongly-disagree: A provocation/);
    assert.match(text, /escalation/);

    const tampered = JSON.parse(readFileSync(file, "utf8"));
    tampered.records[2].record.opinion = "agree";
    writeFileSync(join(dir, "t.json"), JSON.stringify(tampered));
    lines.length = 0;
    assert.equal(await main(["audit", join(dir, "t.json")], out), 1);
    assert.match(lines.join(""), /NOT VERIFIED[\s\S]*signature: assessment opinion--/);

    writeFileSync(join(dir, "junk.json"), "{ not json");
    assert.equal(await main(["audit", join(dir, "junk.json")], out), 1);
    writeFileSync(join(dir, "shape.json"), JSON.stringify({ format: "tocsin-accountability-bundle", version: 1 }));
    lines.length = 0;
    assert.equal(await main(["audit", join(dir, "shape.json")], out), 1);
    assert.match(lines.join(""), /BUNDLE_MALFORMED/);
    assert.equal(await main(["audit", join(dir, "missing.json")], out), 2);
    assert.equal(await main(["audit", file, "--log-key", "nonsense"], out), 2);
    assert.equal(await main(["export-bundle", "--warning", "nope", "--data", w.h.dir], out), 2);
    assert.equal(await main(["export-bundle", "--data", w.h.dir], out), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await w.h.close();
  }
});

test("bundle over the API: TLP applies; bad ids are coded problems", async () => {
  const w = await journeyWorld();
  try {
    for (const who of [w.outsider, undefined]) {
      const res = await w.h.get(who, `/api/v1/warnings/${w.warning.id}/bundle`);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, "RECORD_NOT_FOUND");
    }
    const bad = await w.h.get(w.source, `/api/v1/warnings/report--nope/bundle`);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, "HTTP_BAD_PARAMETER");
    const extra = await w.h.get(w.source, `/api/v1/warnings/${w.warning.id}/bundle?all=1`);
    assert.equal(extra.statusCode, 400);
  } finally {
    await w.h.close();
  }
});

test("a bundle exported under TLP shows withheld records as proven log entries and still verifies", async () => {
  const { NodeHarness } = await import("../testing/node-harness.js");
  const { buildAction, buildAssessment, buildReceipt, buildResolution, buildWarning } = await import("../client/record-builders.js");
  const h = await NodeHarness.start();
  try {
    const s = await h.party("src-g");
    const a = await h.party("rcpt-a", { communities: ["ring"] });
    const c = await h.party("peer-c", { communities: ["ring"] });
    const t = h.clock.now();
    const w = buildWarning(s, { at: t, name: "green warning", recipients: [a.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.3, tlp: "GREEN" });
    const step = async (who: typeof s, obj: Record<string, unknown>) => {
      assert.equal((await h.post(who, obj)).statusCode, 201);
      h.clock.advance(60_000);
    };
    await step(s, w);
    await step(a, buildReceipt(a, w, h.clock.now(), "GREEN"));
    const opinion = buildAssessment(a, w.id as string, h.clock.now(), "strongly-disagree", "internal view", "AMBER+STRICT");
    await step(a, opinion);
    await step(a, buildAction(a, w.id as string, h.clock.now(), { name: "watch", status: "planned", tlp: "GREEN" }));
    await step(s, buildResolution(s, w.id as string, h.clock.now(), { outcome: "did-not-materialize", content: "-", tlp: "GREEN" }));

    const res = await h.get(c, `/api/v1/warnings/${w.id}/bundle`);
    assert.equal(res.statusCode, 200, res.body);
    const b = parseBundle(res.json());
    assert.equal(b.records.length, 4);
    assert.ok(!JSON.stringify(b.records).includes("internal view"), "the withheld opinion's content is not in the bundle");
    assert.equal(b.withheld?.length, 1);
    const r = auditBundle(b);
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.equal(r.notes.filter((n) => n.startsWith("lifecycle rules")).length, 1, "the lifecycle is checked only up to the withheld record");
    const hidden = r.timeline.find((e) => e.signature === "withheld")!;
    assert.equal(hidden.id, opinion.id);
    assert.equal(hidden.kind, "assessment");
    assert.deepEqual(r.timeline.map((e) => e.index), [...r.timeline.map((e) => e.index)].sort((x, y) => x - y));
    // Withheld records still hold their thread positions: the log's statement counts all five.
    assert.deepEqual(r.thread, { entries: 5, legacy: 0, statement: { count: 5, size: r.checkpoints.at(-1)!.size }, complete: true });
    // Dropping the withheld entry (and its proof) opens a gap, as dropping a record does.
    const t3 = clone(b);
    const hiddenIndex = t3.withheld[0].index;
    delete t3.withheld;
    t3.inclusion_proofs = t3.inclusion_proofs.filter((p: Obj) => p.index !== hiddenIndex);
    assertFails(t3, "thread", "thread of");
    // The withheld leaf is proven like any other: change it and the audit fails.
    const t2 = clone(b);
    t2.withheld[0].leaf = t2.records[0].leaf;
    assertFails(t2, "inclusion", "withheld entry");
    // The same through the command line (`export-bundle --as`): the thread statement counts what TLP withholds.
    const dir = mkdtempSync(join(tmpdir(), "tocsin-tlp-"));
    try {
      const file = join(dir, "as-peer.json");
      assert.equal(await main(["export-bundle", "--warning", w.id as string, "--as", "peer-c", "--out", file, "--data", h.dir], () => {}), 0);
      const cli = auditBundle(parseBundle(JSON.parse(readFileSync(file, "utf8"))));
      assert.deepEqual(cli.problems, []);
      assert.deepEqual([cli.counts.records, cli.thread.entries, cli.thread.statement?.count], [4, 5, 5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A full bundle (the author's) has nothing withheld and replays every rule.
    const full = auditBundle(parseBundle((await h.get(a, `/api/v1/warnings/${w.id}/bundle`)).json()));
    assert.equal(full.ok, true);
    assert.deepEqual(full.notes.filter((n) => n.startsWith("lifecycle rules")), []);
  } finally {
    await h.close();
  }
});

test("a bundle is the thread up to the latest checkpoint: records logged after it wait for the next one", async () => {
  const { NodeHarness } = await import("../testing/node-harness.js");
  const { buildReceipt, buildWarning } = await import("../client/record-builders.js");
  // Checkpoints an hour apart by the node's (test) clock: the batch after an hour gets one, the ones after it wait.
  const h = await NodeHarness.start({ config: { checkpointIntervalMs: 3_600_000 } });
  try {
    const s = await h.party("src-c");
    const a = await h.party("rcpt-c");
    h.clock.advance(3_600_000); // the next batch is due a checkpoint
    const t = h.clock.now();
    const w = buildWarning(s, { at: t, name: "covered", recipients: [a.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.3, tlp: "GREEN" });
    assert.equal((await h.post(s, w)).statusCode, 201);
    assert.equal((await h.post(a, buildReceipt(a, w, t, "GREEN"))).statusCode, 201);
    const late = buildWarning(s, { at: t, name: "not yet covered", recipients: [a.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.3, tlp: "GREEN" });
    assert.equal((await h.post(s, late)).statusCode, 201);
    // The covered warning's bundle holds what its checkpoint covers (not the receipt logged after it) and verifies.
    const b = parseBundle((await h.get(s, `/api/v1/warnings/${w.id}/bundle`)).json());
    assert.equal(b.records.length, 1);
    const r = auditBundle(b);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.thread.statement?.count, 1);
    // A warning no checkpoint covers yet: a coded 503 to retry, not a broken bundle.
    const res = await h.get(s, `/api/v1/warnings/${late.id}/bundle`);
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().code, "LOG_NO_CHECKPOINT");
  } finally {
    await h.close();
  }
});
