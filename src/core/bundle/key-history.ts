import { fromBase64, fromHex } from "../crypto/index.js";
import { KeyHistories, isKeyRecord, resetNotice } from "../keys/index.js";
import { hashLeaf, verifyInclusion } from "../merkle/index.js";
import { decodeRecordLeaf, isPlainObject, readSignatureExtension, leafCommitmentProblem, recordKindOf } from "../record/index.js";
import type { AccountabilityBundle } from "./bundle-format.js";

/** A problem found in the key history (reported by the bundle audit under check "key-history"). */
export interface KeyHistoryProblem {
  readonly subject: string;
  readonly message: string;
}

export interface KeyHistoryAudit {
  readonly problems: readonly KeyHistoryProblem[];
  /** Plain-words statements of what the history rests on (the operator's registrations, resets). */
  readonly notes: readonly string[];
  /** The folded histories, for callers that label or report (undefined when the bundle had none). */
  readonly histories: KeyHistories | undefined;
}

/**
 * The key-transparency part of the bundle audit (docs/formats.md §3): replays `key_history` — every
 * registration and key change of the bundle's authors, each leaf committing to its record and proven
 * in a verified checkpoint — then checks that every record (and every withheld entry's leaf) was
 * signed by a key its author's logged history had active at that log position: introduced at a lower
 * index and not retired before it. A key that came from an operator reset (directly, or endorsed by a
 * reset key) fails the record it signed, naming the reset: such a record rests on the operator's word.
 *
 * The root of trust is stated, not hidden: each party's first key is the operator's registration.
 */
export function auditKeyHistory(bundle: AccountabilityBundle, roots: ReadonlyMap<number, Uint8Array>, foreign: ReadonlySet<number> = new Set()): KeyHistoryAudit {
  const problems: KeyHistoryProblem[] = [];
  const notes: string[] = [];
  const fail = (subject: string, message: string): void => void problems.push({ subject, message });
  const entries = (bundle as { key_history?: unknown }).key_history;
  if (!Array.isArray(entries) || entries.length === 0) {
    fail("key_history", "the bundle carries no logged key history: nothing shows that the keys its records are signed with were their authors'");
    return { problems, notes, histories: undefined };
  }
  const histories = new KeyHistories(bundle.log.node_party);
  let last = -1;
  entries.forEach((e: unknown, i) => {
    const entry = e as { index?: unknown; leaf?: unknown; record?: unknown };
    const subject = `key record ${isPlainObject(entry?.record) ? String((entry.record as Record<string, unknown>).id) : `key_history[${i}]`} (log index ${String(entry?.index)})`;
    if (!isPlainObject(entry) || typeof entry.index !== "number" || !Number.isSafeInteger(entry.index) || typeof entry.leaf !== "string" || !isPlainObject(entry.record)) {
      fail(`key_history[${i}]`, "needs index, leaf (base64) and record");
      return;
    }
    const index = entry.index;
    const record = entry.record as Record<string, unknown>;
    if (index <= last) {
      fail(subject, `out of log order (after index ${last})`);
      return;
    }
    last = index;
    if (!isKeyRecord(record)) {
      fail(subject, "not a registration or key event");
      return;
    }
    const bytes = fromBase64(entry.leaf);
    let loggedAt: string;
    try {
      if (!bytes) throw new Error("leaf is not base64");
      const leaf = decodeRecordLeaf(bytes);
      const problem = leafCommitmentProblem(leaf, record);
      if (problem) throw new Error(problem);
      loggedAt = leaf.loggedAt;
    } catch (err) {
      fail(subject, (err as Error).message);
      return;
    }
    if (!included(bundle, index, bytes, roots)) {
      fail(subject, "no inclusion proof in a verified checkpoint of the bundle");
      return;
    }
    try {
      histories.apply({ index, loggedAt, record });
    } catch (err) {
      fail(subject, `does not fit the key history: ${(err as Error).message}`);
    }
  });

  // Every signature in the bundle: a key its author's history had active at that position.
  const reported = new Set<string>();
  const checkSigner = (subject: string, author: string, keyId: string, index: number): void => {
    const verdict = histories.keyAt(author, keyId, index);
    if (!verdict.ok) {
      fail(subject, `signed with a key its author had not endorsed at this log position: ${verdict.message}`);
      return;
    }
    if (verdict.key.reset) {
      const party = histories.get(author)!;
      fail(subject, `${resetNotice(party, verdict.key)} — this record (log index ${index}) is signed with key ${keyId}`);
      reported.add(`${author} ${verdict.key.reset.index}`);
    }
  };
  for (const r of bundle.records) {
    // A record a peer delivered: its author's keys are in its origin log's history (origins.ts checks it).
    if (foreign.has(r.index)) continue;
    const obj = r.record as Record<string, unknown>;
    const subject = `${safeKind(obj)} ${String(obj.id)} (log index ${r.index})`;
    try {
      const sig = readSignatureExtension(obj);
      checkSigner(subject, sig.signer_ref, sig.key_id, r.index);
    } catch {
      // An unreadable signature is the signature check's finding.
    }
  }
  for (const r of bundle.duty ?? []) {
    const obj = r.record as Record<string, unknown>;
    try {
      const sig = readSignatureExtension(obj);
      checkSigner(`${safeKind(obj)} ${String(obj.id)} (log index ${r.index})`, sig.signer_ref, sig.key_id, r.index);
    } catch {
      // The duty audit reports an unreadable signature.
    }
  }
  for (const w of bundle.withheld ?? []) {
    const bytes = fromBase64(w.leaf);
    try {
      const leaf = decodeRecordLeaf(bytes!);
      if (leaf.kind !== "tombstone") checkSigner(`withheld entry (log index ${w.index})`, leaf.author, leaf.keyId, w.index);
    } catch {
      // The leaf check reports it.
    }
  }

  // What the history rests on, in words.
  for (const party of histories.all()) {
    const first = party.keys[0]!;
    notes.push(
      party.id === histories.nodeId
        ? `the node's own party ${party.name} registered itself with key ${first.keyId} at log index ${first.since}: the log's operator vouches for it`
        : `${party.name} (${party.slug})'s first key ${first.keyId} was registered by the node's operator at log index ${party.registeredAt}: that it is ${party.slug}'s key rests on the operator's word; every later change of it is signed by a key ${party.slug} already held, or named an operator reset`,
    );
    for (const k of party.keys) {
      if (k.reset && k.reset.keyId === k.keyId && !reported.has(`${party.id} ${k.reset.index}`)) notes.push(resetNotice(party, k));
    }
  }
  return { problems, notes, histories };
}

function included(bundle: AccountabilityBundle, index: number, leaf: Uint8Array, roots: ReadonlyMap<number, Uint8Array>): boolean {
  for (const p of bundle.inclusion_proofs) {
    if (p.index !== index) continue;
    const root = roots.get(p.size);
    if (!root) continue;
    try {
      verifyInclusion(index, p.size, hashLeaf(leaf), p.hashes.map((h) => fromHex(h)!), root);
      return true;
    } catch {
      // try the next proof
    }
  }
  return false;
}

function safeKind(obj: unknown): string {
  try {
    return recordKindOf(obj);
  } catch {
    return "other";
  }
}
