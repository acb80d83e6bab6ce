/*
 * CAP date-times. The CAP 1.2 schema restricts every date-time to the pattern
 * \d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d (CAP-v1.2-os §3.3.2: "alphabetic timezone designators
 * such as 'Z' MUST NOT be used"; no fractional seconds), so UTC is written "+00:00" and Tocsin's
 * milliseconds are dropped (rounded down: a CAP time never claims later than the record did).
 */

/** Milliseconds since the epoch as a CAP date-time in UTC: 2024-03-06T09:00:00+00:00. */
export function capTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

const CAP_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([-+])(\d{2}):(\d{2})$/;

/** A CAP date-time (any offset) as milliseconds since the epoch; undefined when it is not one. */
export function parseCapTime(text: string): number | undefined {
  const m = CAP_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(utc) || Number(oh) > 23 || Number(om) > 59) return undefined;
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === "-" ? -1 : 1);
  return utc - offset;
}
