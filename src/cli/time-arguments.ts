import { ClientError } from "../client/client-error.js";

/*
 * Times on the command line: an RFC 3339 time (2026-03-22T18:00:00Z, or with an offset), `now`, or a
 * duration from now — `2h`, `90m`, `1d12h`, `1w`; a leading `-` counts back (`--event-time=-30m`).
 */

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch; CLIENT_INPUT_INVALID names the option when the text is neither form. */
export function parseWhen(text: string, option: string, now: number): number {
  if (text === "now") return now;
  if (RFC3339.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  const m = /^(-?)((?:\d+[smhdw])+)$/.exec(text);
  if (m) {
    let ms = 0;
    for (const [, n, unit] of m[2]!.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * UNIT_MS[unit!]!;
    return m[1] === "-" ? now - ms : now + ms;
  }
  throw new ClientError("CLIENT_INPUT_INVALID", `${option}: ${JSON.stringify(text)} is neither a duration (2h, 90m, 1d12h, -30m) nor an RFC 3339 time (2026-03-22T18:00:00Z)`);
}

/** `parseWhen` for an option that may be absent. */
export function optionalWhen(text: string | undefined, option: string, now: number): number | undefined {
  return text === undefined ? undefined : parseWhen(text, option, now);
}

/** A probability given as 0.7 or 70%. */
export function parseProbability(text: string): number {
  const m = /^(\d*\.?\d+)(%?)$/.exec(text);
  const p = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new ClientError("CLIENT_INPUT_INVALID", `--probability: ${JSON.stringify(text)} is not a probability (0.7 or 70%)`);
  return p;
}
