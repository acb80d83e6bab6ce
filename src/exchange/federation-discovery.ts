import { toBase64, toHex } from "../core/crypto/index.js";
import type { LogReader } from "../log/log-reader.js";
import type { Store } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import type { PartyDirectory } from "./party-directory.js";
import type { FederationNodeDocument } from "./peer-directory.js";

/**
 * This node as a peer sees it (`GET /federation/v1/node`): its origin, log key and node party, the
 * parties it hosts, and the logged key history of them all — every registration and key change, each
 * with its leaf and an inclusion proof in the latest checkpoint — so that a peer can pin it and later
 * verify every record it delivers. All of it is public (key transparency: the records are TLP:CLEAR).
 */
export async function federationNodeDocument(d: { readonly store: Store; readonly parties: PartyDirectory; readonly log: LogReader }): Promise<FederationNodeDocument> {
  const origin = await d.store.getMeta("log.origin");
  const vkey = await d.store.getMeta("log.vkey");
  const latest = await d.store.latestCheckpoint();
  const histories = await d.parties.histories();
  if (!origin || !vkey || !latest || !histories) throw new ExchangeError("RECORD_NOT_FOUND", "the node has no signed checkpoint yet");
  const records = new Map<number, string>();
  const parties = [];
  for (const p of histories.all()) {
    if (p.id !== histories.nodeId && p.registeredAt < latest.size) parties.push({ id: p.id, slug: p.slug, name: p.name, registration: p.registeredAt });
    for (const k of p.keys) if (k.since < latest.size) records.set(k.since, k.recordId);
  }
  const key_history = [];
  for (const index of [...records.keys()].sort((a, b) => a - b)) {
    const stored = (await d.store.recordVersions(records.get(index)!)).find((r) => r.logIndex === index);
    if (!stored) continue;
    const leaf = await d.log.entry(index);
    const proof = await d.log.inclusionProof(index, latest.size);
    key_history.push({ index, leaf: toBase64(leaf.data), record: JSON.parse(stored.body) as Record<string, unknown>, hashes: proof.hashes.map(toHex) });
  }
  return { origin, log_key: vkey, node_party: histories.nodeId, checkpoint: latest.note, parties: parties.sort((a, b) => a.registration - b.registration), key_history };
}
