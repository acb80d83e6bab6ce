import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyBundle } from "../verify/index.js";
import { main } from "./main.js";

// `tocsin audit` is the verify library's verifyBundle with a command line around it: a file that is not a
// bundle is a verdict (exit 1, not verified), printed as the library gives it.

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(argv, (s) => void (out += s));
  return { code, out };
}

test("tocsin audit: text that is not JSON, or JSON that is not a bundle, is NOT VERIFIED (exit 1) with the library's verdict", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-audit-"));
  try {
    for (const [name, text] of [
      ["truncated.json", '{"format":"tocsin-accountability-bundle","ver'],
      ["other.json", '{"format":"something else"}'],
      ["array.json", "[]"],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const human = await run(["audit", file]);
      assert.equal(human.code, 1, human.out);
      assert.match(human.out, new RegExp(`^NOT VERIFIED: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not a readable accountability bundle \\(`));
      const json = await run(["audit", file, "--json"]);
      assert.equal(json.code, 1);
      const verdict = verifyBundle(text, {}, file);
      assert.deepEqual(JSON.parse(json.out), { ok: false, problems: verdict.problems });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
