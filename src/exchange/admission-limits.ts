import { WARNING_EXT, type RecordKind, type StixObject } from "../core/record/index.js";
import { ExchangeError } from "./exchange-errors.js";

/*
 * Limits on what one record may be (issue 10, "Bad input"). The request as a whole is bounded by the
 * HTTP layer's body limit; these bound each record, whichever way it arrives (records API, TAXII,
 * boards, the node's own escalations).
 */

/**
 * Most bytes of one record's canonical JSON (its stored body, signature included): 256 KiB.
 * A warning, receipt or assessment is a few KiB, and the STIX objects TAXII feeds carry (indicators,
 * reports, identities) rarely reach 50 KiB; the largest legitimate Tocsin record is a reveal, whose
 * evidence travels inline as base64 — 256 KiB leaves about 190 KiB of evidence, room for documents and
 * screenshots, while bulky evidence (a disk image, a capture) belongs outside, committed to by digest.
 * Every record is kept for ever, re-read on every warning-state fold and shipped in every bundle that
 * covers it, so one multi-megabyte record costs every later reader; 1 000 records of 256 KiB is still
 * more than the default 16 MiB request body, so the per-request limit stays the binding one for batches.
 */
export const MAX_RECORD_BYTES = 256 * 1024;

/** RECORD_TOO_LARGE (413) when the canonical form of a record exceeds {@link MAX_RECORD_BYTES}. */
export function checkRecordSize(body: string): void {
  // UTF-8 length without encoding: at most 3 bytes per UTF-16 unit, so short bodies skip the count.
  if (body.length * 3 <= MAX_RECORD_BYTES) return;
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > MAX_RECORD_BYTES) {
    throw new ExchangeError("RECORD_TOO_LARGE", `a record is at most ${MAX_RECORD_BYTES} bytes of canonical JSON; this one is ${bytes}`, {
      details: { bytes, limit: MAX_RECORD_BYTES },
    });
  }
}

/**
 * A warning names parties that owe it answers (recipients) or may settle it (arbiters): each must be a
 * party registered on this node, or nobody could ever answer, be escalated or read it as addressed —
 * and a typo would pass silently. RECORD_UNKNOWN_PARTY (422) names the first unknown id.
 */
export async function checkWarningParties(obj: StixObject, kind: RecordKind, isParty: (id: string) => Promise<boolean>): Promise<void> {
  if (kind !== "warning") return;
  const ext = obj.extensions?.[WARNING_EXT] as { recipient_refs?: unknown; arbiter_refs?: unknown } | undefined;
  for (const property of ["recipient_refs", "arbiter_refs"] as const) {
    const refs = ext?.[property];
    if (!Array.isArray(refs)) continue;
    for (const ref of refs) {
      if (typeof ref === "string" && !(await isParty(ref))) {
        throw new ExchangeError("RECORD_UNKNOWN_PARTY", `${ref} in ${property} is not a party of this node`, {
          details: { property: `extensions/${WARNING_EXT}/${property}`, party: ref },
        });
      }
    }
  }
}
