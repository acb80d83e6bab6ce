#!/usr/bin/env node
// `npm test`'s pretest: what the suite needs from the machine beyond node_modules.
// - Debian's chromium (the PDF report tests): installed with apt-get when missing and we are root on
//   a Debian-like system; otherwise one line says what to install (those tests then fail saying it too).
// - PostgreSQL at 127.0.0.1:5432 (or TOCSIN_TEST_PG): one line when it does not answer (its tests then
//   fail with that line). `.ci/run` provides both before it runs `npm test`.
// Never fails itself: the suite runs, and only the tests that need what is missing fail.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";

const say = (line) => process.stderr.write(`npm test: ${line}\n`);

function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

function ensureChromium() {
  const custom = process.env.TOCSIN_CHROMIUM;
  const path = custom ?? "/usr/bin/chromium";
  if (existsSync(path)) return;
  // Only Debian's own binary is installed for you; a TOCSIN_CHROMIUM that is not there is the user's to fix.
  if (custom === undefined && process.getuid?.() === 0 && hasCommand("apt-get")) {
    say("installing Debian's chromium for the PDF report tests (apt-get install chromium)");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: ["ignore", "ignore", "inherit"], env });
    if (existsSync(path)) return;
  }
  say(`no Chromium at ${path}: the PDF report tests will fail; install Debian's with \`apt-get install chromium\` (as root), or set TOCSIN_CHROMIUM`);
}

async function checkPostgres() {
  const url = process.env.TOCSIN_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (e) {
    const where = (() => {
      try {
        const u = new URL(url);
        return `${u.hostname}:${u.port || 5432}`;
      } catch {
        return url;
      }
    })();
    say(`PostgreSQL does not answer at ${where} (${e.code ?? e.message}): the PostgreSQL tests will fail; they need trust auth for user postgres and a database named test (Debian: apt-get install postgresql; .ci/run sets it up), or TOCSIN_TEST_PG`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

ensureChromium();
await checkPostgres();
