import canonicalize from "canonicalize";
import { utf8 } from "../crypto/index.js";
import { RecordError } from "./record-errors.js";
import { isPlainObject } from "./stix-syntax.js";

/** A JSON value as JCS sees it: what `JSON.parse` can return. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Nesting limit. RFC 8785 has none, but the serializer recurses, and a hostile record nested a hundred
 * thousand levels deep must become a coded error, not a stack overflow. STIX objects nest a handful of levels.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * The RFC 8785 (JCS) canonical form of `value`, by the reference implementation (`canonicalize`).
 *
 * The package follows `JSON.stringify` where JCS has no answer: it drops `undefined` members, calls
 * `toJSON` (a Date becomes a string) and would write a sparse array as `[1,,2]`. Two parties must never
 * disagree on what was signed, so anything that is not plain JSON data is refused first, with
 * RECORD_NOT_CANONICALIZABLE: `undefined` anywhere, NaN and ±Infinity (JCS §3.2.2.3), BigInt, functions,
 * symbols, objects other than plain objects and arrays, array holes, strings or keys with a lone
 * surrogate (I-JSON, RFC 7493 §2.1: not expressible as Unicode), cycles, and nesting deeper than
 * {@link MAX_JSON_DEPTH}.
 */
export function canonicalJson(value: unknown): string {
  assertJsonData(value, "$", 0, new Set());
  const out = canonicalize(value);
  // Unreachable after the walk above; kept so a future change in the package cannot slip an `undefined` through.
  if (out === undefined) throw notJson("$", "no JSON text");
  return out;
}

/** The UTF-8 bytes of {@link canonicalJson} (JCS §3.2.4: the canonical form is UTF-8). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}

function notJson(path: string, reason: string): RecordError {
  return new RecordError("RECORD_NOT_CANONICALIZABLE", `${path}: ${reason} has no RFC 8785 canonical form`, {
    details: { path, reason },
  });
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1); // NaN past the end
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

function assertJsonData(v: unknown, path: string, depth: number, ancestors: Set<object>): void {
  switch (typeof v) {
    case "string":
      if (hasLoneSurrogate(v)) throw notJson(path, "a string with a lone surrogate");
      return;
    case "number":
      if (!Number.isFinite(v)) throw notJson(path, String(v));
      return;
    case "boolean":
      return;
    case "undefined":
      throw notJson(path, "undefined");
    case "bigint":
      throw notJson(path, "a BigInt");
    case "function":
      throw notJson(path, "a function");
    case "symbol":
      throw notJson(path, "a symbol");
    case "object":
      break;
  }
  if (v === null) return;
  if (depth >= MAX_JSON_DEPTH) throw notJson(path, `nesting deeper than ${MAX_JSON_DEPTH}`);
  const o = v as object;
  if (ancestors.has(o)) throw notJson(path, "a cycle");
  ancestors.add(o);
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) {
      if (!(i in o)) throw notJson(`${path}[${i}]`, "an array hole");
      assertJsonData(o[i], `${path}[${i}]`, depth + 1, ancestors);
    }
  } else if (isPlainObject(o)) {
    for (const key of Object.keys(o)) {
      const p = `${path}.${key}`;
      if (hasLoneSurrogate(key)) throw notJson(p, "a key with a lone surrogate");
      assertJsonData(o[key], p, depth + 1, ancestors);
    }
  } else {
    throw notJson(path, `a non-plain object (${Object.prototype.toString.call(o)})`);
  }
  ancestors.delete(o);
}

/** Where {@link canonicalJsonLocating} wrote a member: cut [start, end) out and the text is the JCS without it. */
export interface MemberSpan {
  readonly start: number;
  readonly end: number;
}

/** Thrown inside the one-pass writer on anything but plain JSON data: the checked path then says what. */
const UNUSUAL = Symbol("not plain JSON data");
const SURROGATE = /[\uD800-\uDFFF]/;
/**
 * What JSON.stringify writes otherwise than as the string between quotes: a quote, a backslash, a control
 * character, a lone surrogate (refused here before it gets there) — and, to send pairs that way too,
 * any surrogate. Most strings of a record have none (ids, timestamps, words): quoting those by hand
 * instead of calling JSON.stringify (0.2 µs a call) took a signed warning's canonicalisation from 16.4
 * to 12.3 µs.
 */
const NOT_VERBATIM = /[\u0000-\u001F"\\\uD800-\uDFFF]/;

/**
 * The writer's text for an object key: its JSON string and the colon. Records repeat the same few dozen
 * keys ("type", "created_by_ref", the extension ids…), and writing each afresh — JSON.stringify, the
 * concatenation, the surrogate check — was a quarter of a signed warning's canonicalisation (13.1 →
 * 9.7 µs with the memo). Only keys that passed the check are kept; bounded, so a stream of hostile
 * one-off keys fills it once and is then written without it.
 */
const KEY_TEXTS = new Map<string, string>();
const KEY_TEXTS_MAX = 4096;
const KEY_TEXT_MAX_LENGTH = 64;

function keyText(key: string): string {
  let text = KEY_TEXTS.get(key);
  if (text !== undefined) return text;
  if (SURROGATE.test(key) && hasLoneSurrogate(key)) throw UNUSUAL;
  text = `${JSON.stringify(key)}:`;
  if (KEY_TEXTS.size < KEY_TEXTS_MAX && key.length <= KEY_TEXT_MAX_LENGTH) KEY_TEXTS.set(key, text);
  return text;
}

/**
 * An object's keys in JCS order (UTF-16 code units, which is how `<` compares strings), by insertion
 * sort: a record's objects have a handful to a few dozen keys, mostly in order already, and
 * Array.prototype.sort's generic machinery cost a record's canonicalisation 0.9 of its 6.8 µs.
 */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * {@link canonicalJson} of `value` in one pass, and the span of the member at `memberPath` (object keys
 * from the root) with one comma beside it, so that the text without that span is the canonical JSON of
 * `value` without the member — how a record's stored body and its signing bytes (the same object less
 * its signature) come from one canonicalisation instead of two. The writer follows the same rules as
 * the package (keys sorted by UTF-16 code units, JSON.stringify for strings and numbers); anything that
 * is not plain data sends it to canonicalJson, which refuses it with the same coded error as ever.
 */
export function canonicalJsonLocating(value: unknown, memberPath: readonly string[]): { text: string; member: MemberSpan | undefined } {
  let text = "";
  let member: MemberSpan | undefined;
  const write = (v: unknown, depth: number, onPath: boolean): void => {
    switch (typeof v) {
      case "string":
        if (!NOT_VERBATIM.test(v)) {
          text += `"${v}"`;
          return;
        }
        if (SURROGATE.test(v) && hasLoneSurrogate(v)) throw UNUSUAL;
        text += JSON.stringify(v);
        return;
      case "number":
        if (!Number.isFinite(v)) throw UNUSUAL;
        text += JSON.stringify(v);
        return;
      case "boolean":
        text += v ? "true" : "false";
        return;
      case "object":
        break;
      default:
        throw UNUSUAL;
    }
    if (v === null) {
      text += "null";
      return;
    }
    // Deep nesting and cycles alike end here; canonicalJson then names which it was.
    if (depth >= MAX_JSON_DEPTH) throw UNUSUAL;
    if (Array.isArray(v)) {
      text += "[";
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) throw UNUSUAL;
        if (i > 0) text += ",";
        write(v[i], depth + 1, false);
      }
      text += "]";
      return;
    }
    if (!isPlainObject(v)) throw UNUSUAL;
    const keys = sortedKeys(v);
    const target = onPath ? memberPath[depth] : undefined;
    const last = onPath && depth === memberPath.length - 1;
    text += "{";
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const start = text.length;
      if (i > 0) text += ",";
      text += keyText(key);
      write(v[key], depth + 1, key === target && !last);
      if (key === target && last) {
        // Not the first member: its leading comma goes with it; the first takes the comma after it.
        member = i > 0 ? { start, end: text.length } : { start, end: text.length + (keys.length > 1 ? 1 : 0) };
      }
    }
    text += "}";
  };
  try {
    write(value, 0, memberPath.length > 0);
  } catch (e) {
    if (e !== UNUSUAL) throw e;
    canonicalJson(value); // throws the coded error
    throw new Error("canonicalJsonLocating refused what canonicalJson accepts"); // unreachable
  }
  return { text, member };
}
