/**
 * `npm run bench -- record`: judging by record, at scale.
 * - the track record (overall, per recipient, per quarter, with bootstrap intervals, reliability and
 *   the Murphy decomposition) over 1 000 000 resolved warnings, against a same-run baseline: one plain
 *   pass computing the Brier score over the same forecasts (target < 2 s);
 * - the same through the node (store, TLP, lifecycle states) over 10 000 stored warnings: the first
 *   call (states folded from the store) and a warm one (the API's incremental index), beside the core
 *   alone on the same forecasts;
 * - the offline audit of a 1 000-record accountability bundle (parse + every check), against the
 *   machine's one-core OpenSSL Ed25519 verify rate measured in the same run: 1 000 verifies' worth
 *   (target < 1 s).
 * Rows go to bench/out/record.json. TOCSIN_BENCH_SCALE scales the 1 M (e.g. 0.1 for a quick run).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAction, buildAssessment, buildReceipt, buildResolution, buildWarning } from "../src/client/record-builders.js";
import { auditBundle, parseBundle } from "../src/core/bundle/index.js";
import { ed25519PublicKey } from "../src/core/crypto/ed25519.js";
import { SeededRandom, sourceTrackRecord, type ResolvedForecast } from "../src/core/scoring/index.js";
import { partyReader } from "../src/core/tlp/index.js";
import { exportBundle } from "../src/exchange/bundle-export.js";
import { readSeed } from "../src/exchange/party-key-files.js";
import { forecastOf, TrackRecords } from "../src/exchange/track-records.js";
import { WarningIndex } from "../src/exchange/warning-index.js";
import { parseConfig } from "../src/node/config.js";
import { openNode, type TocsinNode } from "../src/node/node.js";
import { ed25519Rates, opensslVersion } from "./baseline.js";
import { report, sci, type Row } from "./report.js";

const scale = Number(process.env.TOCSIN_BENCH_SCALE ?? "1");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeIt(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return median(times);
}

/** One source, ten recipients, five years; outcomes drawn from a slightly over-confident forecaster. */
function syntheticForecasts(n: number): ResolvedForecast[] {
  const rng = new SeededRandom(20240322);
  const recipients = Array.from({ length: 10 }, (_, i) => `identity--00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
  const start = Date.UTC(2020, 0, 1);
  const out: ResolvedForecast[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = rng.nextUint32() / 4294967296;
    const truth = 0.15 + 0.7 * p;
    const u = rng.nextUint32() / 4294967296;
    const outcome = u < truth ? (u < truth * 0.8 ? "materialized" : "prevented") : u > 0.995 ? "unknown" : "did-not-materialize";
    const issuedAt = start + Math.floor((i / n) * 5 * 365 * DAY);
    out[i] = {
      warningId: `report--${i}`,
      source: "identity--00000000-0000-4000-8000-00000000000a",
      recipients: [recipients[i % 10]!],
      probability: p,
      issuedAt,
      outcome,
      eventTime: outcome === "materialized" ? issuedAt + ((rng.nextUint32() % 240) + 1) * HOUR : undefined,
    };
  }
  return out;
}

export async function withNode<T>(fn: (node: TocsinNode) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-bench-record-"));
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0 }));
  // As `tocsin serve` does before listening: the check workers compile their schemas outside the timing.
  await node.warmUp();
  try {
    return await fn(node);
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function author(node: TocsinNode, slug: string) {
  const created = await node.registrar.create({ slug, name: slug.toUpperCase() });
  const seed = readSeed(created.keyFile!);
  return { row: (await node.parties.require(created.id)), author: { id: created.id, seed, publicKey: ed25519PublicKey(seed) } };
}

/** A warning to 333 recipients, each receipt, assessment and action: 1 000 records about one warning. */
export async function thousandRecordBundle(node: TocsinNode) {
  const src = await author(node, "bench-source");
  const recipients = [];
  for (let i = 0; i < 333; i++) recipients.push(await author(node, `bench-r${i}`));
  const t0 = Date.now() - 60_000;
  const warning = buildWarning(src.author, { at: t0, name: "bench warning", recipients: recipients.map((r) => r.author.id), windowStart: t0, windowEnd: t0 + 14 * DAY, probability: 0.6, tlp: "AMBER" });
  await node.admission.admit(src.row, [warning]);
  for (const r of recipients) {
    const at = t0 + 1000;
    await node.admission.admit(r.row, [
      buildReceipt(r.author, warning, at, "AMBER"),
      buildAssessment(r.author, warning.id as string, at + 1, "agree", "credible", "AMBER"),
      buildAction(r.author, warning.id as string, at + 2, { name: "guard", status: "in-progress", tlp: "AMBER" }),
    ]);
  }
  const bundle = await exportBundle({ store: node.store, records: node.records, parties: node.parties, log: node.reader, logKey: node.signer }, partyReader(src.author.id), warning.id as string, new Date());
  return JSON.stringify(bundle);
}

/** `stored` resolved warnings from one source, admitted through the node in batches. */
async function storedHistory(node: TocsinNode, stored: number) {
  const src = await author(node, "hist-source");
  const dst = await author(node, "hist-recipient");
  const t0 = Date.now() - 10 * 60_000;
  for (let i = 0; i < stored; ) {
    const batch = [];
    for (let k = 0; k < 250 && i < stored; k++, i++) {
      const w = buildWarning(src.author, { at: t0, name: `w${i}`, recipients: [dst.author.id], windowStart: t0, windowEnd: t0 + DAY, probability: (i % 9) / 10 + 0.05, tlp: "AMBER" });
      batch.push(w, buildResolution(src.author, w.id as string, t0 + 1000, i % 3 ? { outcome: "did-not-materialize", content: "-" } : { outcome: "materialized", eventTime: t0 + 500, content: "-" }));
    }
    await node.admission.admit(src.row, batch);
  }
  return src;
}

export async function runRecordBench(args: string[]): Promise<void> {
  if (args.length) throw new Error(`record takes no arguments (TOCSIN_BENCH_SCALE scales it), got ${args.join(" ")}`);
  const n = Math.round(1_000_000 * scale);
  const rows: Row[] = [];
  process.stdout.write(`record benchmark: ${n} synthetic resolved warnings; ${opensslVersion()}\n`);

  // 1. Track record over N resolved warnings, beside one plain Brier pass over the same forecasts.
  const forecasts = syntheticForecasts(n);
  const baseline = timeIt(() => {
    let s = 0;
    for (const f of forecasts) {
      const o = f.outcome === "materialized" || f.outcome === "prevented" ? 1 : 0;
      s += (f.probability - o) ** 2;
    }
    if (s < 0) throw new Error("unreachable");
  }, 5);
  let summary = "";
  const tr = timeIt(() => {
    const r = sourceTrackRecord(forecasts, { period: "quarter" });
    if (r.overall.status === "scored") summary = `Brier ${r.overall.brier.value.toFixed(4)} [${r.overall.brier.ci![0].toFixed(4)}, ${r.overall.brier.ci![1].toFixed(4)}], ${r.overall.bootstrap.resamples} resamples, ${r.byRecipient.length} recipients, ${r.byPeriod.length} quarters`;
  }, 5);
  process.stdout.write(`track record: ${summary}\n`);
  rows.push({ name: `track record, ${n} resolved warnings (overall + per recipient + per quarter, bootstrap)`, value: tr, unit: "s", baseline: `one Brier pass over the same forecasts: ${sci(baseline)} s`, ratio: tr / baseline, target: n === 1_000_000 ? "< 2 s" : undefined });

  // 2. Through the node (store, TLP, lifecycle states): a first call on an empty warning index, then a
  // warm call as the API's long-lived instance answers, beside the core alone on the same forecasts.
  await withNode(async (node) => {
    const stored = Math.max(500, Math.round(10_000 * Math.min(1, scale * 10)));
    const src = await storedHistory(node, stored);
    const tracks = new TrackRecords(new WarningIndex({ store: node.store, nodeIdentity: (await node.parties.require("node")).id }), node.store, node.records);
    const party = await node.parties.require(src.author.id);
    const reader = partyReader(src.author.id);
    let t = process.hrtime.bigint();
    const first = await tracks.trackRecord(reader, party);
    const cold = Number(process.hrtime.bigint() - t) / 1e9;
    if (first.basis.resolved !== stored) throw new Error(`expected ${stored} resolved, got ${first.basis.resolved}`);
    const warmRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = process.hrtime.bigint();
      await tracks.trackRecord(reader, party);
      warmRuns.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    const warm = median(warmRuns);
    const histories = await tracks.visibleWarnings(reader);
    const core = timeIt(() => void sourceTrackRecord(histories.map((h) => forecastOf(h)!)), 3);
    const base = `core track record over the same ${stored}: ${sci(core)} s`;
    rows.push({ name: `track record through the node, ${stored} stored warnings, first call (states folded from the store)`, value: cold, unit: "s", baseline: base, ratio: cold / core });
    rows.push({ name: `track record through the node, ${stored} stored warnings, warm (the API's index and state cache)`, value: warm, unit: "s", baseline: base, ratio: warm / core });
  });

  // 3. Offline audit of a 1 000-record bundle, beside 1 000 OpenSSL Ed25519 verifies.
  const rates = ed25519Rates(2);
  await withNode(async (node) => {
    const text = await thousandRecordBundle(node);
    const records = parseBundle(JSON.parse(text)).records.length;
    let ok = false;
    const audit = timeIt(() => {
      ok = auditBundle(parseBundle(JSON.parse(text))).ok;
    }, 5);
    if (!ok) throw new Error("the benchmark bundle did not verify");
    const verifies = records / rates.verifyPerSec;
    rows.push({ name: `offline audit, ${records}-record bundle (${(text.length / 1e6).toFixed(2)} MB)`, value: audit, unit: "s", baseline: `openssl ed25519 verify ×${records}: ${sci(verifies)} s (${sci(rates.verifyPerSec)}/s)`, ratio: audit / verifies, target: "< 1 s" });
  });

  const file = report("record", rows, { forecasts: n, openssl: opensslVersion() });
  process.stdout.write(`wrote ${file}\n`);
}
