/**
 * `npm test` on a machine without Debian's chromium or without PostgreSQL: one line says what to
 * install, from the pretest check and from each test that needs it — never a harness stack trace.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "./repo-root.js";

const root = repoRoot();
const missing: NodeJS.ProcessEnv = { ...process.env, TOCSIN_CHROMIUM: "/nonexistent/chromium", TOCSIN_TEST_PG: "postgres://postgres@127.0.0.1:1/test" };

test("pretest: one line for a missing chromium, one for an absent PostgreSQL; the suite still runs", () => {
  const r = spawnSync(process.execPath, [join(root, "scripts", "test-prerequisites.mjs")], { encoding: "utf8", env: missing });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0]!, /^npm test: no Chromium at \/nonexistent\/chromium: .*apt-get install chromium/);
  assert.match(lines[1]!, /^npm test: PostgreSQL does not answer at 127\.0\.0\.1:1 \(ECONNREFUSED\): .*apt-get install postgresql/);
});

test("a PostgreSQL test without PostgreSQL fails with one line saying what it needs", () => {
  const script = `import(${JSON.stringify(new URL("./pg-database.js", import.meta.url).href)}).then((m) => m.createTestDatabase()).then(() => process.stdout.write("created"), (e) => process.stdout.write(e.stack))`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: missing });
  assert.equal(r.stdout.split("\n").length, 1, r.stdout);
  assert.match(r.stdout, /^PostgreSQL does not answer at 127\.0\.0\.1:1 \(ECONNREFUSED\): .*database named test/);
});

test("the PDF test without chromium fails with the line that says what to install", () => {
  const file = fileURLToPath(new URL("../cli/report-command.test.js", import.meta.url));
  // A test run of its own (not a subtest of this one: node:test would pass NODE_TEST_CONTEXT on).
  const { NODE_TEST_CONTEXT: _, ...env } = missing;
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", "--test-name-pattern=format pdf", file], { encoding: "utf8", env });
  assert.notEqual(r.status, 0, r.stdout);
  assert.match(r.stdout, /\n {2}error: .no Chromium at \/nonexistent\/chromium: .*apt-get install chromium/);
});
