/**
 * The build users run (`dist/`, what `bin/tocsin` loads) ships no test code: no test file, no test-support
 * folder, nothing that imports node:test, node:assert or fast-check. Tests and benchmarks build into
 * `dist-test/` from tsconfig.test.json instead (see the README's test section).
 *
 * Two views of the product, both checked: what tsconfig.json compiles (its files and everything they import,
 * since `exclude` does not stop tsc from following an import), and the `dist/` tree on disk that `npm run build`
 * made.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ts from "typescript";
import { repoRoot } from "./testing/repo-root.js";

const TEST_MODULES = new Set(["node:test", "node:assert", "node:assert/strict", "test", "assert", "assert/strict", "fast-check"]);
const TEST_SUPPORT = ["src/testing/", "src/reliability/"];

const root = repoRoot();
const posix = (path: string): string => path.split(sep).join("/");

/** Why a shipped file (path relative to the repository or to dist/) must not ship, or undefined. */
function testCodeIn(rel: string): string | undefined {
  if (/\.test\.(ts|js)$/.test(rel)) return "a test file";
  if (rel.startsWith("bench/")) return "a benchmark";
  const support = TEST_SUPPORT.find((dir) => rel.startsWith(dir));
  return support === undefined ? undefined : `test support (${support})`;
}

/** The module specifiers a source imports: static, re-exported, side-effect and dynamic imports. */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The repository's own files tsc compiles from a config (node_modules and declaration files aside). */
function compiledBy(config: string): string[] {
  const read = ts.readConfigFile(join(root, config), ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  return program
    .getSourceFiles()
    .map((f) => posix(relative(root, f.fileName)))
    .filter((rel) => !rel.startsWith("..") && !rel.includes("node_modules/") && !rel.endsWith(".d.ts") && !rel.endsWith(".json"));
}

function jsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".js")) out.push(path);
  }
  return out;
}

test("tsconfig.json (the product) compiles no test file, no test support, nothing importing a test module", () => {
  const files = compiledBy("tsconfig.json");
  assert.ok(files.includes("src/cli/main.ts"), `the product should compile the CLI: ${files.slice(0, 5).join(", ")}…`);
  const found: string[] = [];
  for (const rel of files) {
    const why = testCodeIn(rel);
    if (why !== undefined) found.push(`${rel}: ${why} — a production file imports it, or tsconfig.json includes it`);
    for (const specifier of specifiersOf(readFileSync(join(root, rel), "utf8"))) {
      if (TEST_MODULES.has(specifier)) found.push(`${rel} imports ${specifier} — move that code to src/testing/ or a *.test.ts file`);
    }
  }
  assert.deepEqual(found, []);
});

test("tsconfig.test.json compiles every test and the benchmarks, into dist-test/", () => {
  const files = compiledBy("tsconfig.test.json");
  for (const rel of ["src/product-build.test.ts", "src/testing/store-contract.ts", "src/reliability/harness.ts", "bench/run.ts"]) {
    assert.ok(files.includes(rel), `${rel} is not compiled by tsconfig.test.json`);
  }
  const read = ts.readConfigFile(join(root, "tsconfig.test.json"), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(read.config, ts.sys, root).options;
  assert.equal(posix(relative(root, options.outDir ?? "")), "dist-test");
});

test("dist/ as built holds no test file, no test support, and no import of a test module", () => {
  const dist = join(root, "dist");
  assert.ok(existsSync(join(dist, "src", "cli", "main.js")), "no product build in dist/: run `npm run build` (npm test and npm run build:test do)");
  const found: string[] = [];
  for (const file of jsFilesUnder(dist)) {
    const rel = posix(relative(dist, file));
    const why = testCodeIn(rel);
    if (why !== undefined) found.push(`dist/${rel}: ${why}`);
    for (const specifier of specifiersOf(readFileSync(file, "utf8"))) {
      if (TEST_MODULES.has(specifier)) found.push(`dist/${rel} imports ${specifier}`);
    }
  }
  assert.deepEqual(found, []);
});

test("the scan sees test code where there is some", () => {
  assert.equal(testCodeIn("src/testing/pg-database.js"), "test support (src/testing/)");
  assert.equal(testCodeIn("src/cli/main.test.js"), "a test file");
  assert.equal(testCodeIn("bench/run.js"), "a benchmark");
  assert.equal(testCodeIn("src/cli/main.js"), undefined);
  assert.deepEqual(
    specifiersOf(['import { test } from "node:test";', 'import assert from "node:assert/strict";', 'const fc = await import("fast-check");', 'export { x } from "./x.js";'].join("\n")),
    ["node:test", "node:assert/strict", "fast-check", "./x.js"],
  );
});
