import { timingSafeEqual } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { fromBase64, fromHex, toHex } from "../core/crypto/bytes.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { AppendEntry, Appended, Sequencer } from "./sequencer.js";
import type { NewRecord } from "../store/store.js";

/** Where the entries go: the local sequencer when this process holds the lease, else the leader. */
export interface LeaderLocator {
  leaderUrl(): Promise<string | undefined>;
}

export const SEQUENCE_PATH = "/internal/v1/cluster/sequence";
export const SECRET_HEADER = "x-tocsin-node-secret";

/** The leader's check of a hand-over: the presented node secret, compared in constant time. */
export function secretMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Kept-alive connections to the leader: a handover must not cost a TCP handshake. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * The log appender of a process sharing a PostgreSQL database with others. Every process admits
 * records itself (validation, signatures and lifecycle checks run where the request arrived, under
 * cross-process locks); only the append is single-writer. When this process sequences, entries go to
 * its own sequencer; otherwise they are handed to the sequencing process over HTTP (authenticated by
 * the node secret) and its group commit. Either way the promise resolves only once the entries are
 * durable, with their indices.
 *
 * During a failover a hand-over waits (up to `waitMs`) for a new leader. A hand-over whose connection
 * broke after sending may or may not have been committed: it fails (503), and the client's retry is
 * safe because admission is idempotent by record digest.
 */
export class ClusterAppender {
  constructor(
    private readonly local: Sequencer,
    private readonly leader: LeaderLocator,
    private readonly secret: string,
    private readonly waitMs = 10_000,
  ) {}

  appendMany(leaves: readonly Uint8Array[]): Promise<Appended[]> {
    return this.appendEntries(leaves.map((leaf) => ({ leaf })));
  }

  async appendEntries(entries: readonly AppendEntry[]): Promise<Appended[]> {
    if (this.local.running) return this.local.appendEntries(entries);
    const body = Buffer.from(JSON.stringify({ entries: entries.map(encodeEntry) }));
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      if (this.local.running) return this.local.appendEntries(entries);
      const url = await this.leader.leaderUrl();
      if (url !== undefined) {
        let r: { status: number; body: string };
        try {
          r = await post(new URL(SEQUENCE_PATH, url), body, this.secret);
        } catch (e) {
          // Refused: the leader is gone and saw nothing, so trying the next one is safe.
          if ((e as NodeJS.ErrnoException).code !== "ECONNREFUSED") {
            throw new TocsinError("SEQUENCER_NOT_LEADER", "the sequencing process went away during the append; retry (admission is idempotent)");
          }
          r = { status: 0, body: "" };
        }
        if (r.status === 200) return decodeAppended(r.body);
        // 503 from a process that just lost the lease: nothing was appended; look for the new leader.
        if (r.status !== 0 && r.status !== 503) {
          throw new TocsinError("SEQUENCER_HANDOVER_FAILED", `the sequencing process answered ${r.status}: ${r.body.slice(0, 200)}`, { details: { status: r.status } });
        }
      }
      if (Date.now() >= deadline) throw new TocsinError("SEQUENCER_NOT_LEADER", "no process is sequencing the log; retry later");
      await sleep(100);
    }
  }
}

interface WireRecord extends Omit<NewRecord, "digest"> {
  readonly digest: string;
}

function encodeEntry(e: AppendEntry): { leaf: string; record?: WireRecord; tombstone?: string } {
  return {
    leaf: Buffer.from(e.leaf).toString("base64"),
    ...(e.record ? { record: { ...e.record, digest: toHex(e.record.digest) } } : {}),
    ...(e.tombstone ? { tombstone: toHex(e.tombstone) } : {}),
  };
}

/** The leader's side: the entries as sent by a follower (trusted: the node secret was checked). */
export function decodeEntries(body: unknown): AppendEntry[] {
  const entries = (body as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries) || entries.length === 0) throw new TocsinError("CLUSTER_ENTRIES_MALFORMED", "entries must be a non-empty array");
  return entries.map((e: { leaf?: unknown; record?: WireRecord; tombstone?: unknown }, i) => {
    const leaf = typeof e?.leaf === "string" ? fromBase64(e.leaf) : undefined;
    if (!leaf) throw new TocsinError("CLUSTER_ENTRIES_MALFORMED", `entries[${i}].leaf is not base64`);
    const tombstone = typeof e.tombstone === "string" ? fromHex(e.tombstone) : undefined;
    if (e.tombstone !== undefined && !tombstone) throw new TocsinError("CLUSTER_ENTRIES_MALFORMED", `entries[${i}].tombstone is not hex`);
    if (e.record === undefined) return { leaf, ...(tombstone ? { tombstone } : {}) };
    const digest = fromHex(e.record.digest);
    if (!digest) throw new TocsinError("CLUSTER_ENTRIES_MALFORMED", `entries[${i}].record.digest is not hex`);
    return { leaf, record: { ...e.record, digest }, ...(tombstone ? { tombstone } : {}) };
  });
}

export function encodeAppended(appended: readonly Appended[]): string {
  return JSON.stringify({ appended: appended.map((a) => ({ index: a.index, leafHash: toHex(a.leafHash), ...(a.addedUs !== undefined ? { addedUs: a.addedUs } : {}) })) });
}

function decodeAppended(text: string): Appended[] {
  const parsed = JSON.parse(text) as { appended: { index: number; leafHash: string; addedUs?: number }[] };
  return parsed.appended.map((a) => ({ index: a.index, leafHash: fromHex(a.leafHash)!, ...(a.addedUs !== undefined ? { addedUs: a.addedUs } : {}) }));
}

function post(url: URL, body: Buffer, secret: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent,
        timeout: 60_000,
        headers: { "content-type": "application/json", "content-length": body.length, [SECRET_HEADER]: secret },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("the sequencing process timed out")));
    req.on("error", reject);
    req.end(body);
  });
}
