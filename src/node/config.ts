import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { TocsinError } from "../core/errors/tocsin-error.js";

/** Everything a node is started with: one typed object, defaults in one place, validated at start. */
export interface NodeConfig {
  /** Directory of the embedded SQLite database and the log key. */
  readonly dataDir: string;
  /**
   * A PostgreSQL URL (postgres://…): the node's store is then that database, and several processes may
   * share it; `dataDir` still holds the log key and custodial party keys. Undefined: SQLite in `dataDir`.
   */
  readonly db: string | undefined;
  /** How long the sequencing lease lasts without renewal: a dead leader's successor takes over within it. */
  readonly leaseTtlMs: number;
  /**
   * The base URL other processes of a shared database reach this one at, when it sequences (they
   * hand it their admitted entries). Undefined: the address it listens on (right for processes on one host).
   */
  readonly advertiseUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  /** The log's origin line (and key name); fixed when the log is created. */
  readonly origin: string | undefined;
  /** 0 signs a checkpoint after every batch; more spaces them out (at most one per interval). */
  readonly checkpointIntervalMs: number;
  /** Exposes POST /internal/v1/log/entries (raw appends for tests and benchmarks). Off in production. */
  readonly internalAppend: boolean;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** How often missed deadlines are looked for (0: only at start and on demand). */
  readonly escalationIntervalMs: number;
  /** Worker threads that validate and verify incoming records (0: on the main thread). */
  readonly checkWorkers: number;
  /** The HTTP log's level (JSON lines on stderr, each with its request id); every 5xx is logged at `error`. */
  readonly logLevel: LogLevel;
}

export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_CONFIG: NodeConfig = {
  dataDir: "./data",
  db: undefined,
  leaseTtlMs: 5_000,
  advertiseUrl: undefined,
  host: "127.0.0.1",
  port: 8080,
  origin: undefined,
  checkpointIntervalMs: 0,
  internalAppend: false,
  maxBodyBytes: 16 * 1024 * 1024,
  escalationIntervalMs: 1000,
  // One per core: the main thread mostly waits on HTTP and the disk while the workers verify.
  checkWorkers: Math.min(8, availableParallelism()),
  logLevel: "warn",
};

function invalid(message: string): TocsinError {
  return new TocsinError("CONFIG_INVALID", message);
}

/** Merges `input` over the defaults; unknown keys and ill-typed values fail with a message that says what to fix. */
export function parseConfig(input: Record<string, unknown>): NodeConfig {
  const known = new Set(Object.keys(DEFAULT_CONFIG));
  for (const key of Object.keys(input)) if (!known.has(key)) throw invalid(`unknown configuration key "${key}"`);
  const c = { ...DEFAULT_CONFIG, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
  const str = (k: string): string => {
    if (typeof c[k] !== "string" || (c[k] as string).length === 0) throw invalid(`${k} must be a non-empty string`);
    return c[k] as string;
  };
  const int = (k: string, min: number, max: number): number => {
    const v = typeof c[k] === "string" && /^\d+$/.test(c[k] as string) ? Number(c[k]) : c[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw invalid(`${k} must be an integer in [${min}, ${max}]`);
    return v;
  };
  const bool = (k: string): boolean => {
    if (typeof c[k] !== "boolean") throw invalid(`${k} must be true or false`);
    return c[k] as boolean;
  };
  const oneOf = <T extends string>(k: string, values: readonly T[]): T => {
    if (!values.includes(c[k] as T)) throw invalid(`${k} must be one of ${values.join(", ")}`);
    return c[k] as T;
  };
  const origin = c.origin === undefined ? undefined : str("origin");
  if (origin !== undefined && /[\s+]/.test(origin)) throw invalid("origin must contain no spaces and no '+'");
  const db = c.db === undefined ? undefined : str("db");
  if (db !== undefined && !isPostgresUrl(db)) throw invalid("db must be a postgres:// or postgresql:// URL");
  const advertiseUrl = c.advertiseUrl === undefined ? undefined : str("advertiseUrl");
  if (advertiseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(advertiseUrl)) throw invalid("advertiseUrl must be an http(s) URL");
  return {
    dataDir: resolve(str("dataDir")),
    db,
    leaseTtlMs: int("leaseTtlMs", 500, 600_000),
    advertiseUrl,
    host: str("host"),
    port: int("port", 0, 65535),
    origin,
    checkpointIntervalMs: int("checkpointIntervalMs", 0, 3_600_000),
    internalAppend: bool("internalAppend"),
    maxBodyBytes: int("maxBodyBytes", 1024, 1024 * 1024 * 1024),
    escalationIntervalMs: int("escalationIntervalMs", 0, 3_600_000),
    checkWorkers: int("checkWorkers", 0, 64),
    logLevel: oneOf("logLevel", LOG_LEVELS),
  };
}

/** Whether a --db value names a PostgreSQL database. */
export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//.test(s);
}
