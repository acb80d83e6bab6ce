import { isStixTimestamp } from "./stix-timestamp.js";
import { STIX_SCHEMA_BASE } from "./stix-types.js";

/**
 * Schema rewrites for the *verdict* validator only: each rewritten schema accepts exactly the same
 * instances as the official one, but costs less when the instance is valid. The official schemas stay
 * what reports errors (codes, pointers and messages are unchanged): the verdict validator only decides
 * whether they need to be asked (stix-validator.ts).
 *
 * Why: common/properties.json checks every property of every object and extension value against
 * `anyOf: [array with ≥ 1 item, string, integer, boolean, number, object]`. ajv evaluates the branches in
 * order and builds an error object (with its JSON Pointer) for each branch that fails before one passes —
 * four for every number, five for every object — only to throw them away. That was a third of the
 * validation time of a signed warning (bench/admit-bench.ts, profile of 2 December 2026).
 *
 * The rewrite is the same set, written as one type list: "integer" is contained in "number", and
 * `minItems` constrains arrays only, so `{type: [array, string, number, boolean, object], minItems: 1}`
 * holds exactly when one of the six branches holds (verdict-schemas.test.ts checks it value by value,
 * and the validator tests check that both validators agree on every fixture).
 */
const PROPERTIES_ID = `${STIX_SCHEMA_BASE}common/properties.json`;
const ANY_CUSTOM_VALUE = "^([a-z][a-z0-9_]{2,249})|id$";

export const OFFICIAL_ANY_CUSTOM_VALUE = {
  anyOf: [{ type: "array", minItems: 1 }, { type: "string" }, { type: "integer" }, { type: "boolean" }, { type: "number" }, { type: "object" }],
} as const;

export const VERDICT_ANY_CUSTOM_VALUE = { type: ["array", "string", "number", "boolean", "object"], minItems: 1 } as const;

/**
 * The schema to give the verdict validator in place of `schema`: a copy with the rewrite applied when it
 * is common/properties.json and its member is still exactly the official one, else `schema` itself.
 */
export function verdictSchema<T extends { readonly $id: string }>(schema: T): T {
  if (schema.$id.replace(/#$/, "") !== PROPERTIES_ID) return schema;
  const patterns = (schema as { patternProperties?: Record<string, unknown> }).patternProperties;
  if (patterns === undefined || JSON.stringify(patterns[ANY_CUSTOM_VALUE]) !== JSON.stringify(OFFICIAL_ANY_CUSTOM_VALUE)) return schema;
  return { ...schema, patternProperties: { ...patterns, [ANY_CUSTOM_VALUE]: VERDICT_ANY_CUSTOM_VALUE } };
}

/**
 * ajv-formats' "date-time" (full mode) with a shortcut in front: a STIX timestamp (§2.15: UTC with `Z`,
 * a real date, a leap second only at 23:59) of at most nine fraction digits is a valid RFC 3339 date-time,
 * so it is accepted without ajv-formats' split and two regular expressions; anything else goes to
 * `official` unchanged. The length bound matters: with twenty nines after "59." the seconds round to 60
 * in ajv-formats' arithmetic and it refuses the string, which the shortcut must not accept.
 * Tocsin's extension schemas check six date-times per warning with this format (4 % of a check worker's
 * time in the profile of 2 December 2026).
 */
export function withStixTimestampShortcut(official: (s: string) => boolean): (s: string) => boolean {
  return (s) => (s.length <= 30 && isStixTimestamp(s)) || official(s);
}
