import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import type { LevelWithSilent } from "pino";
import Type, { type Static } from "typebox";
import { Value } from "typebox/value";
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
  /** Witnesses this log submits each checkpoint to (C2SP tlog-witness), each a verifier key and a submission prefix URL. */
  readonly witnesses: readonly WitnessConfig[];
  /** The policy: how many of `witnesses` must cosign a checkpoint before /log/checkpoint serves it (undefined: all). */
  readonly witnessQuorum: number | undefined;
  /** How often the log looks for checkpoints its witnesses have not cosigned yet. */
  readonly witnessIntervalMs: number;
  /** Acting as a witness, also cosign with ML-DSA-44 (creates DIR/witness-ml-dsa.key). */
  readonly witnessMlDsa: boolean;
  /** Nodes this one gossips checkpoints with (base URLs): it pulls their /log/checkpoint and pushes what it holds. */
  readonly gossip: readonly string[];
  /** How often a gossip round runs. */
  readonly gossipIntervalMs: number;
  /** Event streams (GET /api/v1/events): a `: keep-alive` comment this often on a quiet stream. */
  readonly eventsKeepAliveMs: number;
  /** How often each process looks for new records and notices to wake its streams. */
  readonly eventsPollMs: number;
  /** Most event streams one party may hold open at once (per process). */
  readonly eventsPerParty: number;
  /** A stream whose unsent bytes stay above this (the client does not read) ... */
  readonly eventsMaxBufferedBytes: number;
  /** ... for this long is dropped, with a last `reconnect` event naming where to resume. */
  readonly eventsStallMs: number;
  /** How long before an unmet deadline its recipient gets a `deadline` event. */
  readonly deadlineLeadMs: number;
  /** Host names webhook endpoints may use (empty: any public host). */
  readonly webhookAllowHosts: readonly string[];
  /** Let webhooks reach loopback, private and link-local addresses (off: SSRF protection). */
  readonly webhookAllowPrivate: boolean;
  /** Time limit of one webhook delivery attempt. */
  readonly webhookTimeoutMs: number;
  /** Wait before a failed delivery's second attempt; doubles at each further one. */
  readonly webhookRetryBaseMs: number;
  /** Attempts before a delivery is marked failed. */
  readonly webhookMaxAttempts: number;
  /** How often new events are queued for webhooks and due deliveries sent. */
  readonly webhookIntervalMs: number;
  /** How often the outbox looks for records to deliver to peer nodes and for due retries. */
  readonly outboxIntervalMs: number;
  /** The longest wait between two attempts of a failing delivery (the backoff doubles up to it, with jitter). */
  readonly deliveryBackoffCapMs: number;
  /**
   * How long one delivery to a peer may take before it counts as failed. Over a cut link nothing comes
   * back, not even a refusal: this is how soon the outbox notices and starts backing off.
   */
  readonly deliveryTimeoutMs: number;
}

/** One witness of this log: its cosigner vkey (type 0x04 or 0x06) and its submission prefix (POST <url>/add-checkpoint). */
export interface WitnessConfig {
  readonly vkey: string;
  readonly url: string;
}

/** pino's levels (the node logs through Fastify's pino logger). */
export type LogLevel = LevelWithSilent;
export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const satisfies readonly LogLevel[];

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
  eventsKeepAliveMs: 15_000,
  eventsPollMs: 250,
  eventsPerParty: 4,
  eventsMaxBufferedBytes: 1024 * 1024,
  eventsStallMs: 30_000,
  deadlineLeadMs: 3_600_000,
  webhookAllowHosts: [],
  webhookAllowPrivate: false,
  webhookTimeoutMs: 10_000,
  webhookRetryBaseMs: 1000,
  webhookMaxAttempts: 8,
  webhookIntervalMs: 500,
  gossip: [],
  gossipIntervalMs: 5000,
  witnesses: [],
  witnessQuorum: undefined,
  witnessIntervalMs: 1000,
  witnessMlDsa: false,
  outboxIntervalMs: 250,
  deliveryBackoffCapMs: 60_000,
  deliveryTimeoutMs: 10_000,
};

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * What a valid configuration is, field by field (TypeBox, checked after the defaults are merged in).
 * `must` is what the field must be, in words: the CONFIG_INVALID message names the field and says it.
 */
const integer = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum, must: `an integer in [${minimum}, ${maximum}]` });
const text = (must = "a non-empty string", pattern?: string) => Type.String({ minLength: 1, ...(pattern === undefined ? {} : { pattern }), must });

const CONFIG_SCHEMA = Type.Object(
  {
    dataDir: text(),
    db: Type.Optional(text("a postgres:// or postgresql:// URL", POSTGRES_URL.source)),
    leaseTtlMs: integer(500, 600_000),
    advertiseUrl: Type.Optional(text("an http(s) URL", "^https?://[^\\s]+$")),
    host: text(),
    port: integer(0, 65535),
    origin: Type.Optional(text("a non-empty string with no spaces and no '+'", "^[^\\s+]+$")),
    checkpointIntervalMs: integer(0, 3_600_000),
    internalAppend: Type.Boolean({ must: "true or false" }),
    maxBodyBytes: integer(1024, 1024 * 1024 * 1024),
    escalationIntervalMs: integer(0, 3_600_000),
    checkWorkers: integer(0, 64),
    logLevel: Type.Union(
      LOG_LEVELS.map((level) => Type.Literal(level)),
      { must: `one of ${LOG_LEVELS.join(", ")}` },
    ),
    witnesses: Type.Array(
      Type.Object({ vkey: text(), url: text("an http(s) URL", "^https?://[^\\s]+$") }, { additionalProperties: false }),
      { must: "a list of {vkey, url}" },
    ),
    witnessQuorum: Type.Optional(integer(1, 1000)),
    witnessIntervalMs: integer(50, 3_600_000),
    witnessMlDsa: Type.Boolean({ must: "true or false" }),
    eventsKeepAliveMs: integer(10, 600_000),
    eventsPollMs: integer(10, 60_000),
    eventsPerParty: integer(1, 1000),
    eventsMaxBufferedBytes: integer(1024, 1024 * 1024 * 1024),
    eventsStallMs: integer(10, 3_600_000),
    deadlineLeadMs: integer(0, 30 * 86_400_000),
    webhookAllowHosts: Type.Array(text(), { must: "a list of host names" }),
    webhookAllowPrivate: Type.Boolean({ must: "true or false" }),
    webhookTimeoutMs: integer(100, 300_000),
    webhookRetryBaseMs: integer(10, 3_600_000),
    webhookMaxAttempts: integer(1, 100),
    webhookIntervalMs: integer(10, 3_600_000),
    gossip: Type.Array(text("an http(s) URL", "^https?://[^\\s]+$"), { must: "a list of http(s) URLs" }),
    gossipIntervalMs: integer(50, 3_600_000),
    outboxIntervalMs: integer(10, 3_600_000),
    deliveryBackoffCapMs: integer(100, 86_400_000),
    deliveryTimeoutMs: integer(100, 600_000),
  },
  { additionalProperties: false },
);

type Field = keyof typeof CONFIG_SCHEMA.properties;
const isField = (k: string): k is Field => Object.hasOwn(CONFIG_SCHEMA.properties, k);
/** A field's schema with the annotation TypeBox keeps but does not type. */
const fieldSchema = (k: Field) => CONFIG_SCHEMA.properties[k] as unknown as { readonly must: string; readonly type?: unknown };

/** The field an error is about and why, as a CONFIG_INVALID error. */
function invalid(field: string): TocsinError<"CONFIG_INVALID"> {
  const message = isField(field) ? `${field} must be ${fieldSchema(field).must}` : `unknown configuration key "${field}"`;
  return new TocsinError("CONFIG_INVALID", message, { details: { field } });
}

/**
 * Merges `input` over the defaults and checks the result against the schema; the first field that is
 * unknown or ill-typed fails as CONFIG_INVALID naming it (`details.field`). Integers may come as strings
 * of digits (command-line values); nothing else is converted.
 */
export function parseConfig(input: Record<string, unknown>): NodeConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    const digits = typeof v === "string" && /^\d+$/.test(v) && isField(k) && fieldSchema(k).type === "integer";
    merged[k] = digits ? Number(v) : v;
  }
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  if (!Value.Check(CONFIG_SCHEMA, merged)) {
    const [first] = Value.Errors(CONFIG_SCHEMA, merged);
    // An unknown key is reported at its own path; the others at the field's.
    throw invalid(first?.instancePath.split("/")[1] ?? "");
  }
  const c = merged as Static<typeof CONFIG_SCHEMA>;
  if (c.witnessQuorum !== undefined && c.witnessQuorum > c.witnesses.length) throw invalid("witnessQuorum");
  return { ...c, dataDir: resolve(c.dataDir), db: c.db, advertiseUrl: c.advertiseUrl, origin: c.origin, witnessQuorum: c.witnessQuorum };
}

/** Whether a --db value names a PostgreSQL database. */
export function isPostgresUrl(s: string): boolean {
  return POSTGRES_URL.test(s);
}
