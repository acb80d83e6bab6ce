import { toBase64, toHex } from "../core/crypto/bytes.js";
import { BUNDLE_FORMAT, BUNDLE_VERSION, type AccountabilityBundle, type BundleInclusionProof } from "../core/bundle/index.js";
import { WARNING_EXT } from "../core/record/index.js";
import { parseVerifierKey, type NoteSigner } from "../core/note/index.js";
import type { Reader } from "../core/tlp/index.js";
import { LogReadError } from "../log/log-errors.js";
import type { LogReader } from "../log/log-reader.js";
import type { Store, StoredRecord } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import type { PartyDirectory } from "./party-directory.js";
import type { RecordReader } from "./record-reader.js";
import { threadStatementFor } from "./thread-statement-export.js";
import { bundleKeyHistory } from "./bundle-key-history.js";
import { NODE_PARTY_SLUG } from "./node-party.js";
import { DutyLedger } from "./duty-ledger.js";
import { bundleOrigins } from "./bundle-origins.js";

export interface BundleExportDeps {
  readonly store: Store;
  readonly records: RecordReader;
  readonly parties: PartyDirectory;
  readonly log: LogReader;
  /** The log key: it signs each bundle's thread statement (docs/formats.md §3.1). */
  readonly logKey: NoteSigner;
}

/**
 * Gathers the accountability bundle of one warning: every record about it that `reader` may read (TLP
 * applies; `undefined` is the node operator exporting from its own database), their log leaves, the
 * first checkpoint covering each record and the latest one, an inclusion proof of each record in both,
 * consistency proofs between consecutive checkpoints, and the keys of every party involved — and the
 * log's signed statement that these (with the leaves TLP withholds) are every record about the warning
 * up to the latest checkpoint.
 */
export async function exportBundle(d: BundleExportDeps, reader: Reader | undefined, warningId: string, now: Date): Promise<AccountabilityBundle> {
  const warning = reader ? await d.records.get(reader, warningId) : (await d.store.recordVersions(warningId)).at(-1);
  if (!warning || warning.kind !== "warning") throw new ExchangeError("RECORD_NOT_FOUND", `no warning ${warningId}`);
  // The checkpoint first: the bundle is the thread up to it (a record logged meanwhile waits for the next export).
  const latest = await d.log.latestCheckpoint();
  const about = (await d.store.recordsAbout(warningId)).filter((r) => r.logIndex < latest.size);
  if (about.length === 0) throw new LogReadError("LOG_NO_CHECKPOINT", `no checkpoint covers warning ${warningId} yet: export it after the next checkpoint`);
  const records = reader ? await d.records.filter(reader, about) : about;
  const leaves = new Map<number, Uint8Array>();

  const sizes = new Set<number>([latest.size]);
  const firstCovering = new Map<number, number>();
  for (const r of records) {
    const [first] = await d.store.listCheckpoints(r.logIndex, 1);
    if (first) {
      sizes.add(first.size);
      firstCovering.set(r.logIndex, first.size);
    }
  }
  const ordered = [...sizes].sort((a, b) => a - b);
  const notes: string[] = [];
  for (const size of ordered) notes.push((await d.log.checkpointAt(size))!.note);
  const consistency = [];
  for (let i = 1; i < ordered.length; i++) {
    const p = await d.log.consistencyProof(ordered[i - 1]!, ordered[i]!);
    consistency.push({ from: p.from, to: p.to, hashes: p.hashes.map(toHex) });
  }
  const inclusion: BundleInclusionProof[] = [];
  const entries = [];
  for (const r of records) {
    const leaf = await d.log.entry(r.logIndex);
    leaves.set(r.logIndex, leaf.data);
    entries.push({ index: r.logIndex, leaf: toBase64(leaf.data), record: JSON.parse(r.body) as Record<string, unknown> });
    for (const size of new Set([firstCovering.get(r.logIndex) ?? latest.size, latest.size])) {
      const p = await d.log.inclusionProof(r.logIndex, size);
      inclusion.push({ index: r.logIndex, size, hashes: p.hashes.map(toHex) });
    }
  }
  // What TLP keeps from this reader still shows as log entries: public leaves with inclusion proofs.
  const shown = new Set(records.map((r) => r.logIndex));
  const withheld = [];
  for (const r of about) {
    if (shown.has(r.logIndex)) continue;
    const leaf = await d.log.entry(r.logIndex);
    leaves.set(r.logIndex, leaf.data);
    withheld.push({ index: r.logIndex, leaf: toBase64(leaf.data) });
    const p = await d.log.inclusionProof(r.logIndex, latest.size);
    inclusion.push({ index: r.logIndex, size: latest.size, hashes: p.hashes.map(toHex) });
  }
  // The duty to warn this warning discharged, when the exporter may read its decision.
  const dutyRecords = await dutyRecordsOf(d, reader, warningId, latest.size);
  const duty = [];
  for (const r of dutyRecords) {
    const leaf = await d.log.entry(r.logIndex);
    duty.push({ index: r.logIndex, leaf: toBase64(leaf.data), record: JSON.parse(r.body) as Record<string, unknown> });
    const p = await d.log.inclusionProof(r.logIndex, latest.size);
    inclusion.push({ index: r.logIndex, size: latest.size, hashes: p.hashes.map(toHex) });
  }
  const node = await d.parties.require(NODE_PARTY_SLUG);
  const parties = [];
  for (const id of partiesOf([...records, ...dutyRecords], node.id)) parties.push(await d.parties.identity(id));
  const keyHistory = await bundleKeyHistory(d, [...records, ...dutyRecords].map((r) => r.author), latest.size);
  inclusion.push(...keyHistory.proofs);
  const origins = await bundleOrigins(d.store, records);
  const vkey = await d.store.getMeta("log.vkey");
  if (!vkey) throw new ExchangeError("RECORD_NOT_FOUND", "the log has no published key yet");
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    warning: warningId,
    exported_at: now.toISOString(),
    log: { verifier_key: vkey, node_party: node.id },
    parties,
    // The keys of the witnesses whose cosignatures the checkpoints carry; an auditor trusts only those it names itself.
    witnesses: await bundleWitnesses(d.store, ordered),
    records: entries,
    checkpoints: notes,
    inclusion_proofs: inclusion,
    consistency_proofs: consistency,
    ...(withheld.length ? { withheld } : {}),
    thread_statement: threadStatementFor(d.logKey, warningId, latest, about.map((r) => leaves.get(r.logIndex)!)),
    key_history: keyHistory.entries,
    ...(duty.length ? { duty } : {}),
    ...(origins.length > 0 ? { origins } : {}),
  };
}

/**
 * The records of the determination a warn decision discharged with this warning — as far as `reader`
 * may read them, and only if it may read the decision — logged under the latest checkpoint, in log order.
 */
async function dutyRecordsOf(d: BundleExportDeps, reader: Reader | undefined, warningId: string, size: number): Promise<StoredRecord[]> {
  const fold = await new DutyLedger(d.store).fold();
  const c = [...fold.cases.values()].find((x) => x.case.decision?.decision === "warn" && x.case.decision.warnings.includes(warningId));
  if (!c) return [];
  const covered = c.records.filter((r) => r.logIndex < size);
  const visible = reader ? await d.records.filter(reader, covered) : covered;
  return visible.some((r) => r.id === c.case.decision!.id) ? visible : [];
}

async function bundleWitnesses(store: Store, sizes: readonly number[]): Promise<string[]> {
  const keys = new Set<string>();
  for (const size of sizes) for (const c of await store.cosignaturesAt(size)) keys.add(c.witness);
  // The bundle format lists signed-note vkeys (types 0x01/0x04); ML-DSA-44 lines stay in the notes, unlisted.
  return [...keys].filter(isNoteVerifierKey).sort();
}

function isNoteVerifierKey(vkey: string): boolean {
  try {
    parseVerifierKey(vkey);
    return true;
  } catch {
    return false;
  }
}

/** Every author, every recipient named by a version of the warning, and the node. */
function partiesOf(records: readonly StoredRecord[], nodeId: string): string[] {
  const ids = new Set<string>();
  for (const r of records) {
    ids.add(r.author);
    if (r.kind === "warning") for (const p of ((JSON.parse(r.body) as Record<string, any>).extensions?.[WARNING_EXT]?.recipient_refs ?? []) as string[]) ids.add(p);
  }
  ids.add(nodeId);
  return [...ids].sort();
}
