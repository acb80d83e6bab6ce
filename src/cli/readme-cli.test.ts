import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../testing/repo-root.js";
import { COMMANDS } from "./main.js";

test("the README's command table has a row for every command, naming every option it takes", () => {
  const readme = readFileSync(join(repoRoot(), "README.md"), "utf8");
  const rows = readme.split("\n").filter((l) => l.startsWith("| `tocsin "));
  for (const c of COMMANDS) {
    const mine = rows.filter((r) => r.startsWith(`| \`tocsin ${c.name} `) || r.startsWith(`| \`tocsin ${c.name}\``));
    assert.ok(mine.length > 0, `a README row for tocsin ${c.name}`);
    const synopsis = mine.map((r) => r.split(" | ")[0]).join(" ");
    for (const option of Object.keys(c.spec.options)) assert.match(synopsis, new RegExp(`--${option}\\b`), `README: tocsin ${c.name} --${option}`);
  }
});
