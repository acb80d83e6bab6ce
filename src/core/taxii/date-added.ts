import { taxiiQueryError } from "./taxii-query-error.js";

/*
 * TAXII 2.1 date_added: when an object version was added to the server, unique per version, with
 * microsecond precision (`YYYY-MM-DDTHH:MM:SS.ssssssZ`). Tocsin keeps it as an integer number of
 * microseconds since the epoch (the store's `added_us`), so it orders and compares exactly.
 */

/** `added_us` → `2026-11-25T10:00:00.123456Z`. */
export function formatDateAdded(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // …SS.mmmZ
  return `${iso.slice(0, -1)}${String(us - ms * 1000).padStart(3, "0")}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * An RFC 3339 UTC timestamp (any fractional precision up to nanoseconds) as microseconds since the
 * epoch, rounded down — so "after t" compares exactly as `added_us > floor(t)`. Anything else
 * (offsets other than Z, impossible dates) is TAXII_QUERY_INVALID naming `parameter`.
 */
export function parseTimestampUs(value: string, parameter: string): number {
  const m = RFC3339.exec(value);
  const bad = () => taxiiQueryError(parameter, `${parameter} must be an RFC 3339 UTC timestamp like 2026-11-25T10:00:00.000000Z`);
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (y < 1970 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw bad();
  const micro = Number((m[7] ?? "").padEnd(6, "0").slice(0, 6));
  return ms * 1000 + micro;
}
