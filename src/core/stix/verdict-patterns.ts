/**
 * Hand-written matchers for the three property-name patterns of the official common/properties.json,
 * for the *verdict* validator only (verdict-schemas.ts): each accepts exactly the strings its pattern
 * accepts, in one pass over the characters.
 *
 * Why: properties.json tests every property name of every object against all three patterns
 * (patternProperties), and `^[a-z][a-z0-9_]{0,245}_bin$` costs a backtracking engine a step back for
 * every character of a name that does not end in "_bin" — nearly every name. Those three tests were
 * 6.6 % of the check workers' CPU in the batch-1 000 admission (perf, 5 December 2026): more than
 * canonical JSON's share. The official validator, which reports the errors, keeps the RegExps.
 *
 * ajv builds every `pattern` and `patternProperties` test through its `code.regExp` option; the engine
 * below answers these three patterns with the matchers and every other one with `new RegExp`.
 * verdict-patterns.test.ts holds each matcher equal to its RegExp on generated and edge-case names.
 */

/** What ajv calls on a compiled pattern (its RegExpLike), and the key it caches it under. */
export interface PatternMatcher {
  test(s: string): boolean;
  toString(): string;
}

const a = 97; // "a"
const z = 122;
const zero = 48;
const nine = 57;
const underscore = 95;

const isLower = (c: number): boolean => c >= a && c <= z;
const isNameChar = (c: number): boolean => (c >= a && c <= z) || (c >= zero && c <= nine) || c === underscore;

/** `^[a-z][a-z0-9_]{0,245}<suffix>$` for a suffix of name characters. */
function suffixedName(suffix: string): (s: string) => boolean {
  const min = 1 + suffix.length;
  const max = 1 + 245 + suffix.length;
  return (s) => {
    if (s.length < min || s.length > max || !s.endsWith(suffix) || !isLower(s.charCodeAt(0))) return false;
    const end = s.length - suffix.length;
    for (let i = 1; i < end; i++) if (!isNameChar(s.charCodeAt(i))) return false;
    return true;
  };
}

/**
 * `^([a-z][a-z0-9_]{2,249})|id$`: an alternation of `^([a-z][a-z0-9_]{2,249})`, which has no end
 * anchor and so holds when the first three characters fit it, and `id$`, any string ending in "id".
 */
function anyCustomName(s: string): boolean {
  return (s.length >= 3 && isLower(s.charCodeAt(0)) && isNameChar(s.charCodeAt(1)) && isNameChar(s.charCodeAt(2))) || s.endsWith("id");
}

/** The patterns answered by hand, as written in common/properties.json. */
export const HAND_MATCHED_PATTERNS: ReadonlyMap<string, (s: string) => boolean> = new Map([
  ["^[a-z][a-z0-9_]{0,245}_bin$", suffixedName("_bin")],
  ["^[a-z][a-z0-9_]{0,245}_hex$", suffixedName("_hex")],
  ["^([a-z][a-z0-9_]{2,249})|id$", anyCustomName],
]);

/**
 * ajv's `code.regExp` for the verdict validator. Without flags only: with "u" a character class would
 * mean code points, which the matchers do not read (the validators run with `unicodeRegExp: false`).
 */
export function verdictRegExp(pattern: string, flags: string): PatternMatcher {
  const matcher = flags === "" ? HAND_MATCHED_PATTERNS.get(pattern) : undefined;
  if (matcher === undefined) return new RegExp(pattern, flags);
  // ajv caches compiled patterns under toString(): the pattern's own text keeps the three apart.
  const text = `/${pattern}/`;
  return { test: matcher, toString: () => text };
}
verdictRegExp.code = "verdictRegExp";
