import type { BundleInclusionProof, BundleOrigin } from "../core/bundle/index.js";
import { toBase64 } from "../core/crypto/index.js";
import { foldPeerKeyHistory, type PeerKeyRecord } from "../core/federation/index.js";
import { openCheckpoint, parseVerifierKey } from "../core/note/index.js";
import type { ForeignRecordRow, Store, StoredRecord } from "../store/store.js";

/**
 * The `origins` of a bundle (docs/formats.md §3.4): for the records among `records` that peer nodes
 * delivered, grouped by origin log — the origin's pinned key and node party, the checkpoints their origin
 * proofs are against (and the one the key history was proven in), each record's origin leaf and index,
 * and the key history of their authors (and whoever endorsed their keys) as pinned, with inclusion
 * proofs. A record whose origin is no longer a peer is left out of `origins`: the audit then says its
 * author's key is not shown.
 */
export async function bundleOrigins(store: Store, records: readonly StoredRecord[]): Promise<BundleOrigin[]> {
  const byOrigin = new Map<string, { local: number; row: ForeignRecordRow; author: string }[]>();
  for (const r of records) {
    const row = await store.foreignRecord(r.digest);
    if (row) byOrigin.set(row.origin, [...(byOrigin.get(row.origin) ?? []), { local: r.logIndex, row, author: r.author }]);
  }
  const origins: BundleOrigin[] = [];
  for (const [origin, rows] of byOrigin) {
    const peer = await store.peer(origin);
    if (!peer) continue;
    const vkey = parseVerifierKey(peer.vkey);
    const sizeOf = (note: string) => openCheckpoint(note, vkey, origin).checkpoint.size;
    const checkpoints = new Map<number, string>();
    const proofs: BundleInclusionProof[] = [];
    for (const { row } of rows) {
      checkpoints.set(row.size, row.checkpoint);
      proofs.push({ index: row.originIndex, size: row.size, hashes: row.hashes });
    }
    const entries = JSON.parse(peer.keyHistory) as PeerKeyRecord[];
    const pinnedSize = sizeOf(peer.checkpoint);
    checkpoints.set(pinnedSize, peer.checkpoint);
    const histories = foldPeerKeyHistory(peer.nodeParty, entries);
    const wanted = new Set<string>([...rows.map((r) => r.author), peer.nodeParty]);
    const indices = new Set<number>();
    for (const queue = [...wanted]; queue.length > 0; ) {
      for (const k of histories.get(queue.pop()!)?.keys ?? []) {
        indices.add(k.since);
        if (!wanted.has(k.endorsedBy.party)) {
          wanted.add(k.endorsedBy.party);
          queue.push(k.endorsedBy.party);
        }
      }
    }
    const keyHistory = entries.filter((e) => indices.has(e.index));
    for (const e of keyHistory) proofs.push({ index: e.index, size: pinnedSize, hashes: e.hashes ?? [] });
    origins.push({
      origin,
      verifier_key: peer.vkey,
      node_party: peer.nodeParty,
      checkpoints: [...checkpoints].sort((a, b) => a[0] - b[0]).map(([, note]) => note),
      key_history: keyHistory.map((e) => ({ index: e.index, leaf: e.leaf, record: e.record })),
      inclusion_proofs: proofs,
      records: rows.map(({ local, row }) => ({ local_index: local, index: row.originIndex, leaf: toBase64(row.originLeaf) })),
    });
  }
  return origins;
}
