import { fromBase64, fromHex } from "../crypto/index.js";
import { applyEvent, MAX_CLOCK_SKEW_MS, startWarning, type WarningState } from "../lifecycle/index.js";
import { lifecycleEventOf } from "../lifecycle-mapping/record-events.js";
import { hashLeaf, verifyConsistency, verifyInclusion } from "../merkle/index.js";
import { formatVerifierKey, openCheckpoint, parseVerifierKey, type NoteVerifier } from "../note/index.js";
import {
  PARTY_EXT,
  WARNING_EXT,
  decodeRecordLeaf,
  isPlainObject,
  keyIdOf,
  readSignatureExtension,
  leafCommitmentProblem,
  recordKindOf,
  verifyRecordSignature,
  warningRefOf,
  type RecordLeaf,
} from "../record/index.js";
import { custodySummary, signedByPhrase, signerOf, summarizeRecord, type RecordSummary, type Signer } from "../timeline/index.js";
import type { AccountabilityBundle } from "./bundle-format.js";
import { checkOmission, type OmissionCheck, type RecordProof } from "./omission-proof.js";
import { checkThread, type ThreadEntry, type ThreadSummary } from "./thread-completeness.js";
import { auditKeyHistory } from "./key-history.js";
import { auditDuty, type DutySummary } from "./duty-audit.js";
import { auditOrigins } from "./origins.js";

type Obj = Record<string, any>;

/** What was checked when a problem was found. */
export type AuditCheck = "log-key" | "checkpoint" | "witness-quorum" | "consistency" | "party-key" | "leaf" | "signature" | "inclusion" | "timeline" | "thread" | "key-history" | "duty";

/** One failed check, naming what failed (a record and its index, a checkpoint size, a party key…). */
export interface AuditProblem {
  readonly check: AuditCheck;
  readonly subject: string;
  readonly message: string;
}

/** One verified (or not) entry of the timeline, in log order. */
export interface AuditedEntry extends RecordSummary {
  readonly index: number;
  readonly loggedAt: string | undefined;
  readonly authorName: string | undefined;
  /** "withheld": the exporter could not share the record (TLP); its leaf and inclusion were checked. */
  readonly signature: "verified" | "failed" | "withheld";
  /** Sizes of the checkpoints whose inclusion proofs for this entry verified. */
  readonly includedIn: readonly number[];
  /** Who signed it (signature extension, or the leaf of a withheld entry): the author's key, the node for a custodial author, or the node itself. */
  readonly signer: Signer | undefined;
  /** The same in words: "signed by the node on behalf of VENUE (custodial)". */
  readonly signedBy: string;
  /**
   * The earliest time the auditor's witnesses vouch the entry was in the log: the earliest cosignature
   * timestamp of a checkpoint whose inclusion proof verified, and who cosigned then. Under a witness policy only.
   */
  readonly witnessed?: { readonly notAfter: string; readonly witnesses: readonly string[] };
}

export interface BundleAudit {
  readonly ok: boolean;
  readonly warning: string;
  /** The log key the checkpoints were checked with, and whether the auditor pinned it or took the bundle's. */
  readonly logKey: { readonly key: string; readonly pinned: boolean };
  readonly checkpoints: readonly { readonly size: number; readonly cosignatures: readonly { readonly name: string; readonly timestamp: number }[] }[];
  readonly timeline: readonly AuditedEntry[];
  /** How many records their authors signed and how many the node signed for custodial parties, with a line saying so. */
  readonly custody: ReturnType<typeof custodySummary>;
  readonly counts: { readonly records: number; readonly signatures: number; readonly inclusionProofs: number; readonly consistencyProofs: number };
  readonly problems: readonly AuditProblem[];
  /** What could not be checked, and why (never a failure). */
  readonly notes: readonly string[];
  /** Whether the bundle holds the warning's whole thread (positions and the log's signed statement). */
  readonly thread: ThreadSummary;
  /** The verdict on each record proof given with `against`, in order. */
  readonly evidence: readonly OmissionCheck[];
  /** The duty to warn this warning discharged, as the bundle proves it (absent when the bundle carries none). */
  readonly duty?: DutySummary;
  /** Records delivered by peer nodes, per origin log: how many the bundle proves there, and whether the auditor pinned that log's key. */
  readonly origins: readonly { readonly origin: string; readonly records: number; readonly pinned: boolean }[];
  /** Under a witness policy: the quorum asked for and which of the auditor's witnesses cosigned the latest checkpoint. */
  readonly witnessQuorum?: { readonly quorum: number; readonly size: number | undefined; readonly cosigners: readonly string[] };
}

export interface AuditOptions {
  /** The log key the auditor trusts (from the log operator's publication); without it, the bundle's is used and reported as unpinned. */
  readonly logKey?: NoteVerifier;
  /** The published log keys of peer nodes' logs the auditor trusts, by origin (for `origins`; otherwise the bundle's are used and reported). */
  readonly peerLogKeys?: ReadonlyMap<string, NoteVerifier>;
  /** Records held by the auditor (their leaves and inclusion proofs): a proven omission fails the audit. */
  readonly against?: readonly RecordProof[];
  /**
   * The auditor's witness policy: the latest checkpoint must carry verified cosignatures from at least
   * `quorum` of these witness keys (the auditor's own list, never the bundle's), or the audit fails.
   */
  readonly witnessPolicy?: {
    readonly witnesses: readonly NoteVerifier[];
    readonly quorum: number;
    /**
     * Cosigners of other signature types (ML-DSA-44), verified by the caller: `verify` returns those of
     * `keys` whose lines in a checkpoint note verify (it throws on a bad one). Kept out of the core so the
     * verify library needs no post-quantum package.
     */
    readonly others?: {
      readonly keys: readonly { readonly name: string; readonly keyId: number }[];
      readonly verify: (note: string) => readonly { readonly name: string; readonly keyId: number; readonly timestamp: number }[];
    };
    /**
     * A witness counts toward the quorum only when every key the auditor gave for it (by name: its
     * cosignature/v1 and its ML-DSA-44 key) cosigned: both kinds of cosignature are then required.
     */
    readonly everyKey?: boolean;
  };
}

interface PartyKey {
  readonly publicKey: Uint8Array;
  readonly validUntil: string | undefined;
}

const message = (e: unknown): string => {
  const x = e as { code?: string; message?: string };
  return x.code ? `${x.code}: ${x.message}` : String(x.message ?? e);
};

/**
 * Verifies an accountability bundle offline, trusting neither party nor the node: every checkpoint's
 * log signature (and its witnesses' cosignatures), the consistency of each checkpoint with the next,
 * every party key against its key id, every record's signature with its author's key, that each
 * record's log leaf commits to exactly that record, every inclusion proof against a verified
 * checkpoint, and the timeline: log order, log times that never go back, claimed times not ahead of
 * the log, and the warning lifecycle's rules replayed in order. Pure; collects every problem.
 */
export function auditBundle(bundle: AccountabilityBundle, options: AuditOptions = {}): BundleAudit {
  const problems: AuditProblem[] = [];
  const fail = (check: AuditCheck, subject: string, msg: string): void => void problems.push({ check, subject, message: msg });

  // 1. The log key.
  let verifier: NoteVerifier | undefined;
  try {
    verifier = parseVerifierKey(bundle.log.verifier_key);
  } catch (e) {
    fail("log-key", "log.verifier_key", message(e));
  }
  if (options.logKey && verifier && formatVerifierKey(options.logKey) !== formatVerifierKey(verifier)) {
    fail("log-key", "log.verifier_key", "the bundle names another log key than the one trusted (--log-key)");
  }
  const trusted = options.logKey ?? verifier;
  const witnesses: NoteVerifier[] = [];
  bundle.witnesses.forEach((w, i) => {
    try {
      witnesses.push(parseVerifierKey(w));
    } catch (e) {
      fail("log-key", `witnesses[${i}]`, message(e));
    }
  });

  // 2. Checkpoints: signed by the log, ascending, each consistent with the next.
  const roots = new Map<number, Uint8Array>();
  const cosignedBy = new Map<number, readonly { readonly name: string; readonly keyId: number; readonly timestamp: number }[]>();
  const checkpoints: { size: number; cosignatures: { name: string; timestamp: number }[] }[] = [];
  let previous: { size: number; root: Uint8Array } | undefined;
  bundle.checkpoints.forEach((note, i) => {
    if (!trusted) return;
    try {
      const opened = openCheckpoint(note, trusted, undefined, witnesses);
      const { size, rootHash } = opened.checkpoint;
      if (previous && size <= previous.size) {
        fail("checkpoint", `checkpoint ${size}`, `checkpoints must ascend by size (after ${previous.size})`);
        return;
      }
      roots.set(size, rootHash);
      cosignedBy.set(size, [...opened.cosignatures, ...(options.witnessPolicy?.others?.verify(note) ?? [])]);
      checkpoints.push({ size, cosignatures: opened.cosignatures.map((c) => ({ name: c.name, timestamp: c.timestamp })) });
      if (previous) {
        const from = previous.size;
        const proof = bundle.consistency_proofs.find((p) => p.from === from && p.to === size);
        if (!proof) fail("consistency", `checkpoints ${from} → ${size}`, "no consistency proof between them");
        else {
          try {
            verifyConsistency(from, size, previous.root, rootHash, proof.hashes.map((h) => fromHex(h)!));
          } catch (e) {
            fail("consistency", `checkpoints ${from} → ${size}`, message(e));
          }
        }
      }
      previous = { size, root: rootHash };
    } catch (e) {
      fail("checkpoint", `checkpoints[${i}]`, message(e));
    }
  });

  // 3. Party keys, each checked against its key id.
  const keys = new Map<string, PartyKey>();
  const names = new Map<string, string>();
  const signedBy = (record: { author: string; custodial: boolean }, name: string | undefined) => {
    const signer = signerOf(record, bundle.log.node_party);
    return { signer, signedBy: signedByPhrase(signer, name ?? record.author) };
  };
  for (const p of bundle.parties as Obj[]) {
    names.set(p.id, p.name);
    const ext = p.extensions?.[PARTY_EXT] as Obj | undefined;
    const listed: unknown = ext?.keys;
    if (!Array.isArray(listed)) {
      fail("party-key", `party ${p.id}`, "no key list in the party extension");
      continue;
    }
    for (const entry of listed) {
      if (!isPlainObject(entry)) {
        fail("party-key", `party ${p.id}`, "a key entry that is not an object");
        continue;
      }
      const k = entry as Obj;
      if (k.valid_until !== undefined && typeof k.valid_until !== "string") {
        fail("party-key", `party ${p.id} key ${k.key_id}`, "valid_until is not a timestamp");
        continue;
      }
      const pub = typeof k.public_key === "string" ? fromBase64(k.public_key) : undefined;
      if (!pub || pub.length !== 32 || keyIdOf(pub) !== k.key_id) {
        fail("party-key", `party ${p.id} key ${k.key_id}`, "the public key does not match its key id");
        continue;
      }
      keys.set(`${p.id} ${k.key_id}`, { publicKey: pub, validUntil: k.valid_until });
    }
  }

  // 4. Records: leaf, signature, inclusion; 5. the timeline.
  const timeline: AuditedEntry[] = [];
  let signatures = 0;
  let inclusionProofs = 0;
  let state: WarningState | undefined;
  let lastIndex = -1;
  let lastLogged = "";
  const proofsByIndex = new Map<number, (typeof bundle.inclusion_proofs)[number][]>();
  for (const p of bundle.inclusion_proofs) {
    const list = proofsByIndex.get(p.index);
    if (list) list.push(p);
    else proofsByIndex.set(p.index, [p]);
  }
  const notes: string[] = [];
  /** Verifies the inclusion proofs of one leaf; returns the checkpoint sizes that verified. */
  const checkInclusion = (index: number, leafBytes: Uint8Array, subject: string): number[] => {
    const included: number[] = [];
    for (const p of proofsByIndex.get(index) ?? []) {
      const root = roots.get(p.size);
      if (!root) {
        fail("inclusion", subject, `proof against checkpoint ${p.size}, which is not a verified checkpoint of the bundle`);
        continue;
      }
      try {
        verifyInclusion(index, p.size, hashLeaf(leafBytes), p.hashes.map((h) => fromHex(h)!), root);
        included.push(p.size);
        inclusionProofs++;
      } catch (e) {
        fail("inclusion", subject, `proof against checkpoint ${p.size}: ${message(e)}`);
      }
    }
    if (included.length === 0 && !problems.some((p) => p.check === "inclusion" && p.subject === subject)) {
      fail("inclusion", subject, "no inclusion proof in any checkpoint of the bundle");
    }
    return included;
  };
  // Withheld records: only their public leaves, proven to be in the log.
  const withheld: AuditedEntry[] = [];
  const threadEntries: ThreadEntry[] = [];
  for (const w of bundle.withheld ?? []) {
    const subject = `withheld entry (log index ${w.index})`;
    const bytes = fromBase64(w.leaf);
    try {
      if (!bytes) throw new Error("leaf is not base64");
      const leaf = decodeRecordLeaf(bytes);
      threadEntries.push({ index: w.index, leaf, leafHash: hashLeaf(bytes), about: undefined, subject });
      const includedIn = checkInclusion(w.index, bytes, subject);
      withheld.push({
        kind: leaf.kind === "tombstone" ? "other" : leaf.kind,
        id: leaf.id,
        modified: leaf.modified,
        created: "",
        author: leaf.author,
        warningRef: undefined,
        says: "(withheld: the exporter may not share this record under TLP; its log entry is shown)",
        facts: {},
        index: w.index,
        loggedAt: leaf.loggedAt,
        authorName: names.get(leaf.author),
        signature: "withheld",
        includedIn,
        ...signedBy({ author: leaf.author, custodial: leaf.custodial }, names.get(leaf.author)),
      });
    } catch (e) {
      fail("leaf", subject, message(e));
    }
  }
  const firstWithheld = Math.min(...withheld.map((w) => w.index));
  let replayStopped = false;
  const warningBodies = bundle.records.filter((r) => recordKindSafe(r.record) === "warning").map((r) => r.record as Obj);
  bundle.records.forEach((entry, position) => {
    const obj = entry.record as Obj;
    const kind = recordKindSafe(obj);
    const subject = `${kind} ${String(obj.id)} (log index ${entry.index})`;
    // The leaf: canonical, and committing to exactly this record.
    let leaf: RecordLeaf | undefined;
    const leafBytes = fromBase64(entry.leaf);
    try {
      if (!leafBytes) throw new Error("leaf is not base64");
      leaf = decodeRecordLeaf(leafBytes);
      threadEntries.push({ index: entry.index, leaf, leafHash: hashLeaf(leafBytes), about: warningRefSafe(obj), subject });
      const problem = leafCommitmentProblem(leaf, obj);
      if (problem) fail("leaf", subject, problem);
    } catch (e) {
      fail("leaf", subject, message(e));
    }
    // The signature, with the author's key as the bundle lists it.
    let signatureOk = false;
    let custodial: boolean | undefined;
    try {
      const sig = readSignatureExtension(obj);
      custodial = sig.custodial === true;
      verifyRecordSignature(obj, (signer, keyId) => keys.get(`${signer} ${keyId}`)?.publicKey);
      const key = keys.get(`${sig.signer_ref} ${sig.key_id}`)!;
      if (leaf && (leaf.author !== sig.signer_ref || leaf.keyId !== sig.key_id || leaf.custodial !== (sig.custodial === true))) {
        fail("leaf", subject, "the log leaf names another signer or key");
      }
      if (leaf && key.validUntil !== undefined && leaf.loggedAt >= key.validUntil) {
        fail("signature", subject, `signed with key ${sig.key_id}, retired at ${key.validUntil} before the record was logged`);
      }
      signatureOk = true;
      signatures++;
    } catch (e) {
      fail("signature", subject, message(e));
    }
    // Inclusion in verified checkpoints.
    const includedIn = leafBytes ? checkInclusion(entry.index, leafBytes, subject) : [];
    if (!leafBytes) fail("inclusion", subject, "no leaf to prove");
    // The timeline: about this warning, in log order, times that hold.
    if (position === 0 && (kind !== "warning" || obj.id !== bundle.warning)) fail("timeline", subject, "the timeline must start with the warning itself");
    if (kind !== "warning" && warningRefOf(obj) !== bundle.warning) fail("timeline", subject, "a record about another warning");
    if (kind === "warning" && obj.id !== bundle.warning) fail("timeline", subject, "another warning");
    if (entry.index <= lastIndex) fail("timeline", subject, `out of log order (after index ${lastIndex})`);
    lastIndex = Math.max(lastIndex, entry.index);
    if (leaf) {
      if (leaf.loggedAt < lastLogged) fail("timeline", subject, `logged at ${leaf.loggedAt}, before the entry before it (${lastLogged})`);
      lastLogged = leaf.loggedAt > lastLogged ? leaf.loggedAt : lastLogged;
      if (typeof obj.created === "string" && Date.parse(obj.created) > Date.parse(leaf.loggedAt) + MAX_CLOCK_SKEW_MS) {
        fail("timeline", subject, `claims to be written at ${obj.created}, after it was logged (${leaf.loggedAt})`);
      }
      // Replay the lifecycle in log order with each record's log time, as the node did on admission —
      // up to the first withheld record: past it, a rule may depend on what the auditor cannot see.
      if (!replayStopped && entry.index > firstWithheld) {
        replayStopped = true;
        notes.push(`lifecycle rules checked up to log index ${firstWithheld}: records after it may depend on records withheld under TLP`);
      }
      if (!replayStopped) try {
        const loggedAt = Date.parse(leaf.loggedAt);
        const event = lifecycleEventOf(obj, kind, { loggedAt, nodeIdentity: bundle.log.node_party, commitmentDigest: (id) => commitmentIn(warningBodies, id) });
        if (event) {
          if (state === undefined) {
            if (event.kind === "warning") state = startWarning(event, loggedAt);
          } else state = applyEvent(state, event, loggedAt);
        }
      } catch (e) {
        fail("timeline", subject, `breaks the warning lifecycle: ${message(e)}`);
      }
    }
    let summary: RecordSummary;
    try {
      summary = summarizeRecord(obj, kind);
    } catch {
      summary = { kind, id: String(obj.id), modified: "", created: "", author: String(obj.created_by_ref), warningRef: undefined, says: "(unreadable)", facts: {} };
    }
    // Name parties in the human line (an escalation names the recipient by id).
    summary = { ...summary, says: String(summary.says).replace(/identity--[0-9a-f-]{36}/g, (id) => names.get(id) ?? id) };
    custodial ??= leaf?.custodial;
    const signer = custodial === undefined ? {} : signedBy({ author: summary.author, custodial }, names.get(summary.author));
    timeline.push({ signer: undefined, signedBy: "signer unknown", ...summary, index: entry.index, loggedAt: leaf?.loggedAt, authorName: names.get(summary.author), signature: signatureOk ? "verified" : "failed", includedIn, ...signer });
  });
  if (bundle.records.length === 0) fail("timeline", bundle.warning, "the bundle holds no records");
  // Withheld entries take their place in the timeline, and log times must not go back across them either.
  if (withheld.length > 0) {
    timeline.push(...withheld);
    timeline.sort((a, b) => a.index - b.index);
    for (let i = 1; i < timeline.length; i++) {
      const [a, b] = [timeline[i - 1]!, timeline[i]!];
      if (a.index === b.index) fail("timeline", `log index ${b.index}`, "two entries at one log index");
      if ((a.signature === "withheld" || b.signature === "withheld") && a.loggedAt && b.loggedAt && b.loggedAt < a.loggedAt) {
        fail("timeline", `log index ${b.index}`, `logged at ${b.loggedAt}, before the entry before it (${a.loggedAt})`);
      }
    }
  }

  // Completeness: every position of the warning's thread, and the log's signed count.
  const thread = checkThread({ warning: bundle.warning, statement: bundle.thread_statement, logKey: trusted, roots, entries: threadEntries });
  problems.push(...thread.problems);
  notes.push(...thread.notes);
  const evidence = (options.against ?? []).map((p) => checkOmission(bundle, p, { logKey: trusted }));
  for (const e of evidence) if (e.verdict === "omitted" || e.verdict === "forked") fail("thread", `log index ${e.index}`, e.message);
  // Key transparency: each signature by a key its author's logged history had endorsed there.
  // Records peers delivered: proven in their origin logs, signed by keys of the origins' key histories.
  const origins = auditOrigins(bundle, options.peerLogKeys ?? new Map());
  for (const p of origins.problems) fail(p.check, p.subject, p.message);
  notes.push(...origins.notes);
  const keyHistory = auditKeyHistory(bundle, roots, origins.foreign);
  for (const p of keyHistory.problems) fail("key-history", p.subject, p.message);
  notes.push(...keyHistory.notes);
  // The duty to warn: the determination this warning discharged, its decision and approvals, and the link.
  const duty = auditDuty(
    bundle,
    (index, leaf) => (proofsByIndex.get(index) ?? []).some((p) => {
      const root = roots.get(p.size);
      if (!root) return false;
      try {
        verifyInclusion(index, p.size, hashLeaf(leaf), p.hashes.map((h) => fromHex(h)!), root);
        return true;
      } catch {
        return false;
      }
    }),
    (party, keyId) => keys.get(`${party} ${keyId}`)?.publicKey,
  );
  for (const p of duty.problems) fail("duty", p.subject, p.message);

  // The witness policy: split views need a quorum of the auditor's own witnesses on the checkpoint everything is proven in.
  let witnessQuorum: BundleAudit["witnessQuorum"];
  if (options.witnessPolicy) {
    const policy = options.witnessPolicy;
    const trustedBy = (c: { name: string; keyId: number }) =>
      [...policy.witnesses, ...(policy.others?.keys ?? [])].some((w) => w.name === c.name && w.keyId === c.keyId);
    const latest = checkpoints.at(-1)?.size;
    const signed = (latest === undefined ? [] : cosignedBy.get(latest) ?? []).filter(trustedBy);
    const allKeys = [...policy.witnesses, ...(policy.others?.keys ?? [])];
    // With everyKey, a witness counts only if each of the auditor's keys for it cosigned (both kinds).
    const counts = (name: string) => !policy.everyKey || allKeys.filter((k) => k.name === name).every((k) => signed.some((c) => c.name === name && c.keyId === k.keyId));
    const cosigners = [...new Set(signed.map((c) => c.name))].filter(counts);
    witnessQuorum = { quorum: policy.quorum, size: latest, cosigners };
    if (cosigners.length < policy.quorum) {
      fail("witness-quorum", latest === undefined ? "checkpoints" : `checkpoint ${latest}`, `cosigned by ${cosigners.length} of the ${policy.quorum} witnesses required (${cosigners.join(", ") || "none"})`);
    }
    // Witness timestamps bound each entry's log time from above: it was in a checkpoint they cosigned then.
    for (let i = 0; i < timeline.length; i++) {
      const e = timeline[i]!;
      let best: { t: number; names: string[] } | undefined;
      for (const size of e.includedIn) {
        for (const c of (cosignedBy.get(size) ?? []).filter(trustedBy)) {
          if (!best || c.timestamp < best.t) best = { t: c.timestamp, names: [c.name] };
          else if (c.timestamp === best.t && !best.names.includes(c.name)) best.names.push(c.name);
        }
      }
      if (best) timeline[i] = { ...e, witnessed: { notAfter: new Date(best.t * 1000).toISOString(), witnesses: best.names } };
    }
  }

  return {
    ok: problems.length === 0,
    ...(witnessQuorum ? { witnessQuorum } : {}),
    ...(duty.summary ? { duty: duty.summary } : {}),
    warning: bundle.warning,
    logKey: { key: trusted ? formatVerifierKey(trusted) : bundle.log.verifier_key, pinned: options.logKey !== undefined },
    checkpoints,
    timeline,
    custody: custodySummary(timeline),
    counts: { records: bundle.records.length, signatures, inclusionProofs, consistencyProofs: Math.max(0, checkpoints.length - 1) },
    problems,
    notes,
    thread: thread.summary,
    evidence,
    origins: origins.summary,
  };
}

function warningRefSafe(obj: unknown): string | undefined {
  try {
    return warningRefOf(obj);
  } catch {
    return undefined;
  }
}

function recordKindSafe(obj: unknown): ReturnType<typeof recordKindOf> {
  try {
    return recordKindOf(obj);
  } catch {
    return "other";
  }
}

function commitmentIn(warnings: readonly Obj[], id: string): string | undefined {
  for (const w of warnings) {
    const c = (w.extensions?.[WARNING_EXT]?.commitments ?? []).find((x: { commitment_id: string }) => x.commitment_id === id);
    if (c) return c.digest as string;
  }
  return undefined;
}
