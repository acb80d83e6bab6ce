import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../testing/repo-root.js";
import { ERROR_TABLE } from "./error-table.js";

/** docs/errors.md and the code → status table must never drift apart. */
test("every HTTP error code is documented with its status, and every documented one exists", () => {
  const doc = readFileSync(join(repoRoot(), "docs", "errors.md"), "utf8");
  const documented = new Map<string, number>();
  for (const m of doc.matchAll(/^\| ([A-Z][A-Z0-9_]+) \| (\d{3}) \|/gm)) documented.set(m[1]!, Number(m[2]));
  for (const [code, { status }] of Object.entries(ERROR_TABLE)) {
    assert.equal(documented.get(code), status, `${code} documented with status ${status}`);
  }
  for (const code of documented.keys()) assert.ok(ERROR_TABLE[code], `${code} is in the error table`);
});
