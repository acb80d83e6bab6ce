import { isPlainObject, isStixId } from "../record/index.js";
import { BundleError } from "./bundle-errors.js";

/*
 * The accountability bundle (docs/formats.md, "Accountability bundle"): one JSON file holding everything
 * an auditor who trusts neither party needs to check, offline, who knew what and when about one warning.
 */

export const BUNDLE_FORMAT = "tocsin-accountability-bundle";
export const BUNDLE_VERSION = 1;

/** One logged record: its log index, its leaf bytes (base64) and the signed STIX object. */
export interface BundleRecord {
  readonly index: number;
  readonly leaf: string;
  readonly record: Record<string, unknown>;
}

/** An RFC 9162 inclusion proof of leaf `index` in the tree of `size` (a checkpoint in the bundle). */
export interface BundleInclusionProof {
  readonly index: number;
  readonly size: number;
  readonly hashes: readonly string[];
}

/** An RFC 9162 consistency proof between two checkpoints of the bundle. */
export interface BundleConsistencyProof {
  readonly from: number;
  readonly to: number;
  readonly hashes: readonly string[];
}

export interface AccountabilityBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: typeof BUNDLE_VERSION;
  readonly warning: string;
  readonly exported_at: string;
  /** The log: its verifier key (C2SP vkey) and the identity the node signs escalations as. */
  readonly log: { readonly verifier_key: string; readonly node_party: string };
  /** The parties as STIX identities with their keys (Tocsin party extension). */
  readonly parties: readonly Record<string, unknown>[];
  /** Verifier keys (C2SP vkey) of witnesses whose cosignatures the checkpoints may carry. */
  readonly witnesses: readonly string[];
  readonly records: readonly BundleRecord[];
  /** Signed checkpoint notes, ascending by size. */
  readonly checkpoints: readonly string[];
  readonly inclusion_proofs: readonly BundleInclusionProof[];
  readonly consistency_proofs: readonly BundleConsistencyProof[];
  /**
   * Records about the warning the exporter may not share (TLP): only their log leaves — public facts:
   * kind, id, author, time — with inclusion proofs, so the timeline shows that something was logged.
   */
  readonly withheld?: readonly { readonly index: number; readonly leaf: string }[];
  /**
   * The log's signed statement that `records` and `withheld` are every record about the warning up to
   * the latest checkpoint (a C2SP signed note, src/core/bundle/thread-statement.ts). Without it the
   * bundle cannot show it is complete, and the audit fails.
   */
  readonly thread_statement?: string;
  /**
   * The logged key history of every author (and of whoever signed their key records): registrations and
   * key events in log order, each with its leaf; inclusion proofs in `inclusion_proofs`. Checked by
   * key-history.ts; a bundle without it cannot show that any key was its party's.
   */
  readonly key_history?: readonly BundleRecord[];
  /**
   * The duty to warn (docs/duty-to-warn.md): when a warn decision names this warning and the exporter may
   * read it, the determination it discharged and its decision, approvals, escalation and reveals that the
   * exporter may read, in log order, each with its leaf; inclusion proofs in `inclusion_proofs`. Checked
   * by duty-audit.ts (signatures, leaves, inclusion, and that the warning commits to the determination).
   */
  readonly duty?: readonly BundleRecord[];
  /**
   * Records delivered by peer nodes, proven in their origin logs (docs/formats.md §3.4): per origin log,
   * its key, signed checkpoints, the key history of its authors, and each record's leaf and index there.
   * Checked by origins.ts; absent when every record was first logged here.
   */
  readonly origins?: readonly BundleOrigin[];
}

/** One origin log of a multi-origin bundle. */
export interface BundleOrigin {
  readonly origin: string;
  readonly verifier_key: string;
  /** The origin node's own party: the root of its key history. */
  readonly node_party: string;
  /** Signed checkpoint notes of the origin log that the proofs below are against. */
  readonly checkpoints: readonly string[];
  /** Registrations and key changes of the origin's authors, in its log order (indices in the origin log). */
  readonly key_history: readonly BundleRecord[];
  /** Inclusion proofs in the origin log (of `records` and `key_history`). */
  readonly inclusion_proofs: readonly BundleInclusionProof[];
  /** The bundle's records first logged in the origin log: their index in the bundle's log, and their index and leaf in the origin's. */
  readonly records: readonly { readonly local_index: number; readonly index: number; readonly leaf: string }[];
}

function malformed(path: string, message: string): BundleError {
  return new BundleError("BUNDLE_MALFORMED", `${path}: ${message}`, { details: { path } });
}

const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isHexHash = (v: unknown): boolean => typeof v === "string" && /^[0-9a-f]{64}$/.test(v);

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw malformed(path, "must be an array");
  return v;
}

function hashes(v: unknown, path: string): string[] {
  const a = array(v, path);
  a.forEach((h, i) => {
    if (!isHexHash(h)) throw malformed(`${path}[${i}]`, "must be 64 lowercase hex digits");
  });
  return a as string[];
}

/**
 * Checks the bundle's shape (the file comes from anyone: it is attacker-controlled until audited) and
 * returns it typed. Throws BUNDLE_MALFORMED naming the JSON path; says nothing about validity.
 */
export function parseBundle(json: unknown): AccountabilityBundle {
  if (!isPlainObject(json)) throw malformed("$", "a bundle is a JSON object");
  const b = json as Record<string, unknown>;
  if (b.format !== BUNDLE_FORMAT) throw malformed("$.format", `must be "${BUNDLE_FORMAT}"`);
  if (b.version !== BUNDLE_VERSION) throw malformed("$.version", `unsupported version (this auditor reads ${BUNDLE_VERSION})`);
  if (!isStixId(b.warning, "report")) throw malformed("$.warning", "must be a warning id (report--<uuid>)");
  if (typeof b.exported_at !== "string") throw malformed("$.exported_at", "must be a timestamp");
  const log = b.log as Record<string, unknown>;
  if (!isPlainObject(log) || typeof log.verifier_key !== "string" || !isStixId(log.node_party, "identity")) {
    throw malformed("$.log", "needs verifier_key and node_party");
  }
  array(b.parties, "$.parties").forEach((p, i) => {
    if (!isPlainObject(p) || !isStixId((p as Record<string, unknown>).id, "identity")) throw malformed(`$.parties[${i}]`, "must be a STIX identity");
  });
  array(b.witnesses, "$.witnesses").forEach((w, i) => {
    if (typeof w !== "string") throw malformed(`$.witnesses[${i}]`, "must be a verifier key string");
  });
  array(b.records, "$.records").forEach((r, i) => {
    const rec = r as Record<string, unknown>;
    if (!isPlainObject(rec) || !isIndex(rec.index) || typeof rec.leaf !== "string" || !isPlainObject(rec.record)) {
      throw malformed(`$.records[${i}]`, "needs index, leaf (base64) and record (object)");
    }
  });
  if (b.duty !== undefined) {
    array(b.duty, "$.duty").forEach((r, i) => {
      const rec = r as Record<string, unknown>;
      if (!isPlainObject(rec) || !isIndex(rec.index) || typeof rec.leaf !== "string" || !isPlainObject(rec.record)) {
        throw malformed(`$.duty[${i}]`, "needs index, leaf (base64) and record (object)");
      }
    });
  }
  array(b.checkpoints, "$.checkpoints").forEach((c, i) => {
    if (typeof c !== "string") throw malformed(`$.checkpoints[${i}]`, "must be a signed note");
  });
  array(b.inclusion_proofs, "$.inclusion_proofs").forEach((p, i) => {
    const q = p as Record<string, unknown>;
    if (!isPlainObject(q) || !isIndex(q.index) || !isIndex(q.size)) throw malformed(`$.inclusion_proofs[${i}]`, "needs index and size");
    hashes(q.hashes, `$.inclusion_proofs[${i}].hashes`);
  });
  array(b.consistency_proofs, "$.consistency_proofs").forEach((p, i) => {
    const q = p as Record<string, unknown>;
    if (!isPlainObject(q) || !isIndex(q.from) || !isIndex(q.to)) throw malformed(`$.consistency_proofs[${i}]`, "needs from and to");
    hashes(q.hashes, `$.consistency_proofs[${i}].hashes`);
  });
  if (b.withheld !== undefined) {
    array(b.withheld, "$.withheld").forEach((w, i) => {
      const q = w as Record<string, unknown>;
      if (!isPlainObject(q) || !isIndex(q.index) || typeof q.leaf !== "string") throw malformed(`$.withheld[${i}]`, "needs index and leaf (base64)");
    });
  }
  if (b.thread_statement !== undefined && typeof b.thread_statement !== "string") throw malformed("$.thread_statement", "must be a signed note");
  if (b.origins !== undefined) {
    array(b.origins, "$.origins").forEach((o, i) => {
      const q = o as Record<string, unknown>;
      const at = `$.origins[${i}]`;
      if (!isPlainObject(q) || typeof q.origin !== "string" || typeof q.verifier_key !== "string" || !isStixId(q.node_party, "identity")) throw malformed(at, "needs origin, verifier_key and node_party");
      array(q.checkpoints, `${at}.checkpoints`).forEach((c, j) => {
        if (typeof c !== "string") throw malformed(`${at}.checkpoints[${j}]`, "must be a signed note");
      });
      array(q.key_history, `${at}.key_history`).forEach((r, j) => {
        const e = r as Record<string, unknown>;
        if (!isPlainObject(e) || !isIndex(e.index) || typeof e.leaf !== "string" || !isPlainObject(e.record)) throw malformed(`${at}.key_history[${j}]`, "needs index, leaf and record");
      });
      array(q.inclusion_proofs, `${at}.inclusion_proofs`).forEach((p, j) => {
        const e = p as Record<string, unknown>;
        if (!isPlainObject(e) || !isIndex(e.index) || !isIndex(e.size)) throw malformed(`${at}.inclusion_proofs[${j}]`, "needs index and size");
        hashes(e.hashes, `${at}.inclusion_proofs[${j}].hashes`);
      });
      array(q.records, `${at}.records`).forEach((r, j) => {
        const e = r as Record<string, unknown>;
        if (!isPlainObject(e) || !isIndex(e.local_index) || !isIndex(e.index) || typeof e.leaf !== "string") throw malformed(`${at}.records[${j}]`, "needs local_index, index and leaf");
      });
    });
  }
  return b as unknown as AccountabilityBundle;
}
