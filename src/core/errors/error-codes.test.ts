import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ts from "typescript";
import { repoRoot } from "../../testing/repo-root.js";
import { ERROR_CODES, isErrorCode, type ErrorCode } from "./error-codes.js";
import { TocsinError } from "./tocsin-error.js";

/** Where codes are declared rather than used: they list every code, so they cannot show one is used. */
const DECLARATIONS = new Set(["src/core/errors/error-codes.ts", "src/http/error-table.ts"]);

/** Literals shaped like our codes that are not ours, each with the reason. */
const NOT_OUR_CODES: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /^FST_/, why: "Fastify's error codes, translated to ours in src/http/problem.ts" },
  { pattern: /^(ERR_|HPE_)/, why: "Node's and its HTTP parser's error codes, translated in src/http/input-guards.ts" },
  { pattern: /^TOCSIN_/, why: "environment variables" },
  { pattern: /^TILE_(NOT_IN_TREE|TOO_NARROW)$/, why: "outcomes of a tile lookup (src/core/tiles/tile-math.ts), returned, never thrown" },
];

/** Registered codes never named outside the declarations, kept on purpose (none today). */
const KEPT_UNUSED: ReadonlyMap<ErrorCode, string> = new Map();

function productionSources(): { file: string; literals: string[] }[] {
  const root = repoRoot();
  const out: { file: string; literals: string[] }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts")) {
        const file = relative(root, path).split(sep).join("/");
        if (!DECLARATIONS.has(file)) out.push({ file, literals: codeLiterals(path) });
      }
    }
  };
  walk(join(root, "src"));
  return out;
}

/**
 * Every string literal shaped like a code (SCREAMING_SNAKE, two words or more): how codes appear at
 * throw sites, in helpers' arguments and in comparisons. Parsed, so comments (which name codes in
 * prose) and regular expressions do not count.
 */
function codeLiterals(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(node.text)) found.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const uses = (() => {
  const byCode = new Map<string, Set<string>>();
  for (const { file, literals } of productionSources()) {
    for (const literal of literals) {
      if (NOT_OUR_CODES.some(({ pattern }) => pattern.test(literal))) continue;
      byCode.set(literal, (byCode.get(literal) ?? new Set()).add(file));
    }
  }
  return byCode;
})();

test("the scan sees throw sites (it would otherwise pass on nothing)", () => {
  assert.ok(uses.get("SEQUENCER_NOT_LEADER")?.has("src/log/sequencer.ts"));
  assert.ok(uses.size > 100, `only ${uses.size} codes found in src/`);
});

test("every code-shaped literal in src/ is a registered code", () => {
  const unregistered = [...uses].filter(([code]) => !isErrorCode(code)).map(([code, files]) => `${code} (${[...files].join(", ")})`);
  assert.deepEqual(unregistered, [], "register these in src/core/errors/error-codes.ts, or list them in NOT_OUR_CODES with the reason");
});

test("every registered code is used somewhere in src/, or kept on purpose", () => {
  const unused = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => !uses.has(code) && !KEPT_UNUSED.has(code));
  assert.deepEqual(unused, [], "remove these from the registry (and docs/errors.md), or keep them in KEPT_UNUSED with the reason");
});

test("transport codes are raised by the HTTP shell only: the core, the log and the services use domain codes", () => {
  const outside: string[] = [];
  for (const [code, files] of uses) {
    if (!isErrorCode(code) || ERROR_CODES[code].family !== "http") continue;
    for (const file of files) if (!file.startsWith("src/http/")) outside.push(`${code} in ${file}`);
  }
  assert.deepEqual(outside, [], "give these a domain code and, if a client must see a transport code, map it in src/http/error-table.ts (ANSWERED_AS)");
});

test("every code has a one-line meaning, and every internal code says why it never reaches a client", () => {
  for (const [code, entry] of Object.entries(ERROR_CODES) as [ErrorCode, { meaning: string; internal?: string }][]) {
    assert.match(entry.meaning, /^\S[^\n]*$/, `${code} has a one-line meaning`);
    if (entry.internal !== undefined) assert.match(entry.internal, /^\S[^\n]*$/, `${code} says why it is internal`);
  }
});

test("TocsinError carries its registered code (an unregistered one is a compile error)", () => {
  const e = new TocsinError("CONFIG_INVALID", "bad");
  assert.equal(e.code, "CONFIG_INVALID");
  // @ts-expect-error — not in the registry
  void new TocsinError("NOT_A_REGISTERED_CODE", "refused by the compiler");
});
