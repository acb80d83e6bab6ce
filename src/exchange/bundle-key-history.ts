import { toBase64, toHex } from "../core/crypto/bytes.js";
import type { BundleInclusionProof, BundleRecord } from "../core/bundle/index.js";
import type { LogReader } from "../log/log-reader.js";
import type { Store } from "../store/store.js";
import type { PartyDirectory } from "./party-directory.js";

/**
 * The key history a bundle carries (`key_history`, docs/formats.md §3): for every author of its records
 * — and, in turn, every party that signed one of their key records (the node's party, an organisation)
 * — the logged registration and key changes, each with its log leaf and an inclusion proof in the
 * bundle's latest checkpoint. With them the auditor replays which key each author had endorsed at each
 * log position, instead of taking the exporter's word in `parties`.
 */
export async function bundleKeyHistory(
  d: { readonly store: Store; readonly parties: PartyDirectory; readonly log: LogReader },
  authors: Iterable<string>,
  latestSize: number,
): Promise<{ entries: BundleRecord[]; proofs: BundleInclusionProof[] }> {
  const histories = await d.parties.histories();
  if (!histories) return { entries: [], proofs: [] };
  const wanted = new Set<string>([...authors, histories.nodeId]);
  const records = new Map<number, string>(); // log index → record id
  for (const queue = [...wanted]; queue.length > 0; ) {
    const party = histories.get(queue.pop()!);
    if (!party) continue;
    for (const k of party.keys) {
      if (k.since >= latestSize) continue; // not yet under the checkpoint the bundle proves against
      records.set(k.since, k.recordId);
      if (!wanted.has(k.endorsedBy.party)) {
        wanted.add(k.endorsedBy.party);
        queue.push(k.endorsedBy.party);
      }
    }
  }
  const entries: BundleRecord[] = [];
  const proofs: BundleInclusionProof[] = [];
  for (const index of [...records.keys()].sort((a, b) => a - b)) {
    const stored = (await d.store.recordVersions(records.get(index)!)).find((r) => r.logIndex === index);
    if (!stored) continue;
    const leaf = await d.log.entry(index);
    entries.push({ index, leaf: toBase64(leaf.data), record: JSON.parse(stored.body) as Record<string, unknown> });
    const p = await d.log.inclusionProof(index, latestSize);
    proofs.push({ index, size: latestSize, hashes: p.hashes.map(toHex) });
  }
  return { entries, proofs };
}
