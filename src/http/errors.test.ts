import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../testing/repo-root.js";
import { ERROR_CODES, type ErrorCode } from "../core/errors/error-codes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { ANSWERED_AS, answerFor, ERROR_TABLE } from "./error-table.js";
import { problemOf } from "./problem.js";

/** docs/errors.md's rows: `| CODE | status | …` for public codes, `| CODE | where | …` for internal ones. */
function documentedRows(): { statuses: Map<string, number>; internal: Set<string> } {
  const doc = readFileSync(join(repoRoot(), "docs", "errors.md"), "utf8");
  const statuses = new Map<string, number>();
  const internal = new Set<string>();
  for (const m of doc.matchAll(/^\| ([A-Z][A-Z0-9_]+) \| ([^|]+?) \|/gm)) {
    const [, code, second] = m as unknown as [string, string, string];
    assert.ok(!statuses.has(code) && !internal.has(code), `${code} is documented once`);
    if (/^\d{3}$/.test(second)) statuses.set(code, Number(second));
    else internal.add(code);
  }
  return { statuses, internal };
}

const codes = Object.keys(ERROR_CODES) as ErrorCode[];
const isInternal = (code: ErrorCode): boolean => "internal" in ERROR_CODES[code];

/** docs/errors.md, the registry and the code → status table must never drift apart. */
test("every public code has a status and is documented with it; every internal code is documented as such", () => {
  const { statuses, internal } = documentedRows();
  for (const code of codes) {
    if (isInternal(code)) {
      assert.ok(internal.has(code), `${code} is listed under "Codes that never reach HTTP"`);
      assert.ok(!(code in ERROR_TABLE), `${code} is internal, so it has no status of its own`);
    } else {
      const row = (ERROR_TABLE as Record<string, { status: number }>)[code];
      assert.ok(row, `${code} has a status in src/http/error-table.ts`);
      assert.equal(statuses.get(code), row.status, `${code} documented with status ${row.status}`);
    }
  }
  for (const code of [...statuses.keys(), ...internal]) assert.ok(code in ERROR_CODES, `documented ${code} is registered`);
});

test("a 500 is a failure inside the node, never a client's mistake", () => {
  const fiveHundreds = Object.entries(ERROR_TABLE).filter(([, { status }]) => status === 500).map(([code]) => code).sort();
  assert.deepEqual(fiveHundreds, ["HTTP_INTERNAL", "RECORD_CORRUPTED", "STIX_EXTENSION_REGISTRATION", "STIX_SCHEMA_LOAD", "TLP_RELATIONS_CYCLE", "TLP_UNKNOWN_LEVEL"]);
});

test("an internal code that reaches HTTP is answered as HTTP_INTERNAL, a translated one under its public code", () => {
  assert.deepEqual(answerFor("STORE_SCHEMA_TOO_NEW"), { code: "HTTP_INTERNAL", ...ERROR_TABLE.HTTP_INTERNAL });
  assert.deepEqual(answerFor("SEQUENCER_HANDOVER_FAILED"), { code: "HTTP_INTERNAL", ...ERROR_TABLE.HTTP_INTERNAL });
  for (const [from, to] of Object.entries(ANSWERED_AS)) {
    const p = problemOf(new TocsinError(from as ErrorCode, "bad filter", { details: { parameter: "limit" } }));
    assert.deepEqual([p.code, p.status, p.details], [to, ERROR_TABLE[to].status, { parameter: "limit" }]);
  }
  assert.equal(problemOf(new TocsinError("STORE_IMPORT_INVALID", "truncated")).status, 500);
  // A code from a newer process (a worker, a peer) that this build does not know is still answered.
  assert.equal(answerFor("SOMETHING_NEWER" as ErrorCode).code, "HTTP_INTERNAL");
});
