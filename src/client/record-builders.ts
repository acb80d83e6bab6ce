import { toBase64 } from "../core/crypto/bytes.js";
import {
  ACTION_EXT,
  RECEIPT_EXT,
  RECEIPT_TYPE,
  RESOLUTION_EXT,
  REVEAL_EXT,
  SIGNATURE_EXT,
  REVEAL_TYPE,
  WARNING_EXT,
  commitmentDigest,
  recordDigestHex,
  signRecord,
  type StixObject,
} from "../core/record/index.js";
import { tlpMarkingId, type TlpLevel } from "../core/tlp/index.js";

/**
 * Building Tocsin records as a party's client does: plain STIX 2.1 objects with Tocsin's extensions,
 * then signed in place with the author's key (a custodial author's are left unsigned: its node signs).
 * Times are milliseconds since the epoch. Used by tocsin/client, the party commands, the demo dataset,
 * the tests and the benchmarks — and the web UI, in the browser: randomness comes from the Web Crypto API
 * (`globalThis.crypto`, in Node 20 and every browser), so this module runs in both. Any STIX library and
 * an RFC 8785 canonicaliser can do the same.
 */

export interface Author {
  readonly id: string;
  readonly seed?: Uint8Array;
  readonly publicKey?: Uint8Array;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function common(type: string, author: Author, at: number, tlp?: TlpLevel): StixObject {
  return {
    type,
    spec_version: "2.1",
    id: `${type}--${globalThis.crypto.randomUUID()}`,
    created: iso(at),
    modified: iso(at),
    created_by_ref: author.id,
    ...(tlp ? { object_marking_refs: [tlpMarkingId(tlp)] } : {}),
  };
}

/** Signs for an author holding its key; leaves the object unsigned for a custodial author (the node signs). */
export function sign<T extends StixObject>(obj: T, author: Author): T {
  if (!author.seed || !author.publicKey) return obj;
  return signRecord(obj, { signerRef: author.id, seed: author.seed, publicKey: author.publicKey }) as T;
}

export interface WarningInput {
  readonly at: number;
  readonly name: string;
  readonly description?: string;
  readonly recipients: readonly string[];
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly probability: number;
  readonly severity?: "low" | "medium" | "high" | "critical";
  readonly deadlines?: { receipt?: number; assessment?: number; action?: number };
  readonly requestedActions?: readonly string[];
  readonly tlp?: TlpLevel;
  /** What the report is about (STIX `object_refs`, at least one); default: the recipients' identities, records the node holds. */
  readonly objectRefs?: readonly string[];
  readonly commitments?: readonly { id: string; salt: Uint8Array; evidence: Uint8Array; description?: string }[];
  readonly arbiters?: readonly string[];
}

export function buildWarning(author: Author, w: WarningInput): StixObject {
  const deadlines = Object.fromEntries(Object.entries(w.deadlines ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, iso(v as number)]));
  return sign(
    {
      ...common("report", author, w.at, w.tlp),
      name: w.name,
      ...(w.description ? { description: w.description } : {}),
      report_types: ["threat-report"],
      published: iso(w.at),
      // STIX requires at least one reference; without the author's own, the warning names the parties it
      // addresses (their identities are logged on the node), never an object that exists nowhere.
      object_refs: w.objectRefs?.length ? [...w.objectRefs] : [...w.recipients],
      extensions: {
        [WARNING_EXT]: {
          extension_type: "property-extension",
          window_start: iso(w.windowStart),
          window_end: iso(w.windowEnd),
          probability: w.probability,
          severity: w.severity ?? "high",
          recipient_refs: [...w.recipients],
          deadlines,
          requested_actions: [...(w.requestedActions ?? ["assess and respond"])],
          ...(w.commitments?.length
            ? {
                commitments: w.commitments.map((c) => ({
                  commitment_id: c.id,
                  digest: commitmentDigest(c.salt, c.evidence),
                  ...(c.description ? { description: c.description } : {}),
                })),
              }
            : {}),
          ...(w.arbiters?.length ? { arbiter_refs: [...w.arbiters] } : {}),
        },
      },
    },
    author,
  );
}

/** What a new version of a warning may change; absent members keep the previous version's value. */
export interface WarningChanges {
  readonly name?: string;
  readonly description?: string;
  /** Recipients to add (a recipient who already answered cannot be dropped, so a revision only adds). */
  readonly addRecipients?: readonly string[];
  readonly windowStart?: number;
  readonly windowEnd?: number;
  readonly probability?: number;
  readonly severity?: "low" | "medium" | "high" | "critical";
  readonly deadlines?: { receipt?: number; assessment?: number; action?: number };
  readonly requestedActions?: readonly string[];
  /** New sealed evidence, added to the commitments already made. */
  readonly commitments?: readonly { id: string; salt: Uint8Array; evidence: Uint8Array; description?: string }[];
}

/**
 * A new version of a warning (STIX versioning: same id and `created`, a later `modified`), signed
 * anew. `at` is moved past the previous `modified` if the clock has not (a version must be newer).
 */
export function reviseWarning(author: Author, previous: StixObject, at: number, changes: WarningChanges): StixObject {
  const { extensions: prevExtensions, ...rest } = previous;
  const ext = { ...((prevExtensions ?? {})[WARNING_EXT] as Record<string, unknown>) };
  const before = Date.parse(String(previous.modified));
  const modified = iso(Math.max(at, before + 1));
  if (changes.addRecipients?.length) ext.recipient_refs = [...new Set([...(ext.recipient_refs as string[]), ...changes.addRecipients])];
  if (changes.windowStart !== undefined) ext.window_start = iso(changes.windowStart);
  if (changes.windowEnd !== undefined) ext.window_end = iso(changes.windowEnd);
  if (changes.probability !== undefined) ext.probability = changes.probability;
  if (changes.severity !== undefined) ext.severity = changes.severity;
  if (changes.requestedActions?.length) ext.requested_actions = [...changes.requestedActions];
  if (changes.deadlines) {
    const merged = { ...(ext.deadlines as Record<string, string>) };
    for (const [k, v] of Object.entries(changes.deadlines)) if (v !== undefined) merged[k] = iso(v);
    ext.deadlines = merged;
  }
  if (changes.commitments?.length) {
    ext.commitments = [
      ...((ext.commitments as unknown[]) ?? []),
      ...changes.commitments.map((c) => ({ commitment_id: c.id, digest: commitmentDigest(c.salt, c.evidence), ...(c.description ? { description: c.description } : {}) })),
    ];
  }
  // The old signature goes: the new version is signed (or, custodial, signed by the node) afresh.
  const extensions = Object.fromEntries(Object.entries(prevExtensions ?? {}).filter(([k]) => k !== SIGNATURE_EXT));
  return sign(
    {
      ...rest,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      modified,
      extensions: { ...extensions, [WARNING_EXT]: ext },
    },
    author,
  );
}

/** "We received exactly this warning": names its version and envelope digest. */
export function buildReceipt(author: Author, warning: StixObject, at: number, tlp?: TlpLevel): StixObject {
  return sign(
    {
      ...common(RECEIPT_TYPE, author, at, tlp),
      warning_ref: warning.id,
      warning_modified: warning.modified,
      envelope_digest: recordDigestHex(warning),
      received_at: iso(at),
      extensions: { [RECEIPT_EXT]: { extension_type: "new-sdo" } },
    },
    author,
  );
}

export type Opinion = "strongly-disagree" | "disagree" | "neutral" | "agree" | "strongly-agree";

export function buildAssessment(author: Author, warningId: string, at: number, opinion: Opinion, explanation: string, tlp?: TlpLevel): StixObject {
  return sign({ ...common("opinion", author, at, tlp), opinion, explanation, object_refs: [warningId] }, author);
}

export function buildAction(
  author: Author,
  warningId: string,
  at: number,
  a: { name: string; status: "planned" | "in-progress" | "done" | "declined"; deadline?: number; owner?: string; tlp?: TlpLevel },
): StixObject {
  return sign(
    {
      ...common("course-of-action", author, at, a.tlp),
      name: a.name,
      extensions: {
        [ACTION_EXT]: {
          extension_type: "property-extension",
          warning_ref: warningId,
          status: a.status,
          owner_ref: a.owner ?? author.id,
          ...(a.deadline ? { deadline: iso(a.deadline) } : {}),
        },
      },
    },
    author,
  );
}

export function buildResolution(
  author: Author,
  warningId: string,
  at: number,
  r: { outcome: "materialized" | "prevented" | "did-not-materialize" | "unknown"; eventTime?: number; content: string; tlp?: TlpLevel },
): StixObject {
  return sign(
    {
      ...common("note", author, at, r.tlp),
      content: r.content,
      object_refs: [warningId],
      extensions: {
        [RESOLUTION_EXT]: {
          extension_type: "property-extension",
          warning_ref: warningId,
          outcome: r.outcome,
          ...(r.eventTime !== undefined ? { event_time: iso(r.eventTime) } : {}),
        },
      },
    },
    author,
  );
}

export function buildReveal(author: Author, warningId: string, at: number, c: { id: string; salt: Uint8Array; evidence: Uint8Array }, tlp?: TlpLevel): StixObject {
  return sign(
    {
      ...common(REVEAL_TYPE, author, at, tlp),
      warning_ref: warningId,
      commitment_id: c.id,
      salt: toBase64(c.salt),
      evidence: toBase64(c.evidence),
      extensions: { [REVEAL_EXT]: { extension_type: "new-sdo" } },
    },
    author,
  );
}

/** A fresh random commitment salt: exactly 32 bytes, as the commitment format requires. */
export function newSalt(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

/** Sealed evidence: what a warning commits to now (its digest) and a reveal opens later (salt and evidence). */
export interface SealedEvidence {
  readonly id: string;
  readonly salt: Uint8Array;
  readonly evidence: Uint8Array;
  readonly description?: string;
}

/** Seals evidence under a fresh salt; keep the result (salt!) until the reveal: without it the commitment cannot be opened. */
export function sealEvidence(evidence: Uint8Array, options: { id?: string; description?: string } = {}): SealedEvidence {
  return { id: options.id ?? `evidence-${globalThis.crypto.randomUUID().slice(0, 8)}`, salt: newSalt(), evidence, ...(options.description ? { description: options.description } : {}) };
}


