import { randomBytes, randomUUID } from "node:crypto";
import { toBase64 } from "../core/crypto/bytes.js";
import {
  ACTION_EXT,
  RECEIPT_EXT,
  RECEIPT_TYPE,
  RESOLUTION_EXT,
  REVEAL_EXT,
  REVEAL_TYPE,
  WARNING_EXT,
  commitmentDigest,
  recordDigestHex,
  signRecord,
  type StixObject,
} from "../core/record/index.js";
import { tlpMarkingId, type TlpLevel } from "../core/tlp/index.js";

/**
 * Building Tocsin records as a party's client would: plain STIX 2.1 objects with Tocsin's extensions,
 * then signed in place with the author's key. Used by the demo dataset, the tests and the benchmarks;
 * a party's own tooling does the same with any STIX library and an RFC 8785 canonicaliser.
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
    id: `${type}--${randomUUID()}`,
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
      object_refs: w.objectRefs?.length ? [...w.objectRefs] : [`threat-actor--${randomUUID()}`],
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
  return new Uint8Array(randomBytes(32));
}


