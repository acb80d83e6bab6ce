import { fromBase64, fromHex } from "../crypto/index.js";
import { hashLeaf, verifyInclusion } from "../merkle/index.js";
import { formatVerifierKey, openCheckpoint, parseVerifierKey, type NoteVerifier } from "../note/index.js";
import { decodeRecordLeaf, leafCommitmentProblem } from "../record/index.js";
import type { AccountabilityBundle, BundleOrigin } from "./bundle-format.js";
import { auditKeyHistory } from "./key-history.js";

/** A problem found in an origin section (reported by the bundle audit under the check named). */
export interface OriginProblem {
  readonly check: "log-key" | "checkpoint" | "leaf" | "inclusion" | "key-history";
  readonly subject: string;
  readonly message: string;
}

export interface OriginsAudit {
  readonly problems: readonly OriginProblem[];
  readonly notes: readonly string[];
  /** Indices (in the bundle's own log) of records whose author is checked against an origin's key history. */
  readonly foreign: ReadonlySet<number>;
  /** Per origin: how many of the bundle's records it proves, and whether its key was pinned by the auditor. */
  readonly summary: readonly { readonly origin: string; readonly records: number; readonly pinned: boolean }[];
}

/**
 * The multi-origin part of the bundle audit (docs/formats.md §3.4). A record that a peer node delivered
 * is in the bundle's own log (the receiving node logged it on arrival) and was first logged in its
 * author's node's log: `origins` carries, per origin log, its key, its signed checkpoints, the key history
 * of the authors it hosts, and for each such record its leaf and index there with inclusion proofs. Each
 * is checked like the bundle's own log — checkpoints signed by the origin's key (the auditor's pinned
 * one when given, by origin name), the origin leaf committing to the record, the inclusion proof, and
 * the author's key active in the origin's key history at that position — so the record's signature
 * rests on its own node's log, not on the exporting node's word.
 */
export function auditOrigins(bundle: AccountabilityBundle, pinned: ReadonlyMap<string, NoteVerifier>): OriginsAudit {
  const problems: OriginProblem[] = [];
  const notes: string[] = [];
  const foreign = new Set<number>();
  const summary: { origin: string; records: number; pinned: boolean }[] = [];
  for (const o of bundle.origins ?? []) {
    const fail = (check: OriginProblem["check"], subject: string, message: string) => void problems.push({ check, subject: `${o.origin}: ${subject}`, message });
    let key: NoteVerifier | undefined;
    try {
      key = parseVerifierKey(o.verifier_key);
    } catch (e) {
      fail("log-key", "verifier_key", (e as Error).message);
    }
    const trusted = pinned.get(o.origin);
    if (trusted && key && formatVerifierKey(trusted) !== formatVerifierKey(key)) fail("log-key", "verifier_key", "the bundle names another log key for this origin than the one trusted (--peer-log-key)");
    if (!trusted) notes.push(`the log key of ${o.origin} is taken from the bundle: pin its operator's published key with --peer-log-key`);
    summary.push({ origin: o.origin, records: o.records.length, pinned: trusted !== undefined });
    const verifier = trusted ?? key;
    const roots = new Map<number, Uint8Array>();
    o.checkpoints.forEach((note, i) => {
      if (!verifier) return;
      try {
        const c = openCheckpoint(note, verifier, o.origin).checkpoint;
        roots.set(c.size, c.rootHash);
      } catch (e) {
        fail("checkpoint", `checkpoints[${i}]`, (e as Error).message);
      }
    });
    const records = [];
    for (const r of o.records) {
      const local = bundle.records.find((x) => x.index === r.local_index);
      const subject = `record at origin index ${r.index} (log index ${r.local_index} here)`;
      if (!local) {
        fail("leaf", subject, "no record of the bundle at that log index");
        continue;
      }
      foreign.add(r.local_index);
      const bytes = fromBase64(r.leaf);
      try {
        if (!bytes) throw new Error("leaf is not base64");
        const problem = leafCommitmentProblem(decodeRecordLeaf(bytes), local.record);
        if (problem) throw new Error(problem);
      } catch (e) {
        fail("leaf", subject, `the origin leaf does not commit to the record: ${(e as Error).message}`);
        continue;
      }
      let proven = false;
      for (const p of o.inclusion_proofs.filter((x) => x.index === r.index)) {
        const root = roots.get(p.size);
        if (!root) continue;
        try {
          verifyInclusion(r.index, p.size, hashLeaf(bytes), p.hashes.map((h) => fromHex(h)!), root);
          proven = true;
        } catch {
          // another proof may verify
        }
      }
      if (!proven) fail("inclusion", subject, "no inclusion proof in a verified checkpoint of the origin log");
      records.push({ index: r.index, leaf: r.leaf, record: local.record });
    }
    const history = auditKeyHistory(
      { ...bundle, log: { verifier_key: o.verifier_key, node_party: o.node_party }, key_history: o.key_history, records, withheld: [], inclusion_proofs: o.inclusion_proofs },
      roots,
    );
    for (const p of history.problems) fail("key-history", p.subject, p.message);
    notes.push(...history.notes.map((n) => `${o.origin}: ${n}`));
  }
  return { problems, notes, foreign, summary };
}
