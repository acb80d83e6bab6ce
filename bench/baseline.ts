import { execFileSync } from "node:child_process";

/**
 * Same-run baselines from `openssl speed` (one process, one core), so that every figure in a report
 * can be read relative to what this machine's OpenSSL does at the primitive the log is built on.
 *
 * OpenSSL 3.0 supports both flags used here:
 * - `-bytes 64` replaces the usual block-size ladder (16 … 16384) with a single 64-byte buffer
 *   (the `+H:` header line then lists only 64), which matches Merkle work: an interior node hashes
 *   65 bytes, a 200-byte leaf 201;
 * - `-mr` prints machine-readable `+H`/`+F…` lines, far steadier to parse than the human table.
 * When either is refused (an older or trimmed-down build), the parsers fall back to the human table.
 */

export class BaselineError extends Error {}

export interface Ed25519Rates {
  /** Signatures per second (one core). */
  readonly signPerSec: number;
  /** Verifications per second (one core). */
  readonly verifyPerSec: number;
}

function openssl(args: readonly string[]): string {
  try {
    // openssl speed writes the results to stdout and its "Doing …" chatter to stderr.
    return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT") throw new BaselineError("openssl is not on PATH: the baselines need `openssl speed`");
    throw new BaselineError(`\`openssl ${args.join(" ")}\` failed: ${(err.stderr ?? err.message).trim().slice(0, 500)}`);
  }
}

/** The OpenSSL version line (e.g. "OpenSSL 3.0.19 27 Jan 2026 …"), for the report header. */
export function opensslVersion(): string {
  return openssl(["version"]).trim();
}

/**
 * SHA-256 hashes per second on 64-byte inputs, one core:
 * `openssl speed -mr -seconds N -bytes 64 sha256`, falling back to the 64-byte column of the
 * standard table (`openssl speed -seconds N sha256`).
 */
export function sha256HashesPerSec64(seconds = 2): number {
  const attempts: [string[], (out: string) => number | undefined][] = [
    [["speed", "-mr", "-seconds", String(seconds), "-bytes", "64", "sha256"], parseSha256MachineReadable],
    [["speed", "-seconds", String(seconds), "sha256"], parseSha256Table],
  ];
  return firstParsed("sha256", attempts);
}

/** Ed25519 signatures and verifications per second, one core: `openssl speed -mr -seconds N ed25519`. */
export function ed25519Rates(seconds = 2): Ed25519Rates {
  const attempts: [string[], (out: string) => Ed25519Rates | undefined][] = [
    [["speed", "-mr", "-seconds", String(seconds), "ed25519"], parseEd25519MachineReadable],
    [["speed", "-seconds", String(seconds), "ed25519"], parseEd25519Table],
  ];
  return firstParsed("ed25519", attempts);
}

function firstParsed<T>(what: string, attempts: [string[], (out: string) => T | undefined][]): T {
  const failures: string[] = [];
  for (const [args, parse] of attempts) {
    let out: string;
    try {
      out = openssl(args);
    } catch (e) {
      if (e instanceof BaselineError && /not on PATH/.test(e.message)) throw e;
      failures.push((e as Error).message);
      continue;
    }
    const value = parse(out);
    if (value !== undefined) return value;
    failures.push(`could not parse the output of \`openssl ${args.join(" ")}\`:\n${out.trim().slice(0, 800)}`);
  }
  throw new BaselineError(`no ${what} baseline from openssl:\n- ${failures.join("\n- ")}`);
}

const positive = (n: number): number | undefined => (Number.isFinite(n) && n > 0 ? n : undefined);

/**
 * `-mr` output: `+H:64` (block sizes, colon-separated) then `+F:<i>:sha256:<bytes/s per size>`.
 * Hashes/s = bytes/s ÷ 64 at the 64-byte column.
 */
export function parseSha256MachineReadable(out: string): number | undefined {
  const header = /^\+H((?::\d+)+)\s*$/m.exec(out);
  const sizes = header?.[1]!.slice(1).split(":").map(Number);
  const line = /^\+F:\d+:sha256:([\d.:eE+-]+)\s*$/im.exec(out);
  if (!sizes || !line) return undefined;
  const rates = line[1]!.split(":").map(Number);
  const col = sizes.indexOf(64);
  if (col < 0 || rates.length !== sizes.length) return undefined;
  return positive(rates[col]! / 64);
}

/**
 * Human table: a `type  16 bytes  64 bytes …` header and a `sha256  123.45k  …` row, in 1000s of
 * bytes per second. Hashes/s = value × 1000 ÷ 64 at the 64-byte column.
 */
export function parseSha256Table(out: string): number | undefined {
  const header = /^type\s+(.*bytes.*)$/m.exec(out);
  const row = /^sha256\s+(.+)$/m.exec(out);
  if (!header || !row) return undefined;
  const sizes = [...header[1]!.matchAll(/(\d+)\s+bytes/g)].map((m) => Number(m[1]));
  const cells = row[1]!.trim().split(/\s+/).map((c) => Number(c.replace(/k$/, "")));
  const col = sizes.indexOf(64);
  if (col < 0 || cells.length !== sizes.length) return undefined;
  return positive((cells[col]! * 1000) / 64);
}

/** `-mr` output: `+F6:<i>:253:Ed25519:<sign/s>:<verify/s>`. */
export function parseEd25519MachineReadable(out: string): Ed25519Rates | undefined {
  const m = /^\+F6:\d+:\d+:Ed25519:([\d.eE+-]+):([\d.eE+-]+)\s*$/m.exec(out);
  if (!m) return undefined;
  const signPerSec = positive(Number(m[1]));
  const verifyPerSec = positive(Number(m[2]));
  return signPerSec && verifyPerSec ? { signPerSec, verifyPerSec } : undefined;
}

/** Human table: ` 253 bits EdDSA (Ed25519)   0.0000s   0.0001s  44796.0  16776.0` (last two: sign/s, verify/s). */
export function parseEd25519Table(out: string): Ed25519Rates | undefined {
  const m = /^.*\(Ed25519\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)\s*$/m.exec(out);
  if (!m) return undefined;
  const signPerSec = positive(Number(m[1]));
  const verifyPerSec = positive(Number(m[2]));
  return signPerSec && verifyPerSec ? { signPerSec, verifyPerSec } : undefined;
}

/**
 * Ed25519 verifications per second of the whole machine: `openssl speed -mr -elapsed -multi <cores>`,
 * one process per core at once, each divided by wall-clock time and summed (the last `+F6` line).
 * Beside the one-core rate it says how much of a second core a second process really gets here (on a
 * shared virtual machine, less than all of it): the most any two busy threads can do.
 */
export function ed25519VerifyPerSecAllCores(cores: number, seconds = 2): number {
  const out = openssl(["speed", "-mr", "-elapsed", "-multi", String(cores), "-seconds", String(seconds), "ed25519"]);
  const lines = out.split("\n").filter((l) => l.startsWith("+F6:"));
  const rates = lines.length > 0 ? parseEd25519MachineReadable(lines[lines.length - 1]!) : undefined;
  if (!rates) throw new BaselineError(`could not parse the output of \`openssl speed -multi ${cores}\`:\n${out.trim().slice(0, 800)}`);
  return rates.verifyPerSec;
}
