import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * One figure of a benchmark, read against a same-run baseline.
 *
 * `ratio` is always `value` divided by a baseline figure *in the same unit family*, so a reader can
 * tell how far a figure is from the primitive it rests on:
 * - throughput rows (…/s): value ÷ the baseline's rate (e.g. appends/s ÷ OpenSSL SHA-256 64-byte
 *   hashes/s): the fraction of raw hashing speed the whole path keeps; higher is better;
 * - latency rows (µs, s): value ÷ the baseline's time per operation (e.g. p99 ÷ the time of one
 *   OpenSSL Ed25519 verify = p99 × verify/s): the latency expressed as "that many verifies' worth";
 *   lower is better;
 * - size rows (B/leaf): value ÷ the baseline size; lower is better.
 * Each benchmark says in its row's `baseline` string which baseline and value it divided by.
 */
export interface Row {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The baseline named with its value and unit, e.g. "openssl sha256 64B: 8.4e6 hash/s". */
  readonly baseline: string;
  readonly ratio: number;
  /** The goal this figure is held to, if any (shown, not enforced). */
  readonly target?: string;
  /** Whether the figure meets its target, when the benchmark can tell (printed "pass" / "MISS"). */
  readonly met?: boolean;
}

/** Numbers as a person reads them: 3–4 significant digits, thin grouping for big integers. */
/** The p-th percentile (0–100) of ascending samples: the sample at index ⌊p/100 · n⌋ (the admission, TAXII and store benchmarks). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e9 || a < 1e-3) return v.toExponential(2);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US").replace(/,/g, " ");
  return Number(v.toPrecision(3)).toString();
}

/** Short scientific form for baseline strings ("8.40e6"). */
export function sci(v: number): string {
  return v.toExponential(2).replace("e+", "e");
}

export function formatTable(rows: readonly Row[]): string {
  const withTarget = rows.some((r) => r.target !== undefined);
  const withMet = rows.some((r) => r.met !== undefined);
  const header = ["benchmark", "value", "unit", "baseline", "ratio", ...(withTarget ? ["target"] : []), ...(withMet ? ["met"] : [])];
  const cells = rows.map((r) => [
    r.name,
    formatNumber(r.value),
    r.unit,
    r.baseline,
    formatNumber(r.ratio),
    ...(withTarget ? [r.target ?? ""] : []),
    ...(withMet ? [r.met === undefined ? "" : r.met ? "pass" : "MISS"] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const rightAligned = new Set([1, 4]);
  const line = (c: readonly string[]): string =>
    c
      .map((s, i) => (rightAligned.has(i) ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** The directory holding package.json, found by walking up from this file (works from bench/ and dist-test/bench/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
}

/** Prints the table to stdout and writes `bench/out/<name>.json`; returns the JSON file's path. */
export function report(name: string, rows: readonly Row[], extra: Record<string, unknown> = {}): string {
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  const dir = join(projectRoot(), "bench", "out");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ benchmark: name, ...extra, rows }, null, 2) + "\n");
  return file;
}
