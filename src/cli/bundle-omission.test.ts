import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildWarning } from "../client/record-builders.js";
import { parseThreadStatement } from "../core/bundle/index.js";
import { fromBase64 } from "../core/crypto/bytes.js";
import { parseNote, type NoteSigner } from "../core/note/index.js";
import { threadStatementFor } from "../exchange/thread-statement-export.js";
import { journeyWorld } from "../testing/journey-fixture.js";
import { repoRoot } from "../testing/repo-root.js";

/*
 * Issue 10, hole 3: a bundle could drop records about its warning and still audit VERIFIED. Each attack
 * runs the real command line as separate processes: `tocsin export-bundle`, an edit of the JSON file,
 * `tocsin audit` — and the audit must now fail (exit 1), naming the missing thread positions.
 */

const run = promisify(execFile);

async function tocsin(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [join(repoRoot(), "bin", "tocsin"), ...args], { maxBuffer: 64 << 20 });
    return { code: 0, out: stdout };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : -1, out: `${x.stdout ?? ""}${x.stderr ?? ""}` };
  }
}

type Obj = Record<string, any>;

test("attack: records dropped from an exported bundle (an assessment, an escalation, the resolution, the last records) no longer verify", async () => {
  const w = await journeyWorld();
  const dir = mkdtempSync(join(tmpdir(), "tocsin-omission-"));
  try {
    const file = join(dir, "bundle.json");
    const exported = await tocsin(["export-bundle", "--warning", w.warning.id as string, "--out", file, "--data", w.h.dir]);
    assert.equal(exported.code, 0, exported.out);
    const clean = await tocsin(["audit", file]);
    assert.equal(clean.code, 0, clean.out);
    assert.match(clean.out, /VERIFIED/);
    const bundle = JSON.parse(readFileSync(file, "utf8")) as Obj;
    const kinds = bundle.records.map((r: Obj) => r.record.type as string);
    assert.deepEqual(kinds, ["report", "x-tocsin-receipt", "opinion", "x-tocsin-escalation", "course-of-action", "note"]);

    const attacks: [string, (b: Obj) => void][] = [
      ["the recipient's 'provocation' assessment", (b) => (b.records = b.records.filter((r: Obj) => r.record.type !== "opinion"))],
      ["the node's escalation", (b) => (b.records = b.records.filter((r: Obj) => r.record.type !== "x-tocsin-escalation"))],
      ["the resolution (the last record)", (b) => (b.records = b.records.filter((r: Obj) => r.record.type !== "note"))],
      ["the last two records (action and resolution)", (b) => (b.records = b.records.slice(0, -2))],
    ];
    const unnoticed: string[] = [];
    for (const [what, edit] of attacks) {
      const copy = structuredClone(bundle);
      edit(copy);
      // The proofs of the dropped records go too, so nothing dangles.
      const kept = new Set([...copy.records, ...(copy.key_history ?? [])].map((r: Obj) => r.index));
      copy.inclusion_proofs = copy.inclusion_proofs.filter((p: Obj) => kept.has(p.index));
      const edited = join(dir, "edited.json");
      writeFileSync(edited, JSON.stringify(copy, null, 1));
      const audit = await tocsin(["audit", edited]);
      // Exit 1, and the reason is the missing thread position (not some other check that happens to trip).
      if (audit.code !== 1 || !/NOT VERIFIED/.test(audit.out) || !/thread: .*missing/.test(audit.out)) unnoticed.push(`${what} (exit ${audit.code})`);
    }
    assert.deepEqual(unnoticed, [], `dropped without the audit naming the gap:\n${unnoticed.join("\n")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await w.h.close();
  }
});

/** The bundle as a dishonest exporter holding the log key would make it: `drop` left out, the thread statement re-signed to match. */
function lie(bundle: Obj, drop: (r: Obj) => boolean, logKey: NoteSigner): Obj {
  const b = structuredClone(bundle);
  b.records = b.records.filter((r: Obj) => !drop(r));
  // The key records' proofs stay: the liar keeps everything but the dropped records.
  const kept = new Set([...b.records, ...(b.withheld ?? []), ...(b.key_history ?? [])].map((r: Obj) => r.index));
  b.inclusion_proofs = b.inclusion_proofs.filter((p: Obj) => kept.has(p.index));
  const honest = parseThreadStatement(parseNote(b.thread_statement).text);
  const leaves = [...b.records, ...(b.withheld ?? [])].sort((x: Obj, y: Obj) => x.index - y.index).map((r: Obj) => fromBase64(r.leaf)!);
  b.thread_statement = threadStatementFor(logKey, b.warning, { size: honest.size, root: honest.root, note: "", createdAt: "" }, leaves);
  return b;
}

test("a lying exporter: the tail left out under a re-signed statement audits VERIFIED, until the holder of the left-out record runs tocsin audit --against its proof", async () => {
  const w = await journeyWorld();
  const dir = mkdtempSync(join(tmpdir(), "tocsin-omission-"));
  try {
    const file = join(dir, "bundle.json");
    assert.equal((await tocsin(["export-bundle", "--warning", w.warning.id as string, "--out", file, "--data", w.h.dir])).code, 0);
    const bundle = JSON.parse(readFileSync(file, "utf8")) as Obj;
    const resolution = w.records.at(-1)!;
    // The source holds its resolution: the record's proof as the node served it when it was logged.
    const res = await w.h.get(w.source, `/api/v1/records/${resolution.id}/proof`);
    assert.equal(res.statusCode, 200, res.body);
    const proofFile = join(dir, "resolution.proof.json");
    writeFileSync(proofFile, res.body);

    // The honest bundle holds it.
    const honest = await tocsin(["audit", file, "--against", proofFile, "--log-key", bundle.log.verifier_key]);
    assert.equal(honest.code, 0, honest.out);
    assert.match(honest.out, /against log index \d+: listed/);
    assert.match(honest.out, /thread: the log signed that these 6 are every record about the warning up to checkpoint \d+; positions 0–5 all present/);

    // The operator leaves out the resolution and signs a matching statement: the bundle alone verifies…
    const lied = join(dir, "lied.json");
    writeFileSync(lied, JSON.stringify(lie(bundle, (r) => r.record.id === resolution.id, w.h.node.signer)));
    const alone = await tocsin(["audit", lied, "--log-key", bundle.log.verifier_key]);
    assert.equal(alone.code, 0, alone.out);
    // …but not against the record its author holds: the log key signed a statement the log contradicts.
    const caught = await tocsin(["audit", lied, "--against", proofFile, "--log-key", bundle.log.verifier_key]);
    assert.equal(caught.code, 1, caught.out);
    assert.match(caught.out, /against log index \d+: omitted: OMISSION PROVEN: resolution note--/);
    assert.match(caught.out, /NOT VERIFIED[\s\S]*thread: log index \d+: OMISSION PROVEN/);
    const json = JSON.parse((await tocsin(["audit", lied, "--against", proofFile, "--json"])).out);
    assert.equal(json.ok, false);
    assert.equal(json.evidence[0].verdict, "omitted");

    // Even with the log key, the exporter cannot hide a record in the middle: its successors' positions give it away.
    const middle = join(dir, "middle.json");
    writeFileSync(middle, JSON.stringify(lie(bundle, (r) => r.record.type === "x-tocsin-escalation", w.h.node.signer)));
    const gap = await tocsin(["audit", middle]);
    assert.equal(gap.code, 1, gap.out);
    assert.match(gap.out, /thread: thread of report--[0-9a-f-]+: thread position 3 missing/);

    // The log grows; a proof fetched later is in a larger tree and needs the consistency proof to the statement's.
    const t = w.h.clock.now();
    const other = buildWarning(w.source, { at: t, name: "another", recipients: [w.recipient.id], windowStart: t, windowEnd: t + 86_400_000, probability: 0.2, tlp: "AMBER" });
    assert.equal((await w.h.post(w.source, other)).statusCode, 201);
    const later = (await w.h.get(w.source, `/api/v1/records/${resolution.id}/proof`)).json() as Obj;
    const statement = parseThreadStatement(parseNote(bundle.thread_statement).text);
    assert.ok(later.size > statement.size);
    const laterFile = join(dir, "later.proof.json");
    writeFileSync(laterFile, JSON.stringify(later));
    const needs = await tocsin(["audit", lied, "--against", laterFile]);
    assert.equal(needs.code, 0, needs.out);
    assert.match(needs.out, /unproven: .*consistency\?from=\d+&to=\d+/);
    const consistency = (await w.h.get(undefined, `/log/proof/consistency?from=${statement.size}&to=${later.size}`)).json() as Obj;
    writeFileSync(laterFile, JSON.stringify({ ...later, consistency: consistency.hashes }));
    const proven = await tocsin(["audit", lied, "--against", laterFile]);
    assert.equal(proven.code, 1, proven.out);
    assert.match(proven.out, /omitted: OMISSION PROVEN/);

    // A record about another warning proves nothing about this bundle; a proof file that is not one is bad input.
    const otherProof = join(dir, "other.proof.json");
    writeFileSync(otherProof, (await w.h.get(w.source, `/api/v1/records/${other.id}/proof`)).body);
    const unrelated = await tocsin(["audit", lied, "--against", otherProof]);
    assert.equal(unrelated.code, 0, unrelated.out);
    assert.match(unrelated.out, /not-about: /);
    writeFileSync(join(dir, "junk.json"), JSON.stringify({ index: "x" }));
    const junk = await tocsin(["audit", lied, "--against", join(dir, "junk.json")]);
    assert.equal(junk.code, 2, junk.out);
    assert.match(junk.out, /OMISSION_PROOF_MALFORMED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await w.h.close();
  }
});
