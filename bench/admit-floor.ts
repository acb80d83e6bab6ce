/**
 * `npm run bench -- admit --only=floor`: what one signed record costs at the least, step by step, on one
 * thread, with the node's own code — the floor under any admission of these records on this machine.
 *
 * Each step runs alone over the same signed warnings the HTTP phases post (after a warm-up) and is
 * charged the process's CPU time (`process.cpuUsage`: garbage collection on V8's helper threads
 * included): the JSON parse of the record's text and the body's depth guard, schema validation, the
 * one canonicalisation (stored body and signing bytes), SHA-256 of the body, the Ed25519 verify, the
 * log leaf, one structured clone (the least a record costs to reach a second thread, which it must
 * to use the second core), and the durable append (the sequencer: Merkle tree, checkpoint signature,
 * SQLite inserts and fsync on its own thread) in batches of 1 000.
 *
 * Why: target 1 asks two cores to admit as many records a second as one core verifies, i.e. everything
 * a record costs beyond its verify must fit in one verify's time. This phase prints that sum from the
 * same run, so the gap between it and the HTTP phases (HTTP, lifecycle, hand-overs, their garbage) is
 * read off the same machine at the same hour.
 */
import Fastify from "fastify";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { rfc3339 } from "../src/core/clock.js";
import { sha256Utf8, toHex } from "../src/core/crypto/index.js";
import { encodeRecordLeaf, encodeRecordLeafOf, recordCanonicalForms, recordKindOf, verifyRecordSignature, type StixObject } from "../src/core/record/index.js";
import { RecordCheckPool } from "../src/exchange/record-check-pool.js";
import type { PosterKey } from "../src/exchange/record-check.js";
import { stixValidator } from "../src/exchange/stix-validator.js";
import { installJsonParser, jsonNestsDeeperThan, MAX_JSON_DEPTH } from "../src/http/input-guards.js";
import type { TocsinNode } from "../src/node/node.js";
import type { NewRecord } from "../src/store/store.js";
import type { AppendEntry } from "../src/log/sequencer.js";

export interface FloorStep {
  readonly name: string;
  /** CPU per record, µs. */
  readonly us: number;
}

/** CPU µs per item of `fn` over every item, `rounds` times (the least round: the machine is shared). */
function cpuPerItem<T>(items: readonly T[], fn: (item: T) => unknown, rounds = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const cpu = process.cpuUsage();
    for (const item of items) fn(item);
    const used = process.cpuUsage(cpu);
    best = Math.min(best, (used.user + used.system) / items.length);
  }
  return best;
}

/**
 * The per-record steps of admission, each measured alone on `records` (signed by `publicKey`'s owner),
 * then the durable append of `records` through `node`'s sequencer in batches of 1 000.
 */
export async function admissionFloor(node: TocsinNode, records: readonly StixObject[], publicKey: Uint8Array): Promise<FloorStep[]> {
  const texts = records.map((r) => JSON.stringify(r));
  const validator = stixValidator();
  const forms = records.map((r) => recordCanonicalForms(r)!);
  const digests = forms.map((f) => toHex(sha256Utf8(f.body)));
  const key = () => publicKey;
  // Warm every step once over all records, so each is measured compiled.
  const steps: [string, () => number][] = [
    ["JSON parse of the record's text", () => cpuPerItem(texts, (t) => JSON.parse(t))],
    ["depth guard on the text", () => cpuPerItem(texts, (t) => jsonNestsDeeperThan(t, MAX_JSON_DEPTH))],
    ["schema validation (the node's validator)", () => cpuPerItem(records, (r) => validator.assertValidStix(r))],
    ["canonicalisation (body and signing bytes, one pass)", () => cpuPerItem(records, (r) => recordCanonicalForms(r))],
    ["SHA-256 of the body (the digest)", () => cpuPerItem(forms, (f) => sha256Utf8(f.body))],
    ["Ed25519 verify (libsodium)", () => cpuPerItem(records.map((r, i) => [r, forms[i]!.signingBytes] as const), ([r, s]) => verifyRecordSignature(r, key, s))],
    ["log leaf (encoded)", () => cpuPerItem(records.map((r, i) => [r, digests[i]!] as const), ([r, d]) => encodeRecordLeafOf(r, "2026-01-01T00:00:00.000Z", d, { warning: r.id, seq: 0 }))],
    ["structured clone (the least hand-over to a second thread)", () => cpuPerItem(records, (r) => structuredClone(r))],
  ];
  for (const [, measure] of steps) measure();
  const out: FloorStep[] = steps.map(([name, measure]) => ({ name, us: measure() }));

  // The durable append, as the admission makes it: a batch of 1 000 leaves and records per transaction.
  out.push({ name: "durable append, 1 000 a transaction (sequencer, SQLite, fsync)", us: await appendCpuPerRecord(node, records, 1000) });
  return out;
}

/**
 * CPU per record (every thread: the sequencer's tree and checkpoint signature, the SQLite inserts and
 * the fsynced commit on the append thread) of appending `records` through `node`'s sequencer, `perTx`
 * leaves and records a transaction, one transaction at a time; the first fifth warms up, uncounted.
 * At 1 000 a transaction this is the batch-1 000 floor's append; at the records per commit the batch-1
 * phase's group commit reached, the append that phase cannot do with less, as every acknowledgement
 * waits for its fsync.
 */
export async function appendCpuPerRecord(node: TocsinNode, records: readonly StixObject[], perTx: number): Promise<number> {
  const loggedAt = rfc3339(Date.now());
  const entries = records.map((r) => {
    const { body } = recordCanonicalForms(r)!;
    const digest = sha256Utf8(body);
    const record: NewRecord = {
      digest,
      id: r.id,
      modified: (r.modified ?? r.created) as string,
      type: r.type,
      kind: recordKindOf(r),
      author: r.created_by_ref as string,
      warningRef: r.id,
      loggedAt,
      custodial: false,
      body,
    };
    return { leaf: encodeRecordLeafOf(r, loggedAt, toHex(digest), { warning: r.id, seq: 0 }), record };
  });
  const warm = Math.round(entries.length / 5 / perTx) * perTx;
  const appendAll = async (from: number, to: number) => {
    for (let i = from; i < to; i += perTx) await node.sequencer.appendEntries(entries.slice(i, Math.min(i + perTx, to)));
  };
  await appendAll(0, warm);
  const cpu = process.cpuUsage();
  await appendAll(warm, entries.length);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / (entries.length - warm);
}

/** The node's answer to one admitted record, as both floor servers send it. */
const ONE_RECORD_REPLY = JSON.stringify({
  records: [{ id: `indicator--${"0".repeat(36)}`, modified: "2026-01-01T00:00:00.000Z", kind: "warning", digest: "0".repeat(64), index: 0, leafHash: "0".repeat(64), custodial: false, duplicate: false }],
});

/**
 * The same exchange through Fastify, the node's HTTP framework, and nothing else of the node: one route,
 * the body read whole as text (its JSON parse is a step of its own above) and the same reply. What the
 * framework adds to each request beyond node:http (routing, hooks, the request and reply objects).
 */
export async function withFastifyServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.post("/api/v1/records", async (request, reply) => {
    if ((request.body as string).length === 0) return reply.code(400).send();
    return reply.code(201).header("content-type", "application/json; charset=utf-8").send(ONE_RECORD_REPLY);
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    return await fn(url);
  } finally {
    await app.close();
  }
}

/**
 * A bare `node:http` server that reads each request's body whole and answers 201 with a reply the size
 * of the node's for one record: the least an HTTP exchange costs the server, for the batch-1 floor.
 */
export async function withBareHttpServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (Buffer.concat(chunks).length === 0) res.writeHead(400).end();
      else res.writeHead(201, { "content-type": "application/json; charset=utf-8" }).end(ONE_RECORD_REPLY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * The node's own parts in the node's own arrangement, and nothing else of it: the least a two-core
 * admission costs, hand-overs included. Fastify with the node's JSON parser (depth and prototype
 * guards); each record checked on check workers of the node's pool (schema, signature, canonical form
 * and digest; a large request split across the workers, the small requests of one event-loop turn
 * sharing a task); its leaf; the append of the request's leaves and records through `node`'s sequencer
 * (group commit, the fsync on the append thread, a checkpoint signed with every commit); the node's
 * answer. What it leaves out is all the node does besides: the bearer token's lookup, the key ledger's
 * freshness, the stored versions and thread positions, the lifecycle, the locks, the outbox. Each
 * posted record (one object, or an array of them) must be new (the store refuses a digest twice) and a
 * first version of a warning signed by `posterId` with one of `keys`.
 */
export async function withPipelineServer<T>(node: TocsinNode, posterId: string, keys: readonly PosterKey[], fn: (url: string) => Promise<T>): Promise<T> {
  const checks = new RecordCheckPool(node.config.checkWorkers);
  await checks.warm();
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  installJsonParser(app);
  app.post("/api/v1/records", async (request, reply) => {
    const objects = (Array.isArray(request.body) ? request.body : [request.body]) as StixObject[];
    const results = await checks.check(posterId, keys, objects);
    const loggedAt = rfc3339(Date.now());
    const entries: AppendEntry[] = [];
    const answers: Record<string, unknown>[] = [];
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i]!;
      const check = results[i]!;
      if (check.invalid || check.signature === undefined || "failed" in check.signature || check.body === undefined || check.digest === undefined) {
        return reply.code(400).send();
      }
      const digest = toHex(check.digest);
      const modified = (obj.modified ?? obj.created) as string;
      const leaf = encodeRecordLeaf({ kind: check.kind, id: obj.id, modified, author: posterId, keyId: check.signature.keyId, custodial: false, digest, loggedAt, warning: obj.id, seq: 0 });
      entries.push({ leaf, record: { digest: check.digest, id: obj.id, modified, type: obj.type, kind: check.kind, author: posterId, warningRef: check.warningId, loggedAt, custodial: false, body: check.body } });
      answers.push({ id: obj.id, modified, kind: check.kind, digest, index: 0, leafHash: "", custodial: false, duplicate: false });
    }
    const appended = await node.sequencer.appendEntries(entries);
    appended.forEach((a, i) => Object.assign(answers[i]!, { index: a.index, leafHash: toHex(a.leafHash) }));
    return reply.code(201).header("content-type", "application/json; charset=utf-8").send(JSON.stringify({ records: answers }));
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    return await fn(url);
  } finally {
    await app.close();
    await checks.close();
  }
}
