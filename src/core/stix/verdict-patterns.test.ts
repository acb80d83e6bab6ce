import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadStixSchemas } from "../../exchange/stix-schema-loader.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { withSafePatterns } from "./safe-patterns.js";
import { STIX_SCHEMA_BASE } from "./stix-types.js";
import { HAND_MATCHED_PATTERNS, verdictRegExp } from "./verdict-patterns.js";

/*
 * The verdict validator's hand-written matchers accept exactly what the official patterns accept: on
 * generated names over the characters that decide them, at the length bounds, and in properties.json
 * compiled both ways (verdict-schemas.test.ts holds the whole validator to the official schemas on such names).
 */

const PROPERTIES_ID = `${STIX_SCHEMA_BASE}common/properties.json`;

const edgeCases = [
  "", "a", "ab", "abc", "id", "xid", "Aid", "_id", "Abc", "aBc", "a_c", "a0c", "0bc", "_bc", "é_x",
  "_bin", "a_bin", "ab_bin", "A_bin", "a_BIN", "a-b_bin", "a_bin ", " a_bin", "a_bin\n", "x_hex", "x_hex_hex",
  "a".repeat(245) + "_bin", "a".repeat(246) + "_bin", "a" + "_".repeat(245) + "_hex", "a" + "_".repeat(246) + "_hex",
  "a".repeat(249), "a".repeat(250), "a".repeat(251), "\ud800bc", "a\ud800c", "ab\udfff", "a\u0000c",
];

test("each hand-written matcher accepts exactly the strings its official pattern does", () => {
  const alphabet = fc.constantFrom(..."abz09_-AZ !éid".split(""), "_bin", "_hex", "\ud83d", "\ude00");
  for (const [pattern, matcher] of HAND_MATCHED_PATTERNS) {
    const official = new RegExp(pattern);
    for (const s of edgeCases) assert.equal(matcher(s), official.test(s), `${pattern} on ${JSON.stringify(s)}`);
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 16 }).map((cs) => cs.join("")), fc.integer({ min: 0, max: 260 }), (s, pad) => {
        for (const candidate of [s, `a${s}`, `${"a".repeat(pad)}${s}`, `a${"_".repeat(pad)}${s}`]) {
          assert.equal(matcher(candidate), official.test(candidate), `${pattern} on ${JSON.stringify(candidate)}`);
        }
      }),
      { numRuns: 4000 },
    );
  }
});

test("the engine answers only the three official patterns, unflagged, by hand; each under a cache key of its own", () => {
  for (const pattern of HAND_MATCHED_PATTERNS.keys()) {
    const m = verdictRegExp(pattern, "");
    assert.ok(!(m instanceof RegExp));
    assert.equal(m.toString(), `/${pattern}/`);
    assert.ok(verdictRegExp(pattern, "u") instanceof RegExp);
  }
  assert.equal(new Set([...HAND_MATCHED_PATTERNS.keys()].map((p) => verdictRegExp(p, "").toString())).size, 3);
  const other = verdictRegExp("^[0-9a-f]{64}$", "");
  assert.ok(other instanceof RegExp);
  assert.equal(other.test("ab".repeat(32)), true);
});

test("the official properties schema still names exactly these three patterns (else the matchers answer nothing)", () => {
  const properties = loadStixSchemas().find((s) => s.$id === PROPERTIES_ID) as unknown as { patternProperties: Record<string, unknown> };
  assert.deepEqual(Object.keys(properties.patternProperties).sort(), [...HAND_MATCHED_PATTERNS.keys()].sort());
});

test("properties.json compiled with the matchers and with RegExps gives the same verdict on every name", () => {
  const compile = (options: ConstructorParameters<typeof Ajv2020>[0]) => {
    const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, ...options });
    for (const schema of loadStixSchemas()) ajv.addSchema(withSafePatterns(schema));
    return ajv.getSchema(PROPERTIES_ID)!;
  };
  const official = compile({});
  const verdict = compile({ allErrors: false, messages: false, code: { regExp: verdictRegExp } });
  const values: unknown[] = ["aGVsbG8=", "not base64!", "00ff", "0g", 1, true, [], [1], {}, null];
  const names = [...edgeCases, "x_payload_bin", "x_digest_hex", "x_thing", "Xid", "Xy", "x-dash", "type", "created_by_ref"];
  for (const name of names) {
    for (const value of values) {
      const obj = { [name]: value };
      assert.equal(verdict(obj), official(obj), `${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
  }
  // Both ways, so the comparison above is not vacuous.
  assert.equal(verdict({ x_payload_bin: "aGVsbG8=" }), true);
  assert.equal(verdict({ x_payload_bin: "not base64!" }), false);
  assert.equal(verdict({ x_digest_hex: "0g" }), false);
  assert.equal(verdict({ Xy: 1 }), false);
});
