/**
 * The official STIX 2.1 schemas (common/core.json, common/cyber-observable-core.json) name custom
 * extension keys with `^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\-ext$`. Its nested quantifier `([a-z][a-z0-9]*)+`
 * backtracks exponentially: a 40-letter key that does not end in "-ext" takes a backtracking engine
 * (JavaScript's) hours — one request could hang the node (ReDoS).
 *
 * `([a-z][a-z0-9]*)+` matches exactly the strings `[a-z][a-z0-9]*` matches (every letter may start a new
 * repetition, digits must follow a letter either way), so the rewrite below accepts the same language
 * in linear time. patterns.test.ts checks the equivalence on generated strings.
 */
export const SAFE_PATTERN_REWRITES: ReadonlyMap<string, string> = new Map([
  ["^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-ext$", "^[a-z][a-z0-9]*(-[a-z0-9]+)*\\-ext$"],
]);

/** A deep copy of a schema with every known catastrophic pattern (key or value) replaced. */
export function withSafePatterns<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withSafePatterns) as T;
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    const key = SAFE_PATTERN_REWRITES.get(k) ?? k;
    out[key] = k === "pattern" && typeof v === "string" ? (SAFE_PATTERN_REWRITES.get(v) ?? v) : withSafePatterns(v);
  }
  return out as T;
}
