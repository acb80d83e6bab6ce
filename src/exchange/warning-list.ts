import { recipientStates, warningStatus, type RecipientStage } from "../core/lifecycle/index.js";
import { decodePageToken, encodePageToken, queryFingerprint } from "../core/taxii/page-token.js";
import { audienceOfRecordAbout, type PartyRelations, type Reader } from "../core/tlp/index.js";
import type { RecordReader } from "./record-reader.js";
import type { IndexedWarning, WarningIndex } from "./warning-index.js";

/** Warnings per page when the caller names no `limit`. */
export const WARNING_PAGE_DEFAULT = 100;
/** The largest page; a larger `limit` is capped, not refused (as TAXII does). */
export const WARNING_PAGE_MAX = 1000;
/**
 * A page examines at most this many warnings per warning it may return. A reader who may see few of
 * the node's warnings (or asks for a rare recipient or state) gets short pages, possibly empty, each
 * with `next` — rather than one request that scans the whole log.
 */
export const WARNING_SCAN_FACTOR = 4;

export interface WarningListQuery {
  /** Only recipients that are this party (its id). */
  readonly recipient?: string | undefined;
  /** Only recipients at this stage. */
  readonly state?: RecipientStage | undefined;
  /** At most this many warnings (default WARNING_PAGE_DEFAULT, capped at WARNING_PAGE_MAX). */
  readonly limit?: number | undefined;
  /** The `next` of the previous page. */
  readonly next?: string | undefined;
}

/** One warning of the list, with the rows of its recipients that the query selects. */
export interface WarningSummary {
  readonly id: string;
  readonly modified: string;
  readonly author: string;
  /** The latest version's log index. */
  readonly index: number;
  readonly resolved: { readonly outcome: string; readonly at: string | undefined } | undefined;
  readonly recipients: readonly {
    readonly party: string;
    readonly state: RecipientStage;
    readonly nextDeadline: { readonly kind: string; readonly at: string | undefined } | undefined;
    readonly escalated: readonly string[];
  }[];
}

export interface WarningPage {
  readonly warnings: WarningSummary[];
  /** Present when there may be more: pass it back as `next` for the following page. */
  readonly next?: string;
}

const isoMs = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * The list of warnings a reader may read (`GET /api/v1/warnings`), in log order of each warning's
 * first version, a page at a time.
 *
 * A page walks the warning versions after its cursor in the WarningIndex — which follows the log, and
 * catches up with it (from whichever process appended) before each page — and for each takes its
 * latest version (judged by the TLP reader) and its lifecycle state, folded as the log grew: no record
 * is read or refolded per request, so a page costs the same however many records each warning has.
 * The work of a request is bounded by its page: at most `limit × WARNING_SCAN_FACTOR` warning
 * versions examined.
 *
 * `next` is opaque: the log index of the last warning version examined and a fingerprint of the
 * caller and filters (the TAXII page token's format), so it survives restarts and works on any process.
 */
export class WarningList {
  constructor(
    private readonly d: {
      readonly index: WarningIndex;
      readonly records: RecordReader;
    },
  ) {}

  async page(reader: Reader, q: WarningListQuery = {}): Promise<WarningPage> {
    const limit = Math.max(1, Math.min(q.limit ?? WARNING_PAGE_DEFAULT, WARNING_PAGE_MAX));
    const fingerprint = queryFingerprint(["warnings", reader.kind, "id" in reader ? String(reader.id) : "", q.recipient ?? "", q.state ?? ""]);
    let after = q.next === undefined ? -1 : decodePageToken(q.next, fingerprint);
    const budget = limit * WARNING_SCAN_FACTOR;
    const relations = await this.d.records.relations();
    await this.d.index.catchUp();
    // From here on nothing is awaited: the page is one consistent view of the index.
    const index = this.d.index;
    const out: WarningSummary[] = [];
    let position = index.firstVersionAfter(after);
    for (let examined = 0; examined < budget && out.length < limit && position < index.versionCount; examined++, position++) {
      const { logIndex, warning } = index.versionAt(position);
      after = logIndex;
      // Listed once, at its first version; a later version is not a new warning.
      if (warning.firstIndex !== logIndex) continue;
      const summary = this.#summary(reader, warning, relations, q);
      if (summary) out.push(summary);
    }
    // More when a warning version lies beyond the last one examined.
    return position < index.versionCount ? { warnings: out, next: encodePageToken(after, fingerprint) } : { warnings: out };
  }

  /** The warning's row if the reader may read it and the filters select it. */
  #summary(reader: Reader, w: IndexedWarning, relations: PartyRelations, q: WarningListQuery): WarningSummary | undefined {
    const latest = w.latest;
    if (!this.d.records.canReadAudience(reader, latest.audience, relations)) return undefined;
    // A row is never built from text its author did not sign (the node's fault: a coded 500, as a direct read).
    if (w.corrupted) throw w.corrupted;
    if (w.foldError !== undefined) throw w.foldError;
    const state = w.state;
    if (!state) return undefined;
    // No row may rest on a record TLP hides from this reader (audiences are fixed when written).
    const hidden = this.#hiddenFromState(reader, w, relations);
    if (hidden === "all") return undefined;
    const recipients = recipientStates(state).filter(
      (r) => !hidden.has(r.recipient) && (q.recipient === undefined || r.recipient === q.recipient) && (q.state === undefined || r.state === q.state),
    );
    if (recipients.length === 0) return undefined;
    const status = warningStatus(state);
    return {
      id: w.id,
      modified: latest.modified,
      author: latest.author,
      index: latest.logIndex,
      resolved: status.resolution ? { outcome: status.resolution.outcome, at: isoMs(status.resolution.loggedAt) } : undefined,
      recipients: recipients.map((r) => ({
        party: r.recipient,
        state: r.state,
        nextDeadline: r.nextDeadline ? { kind: r.nextDeadline.kind, at: isoMs(r.nextDeadline.deadline) } : undefined,
        escalated: r.escalated,
      })),
    };
  }

  /**
   * What of the warning's state rests on records the reader may not read (RecordReader.hiddenFromState,
   * from the indexed facts): "all" when a resolution is hidden, else the recipients whose rows are.
   */
  #hiddenFromState(reader: Reader, w: IndexedWarning, relations: PartyRelations): "all" | ReadonlySet<string> {
    const recipients = new Set<string>();
    if (reader.kind === "node") return recipients;
    for (const r of w.related) {
      if (r.kind === "reveal") continue;
      if (this.d.records.canReadAudience(reader, audienceOfRecordAbout(w.versionAudiences, r), relations)) continue;
      if (r.kind === "resolution") return "all";
      recipients.add(r.kind === "escalation" ? (r.subject ?? r.author) : r.author);
    }
    return recipients;
  }
}
