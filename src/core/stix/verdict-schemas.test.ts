import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { loadStixSchemas } from "../../exchange/stix-schema-loader.js";
import { createStixValidator } from "./stix-validator.js";
import { OFFICIAL_ANY_CUSTOM_VALUE, VERDICT_ANY_CUSTOM_VALUE, verdictSchema } from "./verdict-schemas.js";

test("the verdict form of a custom property's value accepts exactly the values the official anyOf does", () => {
  const ajv = new Ajv2020({ strict: false });
  const official = ajv.compile(OFFICIAL_ANY_CUSTOM_VALUE);
  const verdict = ajv.compile(VERDICT_ANY_CUSTOM_VALUE);
  const named = [null, [], [null], [[]], [1, 2], "", "x", 0, -0, 1, -1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, true, false, {}, { a: null }, { a: [] }];
  for (const v of named) assert.equal(verdict(v), official(v), JSON.stringify(v));
  fc.assert(fc.property(fc.jsonValue(), (v) => verdict(v) === official(v)), { numRuns: 5000 });
});

test("the vendored properties.json is rewritten for the verdict validator, and nothing else is", () => {
  const schemas = loadStixSchemas();
  const rewritten = schemas.filter((s) => verdictSchema(s) !== s);
  assert.deepEqual(rewritten.map((s) => s.$id.replace(/^.*schemas\//, "")), ["common/properties.json"]);
  const text = JSON.stringify(verdictSchema(rewritten[0]!));
  assert.ok(text.includes(JSON.stringify(VERDICT_ANY_CUSTOM_VALUE)) && !text.includes('"anyOf"'));
});

test("custom properties of every kind of value get the same verdict and the same problems as before", () => {
  const v = createStixValidator({ schemas: loadStixSchemas() });
  const base = {
    type: "threat-actor",
    spec_version: "2.1",
    id: "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    created: "2026-01-01T00:00:00.000Z",
    modified: "2026-01-01T00:00:00.000Z",
    name: "Actor",
  };
  // Checked against the official schemas alone, the way every object was validated before the verdict validator.
  const officialOnly = new Ajv2020({ strict: false, unicodeRegExp: false });
  ajvFormats.default(officialOnly);
  officialOnly.addFormat("stix-timestamp", true);
  for (const s of loadStixSchemas()) officialOnly.addSchema(s);
  const threatActor = officialOnly.getSchema(loadStixSchemas().find((s) => s.$id.endsWith("sdos/threat-actor.json"))!.$id)!;
  for (const value of [null, [], [1], "", "x", 0, 7, 1.5, true, {}, { nested: [] }]) {
    const obj = { ...base, x_custom_value: value };
    const problems = v.validateStixObject(obj);
    assert.equal(problems.length === 0, threatActor(obj), `x_custom_value: ${JSON.stringify(value)}`);
    if (problems.length > 0) assert.ok(problems.some((p) => p.property === "/x_custom_value"), JSON.stringify(problems));
  }
});
