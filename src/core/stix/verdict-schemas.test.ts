import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { loadStixSchemas } from "../../exchange/stix-schema-loader.js";
import { createStixValidator } from "./stix-validator.js";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { OFFICIAL_ANY_CUSTOM_VALUE, VERDICT_ANY_CUSTOM_VALUE, verdictSchema, withStixTimestampShortcut } from "./verdict-schemas.js";

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

test("custom properties of every kind of name and value get the same verdict and the same problems as before", () => {
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
  // Names that the hand-written property-name matchers decide (verdict-patterns.ts), with every kind of value.
  // (Not "Xid": the schema's `id$` admits it, and the STIX rules, not the schemas, refuse its capital.)
  const names = ["x_custom_value", "x_payload_bin", "x_digest_hex", "Xy", "x-dash"];
  const values = [null, [], [1], "", "x", 0, 7, 1.5, true, {}, { nested: [] }, "aGVsbG8=", "not base64!", "00ff", "0g"];
  for (const name of names) {
    for (const value of values) {
      const obj = { ...base, [name]: value };
      const problems = v.validateStixObject(obj);
      assert.equal(problems.length === 0, threatActor(obj), `${name}: ${JSON.stringify(value)}`);
      if (name === "x_custom_value" && problems.length > 0) assert.ok(problems.some((p) => p.property === "/x_custom_value"), JSON.stringify(problems));
    }
  }
  // And the verdicts themselves, so that the two validators cannot agree by being wrong alike.
  const expected: [string, unknown, boolean][] = [
    ["x_payload_bin", "aGVsbG8=", true],
    ["x_payload_bin", "not base64!", false],
    ["x_digest_hex", "00ff", true],
    ["x_digest_hex", "0g", false],
    ["x_thing", "anything", true],
    ["x_list", [], false],
    ["Xy", 1, false],
  ];
  for (const [key, value, valid] of expected) {
    assert.equal(v.validateStixObject({ ...base, [key]: value }).length === 0, valid, `${key}: ${JSON.stringify(value)}`);
  }
});

test("the STIX-timestamp shortcut in front of ajv-formats' date-time never changes its answer", () => {
  const official = (fullFormats["date-time"] as { validate: (s: string) => boolean }).validate;
  const shortcut = withStixTimestampShortcut(official);
  const named = [
    "2026-12-02T13:15:27.906Z", "2026-12-02T13:15:27Z", "2024-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2026-12-31T23:59:60Z", "2026-12-31T22:59:60Z",
    "2026-01-01T10:00:59.999999999Z", "2026-01-01T10:00:59.99999999999999999999Z", "2026-01-01T23:59:60.99999999999999999999Z", "2026-01-01t10:00:00z",
    "2026-01-01T10:00:00+01:00", "2026-01-01 10:00:00Z", "2026-01-01T10:00:00.Z", "2026-01-01T24:00:00Z", "", "T", "2026-13-01T00:00:00Z",
  ];
  for (const s of named) assert.equal(shortcut(s), official(s), s);
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));
  const stamp = fc.tuple(fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, "0")), two(13), two(32), two(25), two(61), two(61), fc.stringMatching(/^(\.[0-9]{0,25})?$/), fc.constantFrom("Z", "z", "+00:00", ""));
  fc.assert(fc.property(stamp, ([y, mo, d, h, mi, se, frac, tz]) => {
    const s = `${y}-${mo}-${d}T${h}:${mi}:${se}${frac}${tz}`;
    return shortcut(s) === official(s);
  }), { numRuns: 20000 });
});
