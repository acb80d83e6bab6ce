import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize, relative, sep } from "node:path";
import { repoRoot } from "./testing/repo-root.js";

// The arrows of the README's Layout section, enforced. Each production file under src/ belongs to the layer
// named by its first folder; it may import only the layers listed for it here (its own included).
// Test files (*.test.ts) and the test-support folders (src/testing, src/reliability) may import anything.

type Layer = "core" | "verify" | "store" | "log" | "client" | "exchange" | "render" | "http" | "node" | "demo" | "cli" | "ui";

const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ["core"],
  // The verify library (tocsin/verify) re-exports the core's verification; it runs in a browser (see below).
  verify: ["core", "verify"],
  store: ["core", "store"],
  log: ["core", "store", "log"],
  client: ["core", "client"],
  exchange: ["core", "store", "log", "client", "exchange"],
  render: ["core", "render"],
  // http translates requests into calls on the application services (src/exchange), never on the store.
  http: ["core", "exchange", "log", "http"],
  // node/ is the composition root: it builds everything and may import every layer but the command line.
  node: ["core", "store", "log", "client", "exchange", "render", "http", "node"],
  // The demo scenario `tocsin serve --demo` runs: it acts as parties would, through the node it is given.
  demo: ["core", "store", "log", "client", "exchange", "demo"],
  cli: ["core", "verify", "store", "log", "client", "exchange", "render", "http", "node", "demo", "cli"],
  // The web UI runs in the browser (src/ui/web, bundled by esbuild): it verifies with the verify library and
  // builds records with the client's builders; it reaches the node only over HTTP, never by import.
  ui: ["core", "verify", "client", "ui"],
};

/** Layers a layer may reach only through `import type` (no run-time dependency); none today. */
const TYPE_ONLY: Readonly<Partial<Record<Layer, readonly Layer[]>>> = {};

/** The composition root: it builds everything, and only the command line (and tests) import it. */
const COMPOSITION_ROOT = "node/node.js";

/** Test-support folders: nothing in production imports them, and tsconfig.json leaves them out of dist/ (src/product-build.test.ts). */
const TEST_SUPPORT = ["testing", "reliability"];

/** Node built-ins the pure core may use: computation only, no I/O. */
const CORE_BUILTINS = new Set(["node:crypto"]);
/** Packages the pure core may use: computation only (schema validation, JSON canonicalisation). */
const CORE_PACKAGES = new Set([
  "ajv",
  "ajv/dist/2020.js",
  "ajv-formats",
  "ajv-formats/dist/formats.js",
  "canonicalize",
  "@noble/curves/ed25519.js",
  "@noble/hashes/sha2.js",
  // ML-DSA-44 witness cosignatures (tlog-cosignature): pure computation.
  "@noble/post-quantum/ml-dsa.js",
  // libsodium's Ed25519 verify for the node's side of #crypto: computation only.
  "sodium-native",
]);
/** Data the core may import: Tocsin's own extension schemas (JSON), part of the record format. */
const CORE_DATA_DIR = "schemas/tocsin/";
/**
 * The package's own subpath import of the core's cryptography (package.json "imports"): node:crypto by
 * default, a pure implementation under the "browser" condition (src/core/crypto/crypto-backend.ts).
 */
const CRYPTO_IMPORT = "#crypto";

const TEST_MODULES = new Set(["node:test", "node:assert", "node:assert/strict", "fast-check"]);

type Import = { readonly specifier: string; readonly typeOnly: boolean };

const withoutComments = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");

/** The import specifiers of a TypeScript file: static imports and re-exports, side-effect imports, import(). */
export function importsOf(source: string): Import[] {
  const text = withoutComments(source);
  const out: Import[] = [];
  const fromClause = /\b(import|export)(\s+type)?\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/g;
  for (const m of text.matchAll(fromClause)) out.push({ specifier: m[3]!, typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push({ specifier: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) out.push({ specifier: m[1]!, typeOnly: false });
  return out;
}

function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFilesUnder(path));
    else if (entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

const isTestFile = (rel: string): boolean => rel.endsWith(".test.ts");
const folderOf = (relToSrc: string): string => relToSrc.split("/")[0] ?? "";

/** Every import that breaks the rules, as "src/file.ts → specifier: why, and how to fix". */
export function layerViolations(root: string): string[] {
  const src = join(root, "src");
  const violations: string[] = [];
  for (const file of tsFilesUnder(src)) {
    const rel = relative(src, file).split(sep).join("/");
    const shown = `src/${rel}`;
    if (isTestFile(rel)) continue;
    const folder = folderOf(rel);
    if (TEST_SUPPORT.includes(folder)) continue;
    if (!(folder in MAY_IMPORT)) {
      violations.push(`${shown}: src/${folder}/ is not a known layer — add it to MAY_IMPORT in src/architecture.test.ts and to the README's Layout`);
      continue;
    }
    const layer = folder as Layer;
    const source = readFileSync(file, "utf8");
    if (layer !== "store") {
      for (const m of withoutComments(source).matchAll(/\.engine\s*[!=]==?\s*["'`](\w+)["'`]/g)) {
        violations.push(`${shown} asks whether the engine is ${m[1]}: engine differences stay inside src/store — ask the Store for the capability (e.g. sharedByProcesses) or add one`);
      }
    }
    // Transport codes (HTTP_…) outside src/http are refused by src/core/errors/error-codes.test.ts.
    for (const { specifier, typeOnly } of importsOf(source)) {
      const bad = (why: string): void => void violations.push(`${shown} → ${specifier}: ${why}`);
      if (TEST_MODULES.has(specifier)) {
        bad("test-only module in production code — move the code that needs it into src/testing/ or a *.test.ts file");
        continue;
      }
      if (!specifier.startsWith(".")) {
        if (layer !== "core") continue;
        if (specifier === CRYPTO_IMPORT) continue;
        const allowed = specifier.startsWith("node:") ? CORE_BUILTINS.has(specifier) : CORE_PACKAGES.has(specifier);
        if (!allowed) bad("the core has no I/O — do the I/O at the edge (src/exchange or src/node) and pass the result in, or list a pure module in CORE_BUILTINS/CORE_PACKAGES");
        continue;
      }
      const target = relative(src, normalize(join(dirname(file), specifier))).split(sep).join("/");
      if (target.startsWith("../")) {
        const fromRoot = relative(root, normalize(join(dirname(file), specifier))).split(sep).join("/");
        if (!(layer === "core" && fromRoot.startsWith(CORE_DATA_DIR) && fromRoot.endsWith(".json"))) {
          bad("imports from outside src/ — only the core may import the schemas under schemas/tocsin/");
        }
        continue;
      }
      if (target === COMPOSITION_ROOT && layer !== "cli") {
        bad("the composition root is built by the command line only — take what you need as a parameter (an interface of the parts you use)");
        continue;
      }
      const targetFolder = folderOf(target);
      if (TEST_SUPPORT.includes(targetFolder)) {
        bad(`src/${targetFolder}/ is test support — production code must not import it; move what production needs out of it`);
        continue;
      }
      if (!(MAY_IMPORT[layer] as readonly string[]).includes(targetFolder)) {
        bad(`${layer} may import only ${MAY_IMPORT[layer].join(", ")} — move the imported code down to a layer both may use, or pass it in from the composition root (src/node)`);
        continue;
      }
      if (!typeOnly && (TYPE_ONLY[layer] ?? []).includes(targetFolder as Layer)) {
        bad(`${layer} may import ${targetFolder} only as types — write \`import type\`, or reach it through an application service in src/exchange`);
      }
    }
  }
  return violations;
}

test("every production import follows the layer arrows drawn in the README", () => {
  const violations = layerViolations(repoRoot());
  assert.equal(violations.length, 0, `${violations.length} import(s) break the layering:\n  ${violations.join("\n  ")}\n`);
});

test("http may not import the store, not even its types: routes reach data through the application services", () => {
  assert.ok(!MAY_IMPORT.http.includes("store"));
  const root = mkdtempSync(join(tmpdir(), "tocsin-arch-"));
  try {
    mkdirSync(join(root, "src", "http"), { recursive: true });
    mkdirSync(join(root, "src", "store"), { recursive: true });
    writeFileSync(join(root, "src", "store", "store.ts"), "export interface Store { x: number }\n");
    writeFileSync(join(root, "src", "http", "route.ts"), 'import type { Store } from "../store/store.js";\nexport type S = Store;\n');
    const violations = layerViolations(root);
    assert.equal(violations.length, 1, violations.join("\n"));
    assert.match(violations[0]!, /^src\/http\/route\.ts → \.\.\/store\/store\.js: http may import only core, exchange, log, http/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Packages the browser build of the verify library may reach: pure computation, no Node API. */
const BROWSER_PACKAGES = new Set(["canonicalize", "@noble/curves/ed25519.js", "@noble/hashes/sha2.js"]);

/** Where "#crypto" leads a browser: the "browser" target of package.json "imports", as a source file. */
function browserCryptoSource(root: string): string {
  const imports = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).imports as Record<string, Record<string, string>>;
  const target = imports[CRYPTO_IMPORT]?.browser;
  if (target === undefined) throw new Error(`package.json "imports" has no "browser" condition for ${CRYPTO_IMPORT}`);
  return join(root, target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
}

/**
 * Every import that would keep the verify library (src/verify/index.ts) from running in a browser: each
 * file it reaches — following "#crypto" as a browser bundler does — imports no `node:*` module and only
 * the pure packages listed in BROWSER_PACKAGES, and uses none of Node's globals (Buffer, process…).
 */
export function browserViolations(root: string): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  const queue = [join(root, "src", "verify", "index.ts")];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const shown = relative(root, file).split(sep).join("/");
    const source = readFileSync(file, "utf8");
    for (const m of withoutComments(source).matchAll(/\b(Buffer|process|__dirname|require)\s*[.(]/g)) {
      violations.push(`${shown} uses Node's global ${m[1]}: reachable from src/verify/index.ts, which must run in a browser — use the Uint8Array helpers of src/core/crypto/bytes.ts`);
    }
    for (const { specifier, typeOnly } of importsOf(source)) {
      if (typeOnly) continue;
      if (specifier === CRYPTO_IMPORT) queue.push(browserCryptoSource(root));
      else if (specifier.startsWith(".")) {
        if (!specifier.endsWith(".json")) queue.push(join(dirname(file), specifier.replace(/\.js$/, ".ts")));
      } else if (!BROWSER_PACKAGES.has(specifier)) {
        violations.push(`${shown} → ${specifier}: reachable from src/verify/index.ts, which must run in a browser — keep Node APIs behind "#crypto" (src/core/crypto/crypto-backend.ts) or out of the verification path`);
      }
    }
  }
  return violations;
}

test("the verify library reaches no Node API: every file it imports runs in a browser", () => {
  const violations = browserViolations(repoRoot());
  assert.equal(violations.length, 0, `${violations.length} import(s) keep tocsin/verify out of the browser:\n  ${violations.join("\n  ")}\n`);
});

test("the browser check follows relative imports and #crypto's browser target, and names a Node API it reaches", () => {
  assert.match(browserCryptoSource(repoRoot()), /portable-backend\.ts$/);
  const root = mkdtempSync(join(tmpdir(), "tocsin-arch-"));
  try {
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write("package.json", JSON.stringify({ imports: { "#crypto": { browser: "./dist/src/b.js", default: "./dist/src/n.js" } } }));
    write("src/verify/index.ts", 'export { a } from "../a.js";\nimport type { T } from "../typed.js";\n');
    write("src/a.ts", 'import { s } from "#crypto";\nimport canonicalize from "canonicalize";\nexport const a = 1;\n');
    write("src/b.ts", 'import { readFileSync } from "node:fs";\nexport const b = Buffer.from("x");\n');
    write("src/n.ts", 'import { hash } from "node:crypto";\n');
    assert.deepEqual(
      browserViolations(root).map((v) => v.split(":")[0]),
      ["src/b.ts uses Node's global Buffer", "src/b.ts → node"],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the import parser sees static, type-only, re-exported, side-effect and dynamic imports", () => {
  const found = importsOf(
    [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      "import {\n  c,\n  d,\n} from './c.js';",
      'export { e } from "./e.js";',
      'export type { F } from "./f.js";',
      'import "./side.js";',
      'const g = await import("./g.js");',
      '// import { commented } from "./commented.js";',
    ].join("\n"),
  );
  assert.deepEqual(found, [
    { specifier: "./a.js", typeOnly: false },
    { specifier: "../b.js", typeOnly: true },
    { specifier: "./c.js", typeOnly: false },
    { specifier: "./e.js", typeOnly: false },
    { specifier: "./f.js", typeOnly: true },
    { specifier: "./side.js", typeOnly: false },
    { specifier: "./g.js", typeOnly: false },
  ]);
});
