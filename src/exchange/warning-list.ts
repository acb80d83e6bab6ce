import { recipientStates, warningStatus, type RecipientStage } from "../core/lifecycle/index.js";
import { decodePageToken, encodePageToken, queryFingerprint } from "../core/taxii/page-token.js";
import type { Reader } from "../core/tlp/index.js";
import type { Store, StoredRecord } from "../store/store.js";
import type { RecordReader } from "./record-reader.js";
import { foldRecords } from "./warning-states.js";

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
/** Warning versions read from the log per store call. */
const CHUNK = 200;

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
 * Nothing is scanned or held for the whole node: a page reads the warning versions after its cursor
 * from the log (an index range in the store), and for each the records about it, which give both its
 * latest version (judged by the TLP reader) and its current lifecycle state — folded from the store,
 * so every process of a shared database answers the same, whichever admitted the records. The work
 * of a request is bounded by its page: at most `limit × WARNING_SCAN_FACTOR` warnings examined.
 *
 * `next` is opaque: the log index of the last warning version examined and a fingerprint of the
 * caller and filters (the TAXII page token's format), so it survives restarts and works on any process.
 */
export class WarningList {
  constructor(
    private readonly d: {
      readonly store: Store;
      readonly records: RecordReader;
      /** The node's own identity (the author of escalations), for folding lifecycle states. */
      readonly nodeIdentity: string;
    },
  ) {}

  async page(reader: Reader, q: WarningListQuery = {}): Promise<WarningPage> {
    const limit = Math.max(1, Math.min(q.limit ?? WARNING_PAGE_DEFAULT, WARNING_PAGE_MAX));
    const fingerprint = queryFingerprint(["warnings", reader.kind, "id" in reader ? String(reader.id) : "", q.recipient ?? "", q.state ?? ""]);
    let after = q.next === undefined ? -1 : decodePageToken(q.next, fingerprint);
    const budget = limit * WARNING_SCAN_FACTOR;
    const relations = await this.d.records.relations();
    const out: WarningSummary[] = [];
    let examined = 0;
    let more = true;
    while (more && out.length < limit && examined < budget) {
      const want = Math.min(CHUNK, budget - examined);
      const batch = await this.d.store.recordsAfter(after, want, "warning");
      more = batch.length === want;
      for (let i = 0; i < batch.length; i++) {
        const candidate = batch[i]!;
        after = candidate.logIndex;
        examined++;
        const summary = await this.#summary(reader, candidate, relations, q);
        if (summary) out.push(summary);
        if (out.length === limit) {
          // Stopped inside the batch: whatever follows in it is for the next page.
          if (i < batch.length - 1) more = true;
          break;
        }
      }
    }
    // A full page ending exactly at the log's last warning would otherwise promise an empty page.
    if (more && (await this.d.store.recordsAfter(after, 1, "warning")).length === 0) more = false;
    return more ? { warnings: out, next: encodePageToken(after, fingerprint) } : { warnings: out };
  }

  /** The warning's row if `candidate` is its first version, the reader may read it, and the filters select it. */
  async #summary(reader: Reader, candidate: StoredRecord, relations: Awaited<ReturnType<RecordReader["relations"]>>, q: WarningListQuery): Promise<WarningSummary | undefined> {
    const about = await this.d.store.recordsAbout(candidate.id);
    const versions = about.filter((r) => r.kind === "warning" && r.id === candidate.id);
    // Listed once, at its first version; a later version is not a new warning.
    if (versions[0]?.logIndex !== candidate.logIndex) return undefined;
    const latest = versions.reduce((a, b) => (b.modified > a.modified ? b : a));
    if ((await this.d.records.visible(reader, [latest], relations)).length === 0) return undefined;
    const state = foldRecords(about, this.d.nodeIdentity);
    if (!state) return undefined;
    // No row may rest on a record TLP hides from this reader (audiences are fixed when written).
    const hidden = await this.d.records.hiddenFromState(reader, about, relations);
    if (hidden.all) return undefined;
    const recipients = recipientStates(state).filter(
      (r) => !hidden.recipients.has(r.recipient) && (q.recipient === undefined || r.recipient === q.recipient) && (q.state === undefined || r.state === q.state),
    );
    if (recipients.length === 0) return undefined;
    const status = warningStatus(state);
    return {
      id: latest.id,
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
}
