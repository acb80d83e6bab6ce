import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../testing/repo-root.js";
import { StixError } from "../core/stix/stix-errors.js";
import { loadStixSchemas, STIX_SCHEMA_SUBDIR, stixSchemaDir } from "./stix-schema-loader.js";
import { officialSchemaId, STIX_OFFICIAL_TYPES } from "../core/stix/stix-types.js";

test("the schema directory is found from the module, and every official type has its schema", () => {
  assert.equal(stixSchemaDir(), join(repoRoot(), STIX_SCHEMA_SUBDIR));
  const ids = new Set(loadStixSchemas().map((s) => s.$id));
  for (const type of STIX_OFFICIAL_TYPES) assert.ok(ids.has(officialSchemaId(type) as string), type);
  assert.equal(ids.size, loadStixSchemas().length, "no two files share a $id");
});

test("unreadable directories, bad JSON and schemas without $id are STIX_SCHEMA_LOAD", () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-stix-"));
  try {
    const isLoadError = (e: unknown): boolean => e instanceof StixError && e.code === "STIX_SCHEMA_LOAD";
    assert.throws(() => loadStixSchemas(join(dir, "missing")), isLoadError);
    mkdirSync(join(dir, "common"));
    writeFileSync(join(dir, "common", "a.json"), "{ not json");
    assert.throws(() => loadStixSchemas(dir), isLoadError);
    writeFileSync(join(dir, "common", "a.json"), JSON.stringify({ type: "object" }));
    assert.throws(() => loadStixSchemas(dir), isLoadError);
    writeFileSync(join(dir, "common", "a.json"), JSON.stringify({ $id: "urn:x", type: "object" }));
    assert.deepEqual(loadStixSchemas(dir), [{ $id: "urn:x", type: "object" }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
