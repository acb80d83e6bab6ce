import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
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
      const kept = new Set(copy.records.map((r: Obj) => r.index));
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
