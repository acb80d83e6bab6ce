// STIX 2.1 §2.15: RFC 3339 "YYYY-MM-DDTHH:mm:ss[.s+]Z", UTC only, no empty fraction. Parsed by hand (no
// allocation): it runs for every timestamp of every object.

/** The value of `len` ASCII digits at `at`, or -1 if any is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

// A real calendar date, and a leap second (:60) only at 23:59 UTC (RFC 3339 §5.7). `minFractionDigits` 3 is
// the millisecond rule of `created`/`modified` (§3.2).
/** True for a STIX 2.1 timestamp (§2.15): RFC 3339, UTC with `Z`, a valid date and time. */
export function isStixTimestamp(s: string, minFractionDigits = 0): boolean {
  const n = s.length;
  if (n < 20 || s[4] !== "-" || s[7] !== "-" || s[10] !== "T" || s[13] !== ":" || s[16] !== ":" || s[n - 1] !== "Z") return false;
  if (n === 20 ? minFractionDigits > 0 : s[19] !== "." || n - 21 < Math.max(1, minFractionDigits) || digits(s, 20, n - 21) < 0) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  return second < 60 || (hour === 23 && minute === 59);
}

/** Orders two valid STIX timestamps exactly (any fraction length): negative, zero or positive. */
export function compareStixTimestamps(a: string, b: string): number {
  const wholeA = a.slice(0, 19);
  const wholeB = b.slice(0, 19);
  if (wholeA !== wholeB) return wholeA < wholeB ? -1 : 1;
  const fracA = a.slice(20, -1);
  const fracB = b.slice(20, -1);
  const width = Math.max(fracA.length, fracB.length);
  const pa = fracA.padEnd(width, "0");
  const pb = fracB.padEnd(width, "0");
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (any year 0–9999; month 1–12). */
function daysFromCivil(year: number, month: number, day: number): number {
  // March-based years put the leap day last, so each era of 400 years is the same 146 097 days.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * A STIX timestamp's instant in milliseconds since the epoch, exactly as `Date.parse` reads it: the
 * fraction truncated to milliseconds, and NaN for a leap second, which `Date.parse` refuses. Read by
 * position: the lifecycle takes seven timestamps from every warning it admits, and `Date.parse`'s
 * general parser costs about 0.28 µs each. Any other text goes to `Date.parse`, and so does a fraction
 * of more than 9 digits, where V8's reading is its own (".0001000000" is 1 ms there).
 */
export function stixTimestampMs(s: string): number {
  if (s.length > 30 || !isStixTimestamp(s)) return Date.parse(s);
  const second = digits(s, 17, 2);
  if (second === 60) return Number.NaN;
  const fractionDigits = Math.min(s.length - 21, 3);
  const ms = fractionDigits <= 0 ? 0 : digits(s, 20, fractionDigits) * (fractionDigits === 1 ? 100 : fractionDigits === 2 ? 10 : 1);
  const days = daysFromCivil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
  return days * 86_400_000 + digits(s, 11, 2) * 3_600_000 + digits(s, 14, 2) * 60_000 + second * 1000 + ms;
}
