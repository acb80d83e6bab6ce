import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadStixSchemas } from "../../exchange/stix-schema-loader.js";
import { SAFE_PATTERN_REWRITES, withSafePatterns } from "./safe-patterns.js";
import { createStixValidator } from "./stix-validator.js";

test("each rewritten pattern accepts exactly the strings the official one does", () => {
  const alphabet = fc.constantFrom(..."abz09-_xet".split(""));
  for (const [original, safe] of SAFE_PATTERN_REWRITES) {
    const a = new RegExp(original);
    const b = new RegExp(safe);
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 14 }).map((cs) => cs.join("")), (s) => {
        for (const candidate of [s, `${s}-ext`, `a${s}-ext`]) assert.equal(b.test(candidate), a.test(candidate), candidate);
      }),
      { numRuns: 3000 },
    );
  }
});

test("no official schema keeps a catastrophic pattern once loaded for validation", () => {
  const text = JSON.stringify(loadStixSchemas().map(withSafePatterns));
  for (const original of SAFE_PATTERN_REWRITES.keys()) assert.equal(text.includes(JSON.stringify(original).slice(1, -1)), false);
});

test("a long extension key that is not a valid name is refused, not matched for hours", () => {
  const v = createStixValidator({ schemas: loadStixSchemas() });
  const obj = {
    type: "threat-actor",
    spec_version: "2.1",
    id: "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    created: "2024-01-01T00:00:00.000Z",
    modified: "2024-01-01T00:00:00.000Z",
    name: "x",
    extensions: { ["a".repeat(60) + "!"]: { extension_type: "property-extension" } },
  };
  assert.ok(v.validateStixObject(obj).length > 0);
});
