/**
 * Small syntax checks shared by the record core: STIX identifiers, RFC 3339 UTC timestamps, hex digests.
 * Plain predicates, no errors: each caller decides which coded error a failure becomes.
 */

/**
 * The UUID part of a STIX identifier (STIX 2.1 §2.9): an RFC 4122 UUID, version 1–5, variant 10xx, as in
 * the OASIS `identifier.json` schema — but lowercase only, so one id has one spelling (ids are compared
 * and hashed as strings).
 */
export const UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

/** A STIX object type name (STIX 2.1 §2.9 / §11.1): lowercase ASCII letters, digits and single hyphens, 3–250 characters. */
const TYPE_PATTERN = "[a-z][a-z0-9]*(?:-[a-z0-9]+)*";

const STIX_ID = new RegExp(`^(${TYPE_PATTERN})--${UUID_PATTERN}$`);

/** True if `s` is a STIX identifier, and of type `type` when given. */
export function isStixId(s: unknown, type?: string): s is string {
  if (typeof s !== "string") return false;
  const m = STIX_ID.exec(s);
  if (m === null) return false;
  const t = m[1]!;
  if (t.length < 3 || t.length > 250) return false;
  return type === undefined || t === type;
}

/** The type part of a STIX identifier (`report` of `report--…`), or undefined if `s` is not one. */
export function stixIdType(s: unknown): string | undefined {
  if (!isStixId(s)) return undefined;
  return s.slice(0, s.indexOf("--"));
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The decimal value of the ASCII digits s[at, at + n) (the pattern has made sure they are digits). */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + (s.charCodeAt(i) - 0x30);
  return v;
}

/**
 * True for an RFC 3339 timestamp in UTC with an upper-case `T` and `Z` (STIX 2.1 §3.2 timestamp), on a real
 * calendar day. Leap seconds (:60) are refused: JavaScript dates cannot hold them, so such a time could
 * not be compared reliably. Reads the fields by position, allocating nothing: the log leaf of every
 * admitted record checks two timestamps.
 */
export function isTimestamp(s: unknown): s is string {
  if (typeof s !== "string" || !TIMESTAMP.test(s)) return false;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  if (month < 1 || month > 12 || day < 1 || digitsAt(s, 11, 2) > 23 || digitsAt(s, 14, 2) > 59 || digitsAt(s, 17, 2) > 59) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/** 64 lowercase hex digits (a SHA-256 digest). */
export function isHex64(s: unknown): s is string {
  return typeof s === "string" && HEX64.test(s);
}

/** 32 lowercase hex digits (a Tocsin key id). */
export function isKeyIdHex(s: unknown): s is string {
  return typeof s === "string" && HEX32.test(s);
}

/** A plain object: made by a literal, `JSON.parse` or `Object.create(null)`; not an array, Date, Map or class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
