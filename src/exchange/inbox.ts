import { WARNING_EXT } from "../core/record/index.js";
import { tlpLevelOf, type Reader, type TlpLevel } from "../core/tlp/index.js";
import type { PartyRow, StoredRecord } from "../store/store.js";
import type { WarningPage, WarningSummary } from "./warning-list.js";

/** One warning as a duty officer's inbox shows it: what it is, who sent it, and where each recipient stands. */
export interface InboxItem {
  readonly id: string;
  readonly title: string;
  readonly modified: string;
  readonly author: string;
  readonly authorName: string;
  readonly tlp: TlpLevel;
  readonly probability: number | undefined;
  readonly severity: string | undefined;
  readonly windowStart: string | undefined;
  readonly windowEnd: string | undefined;
  /** How the caller relates to it: a recipient, its sender, or (both) a warning to itself. */
  readonly role: "recipient" | "sender";
  readonly resolved: WarningSummary["resolved"];
  readonly recipients: readonly (WarningSummary["recipients"][number] & { readonly name: string })[];
}

export interface Inbox {
  readonly me: { readonly id: string; readonly slug: string; readonly name: string; readonly custodial: boolean };
  /** Newest first (by the latest version's `modified`). */
  readonly warnings: readonly InboxItem[];
}

/** What the inbox reads: the warnings list, one record's latest version, and the parties' names. */
export interface InboxSources {
  warnings(reader: Reader, q: { recipient?: string; limit?: number; next?: string }): Promise<WarningPage>;
  record(reader: Reader, id: string): Promise<StoredRecord>;
  parties(): Promise<readonly PartyRow[]>;
}

/** The most warnings an inbox lists (the newest of those the caller may read). */
export const INBOX_MAX = 500;

/**
 * The caller's inbox: every warning it may read that it sent or receives, newest first, each with the
 * fields a person scans for (title, sender's name, TLP, probability, window) taken from the latest
 * version it may read, and each recipient's stage and next deadline as the warnings list folds them.
 */
export async function inboxOf(sources: InboxSources, me: PartyRow, reader: Reader): Promise<Inbox> {
  const names = new Map((await sources.parties()).map((p) => [p.id, p.name]));
  const summaries: WarningSummary[] = [];
  let next: string | undefined;
  do {
    const page = await sources.warnings(reader, { limit: 200, ...(next ? { next } : {}) });
    summaries.push(...page.warnings.filter((w) => w.author === me.id || w.recipients.some((r) => r.party === me.id)));
    next = page.next;
  } while (next !== undefined && summaries.length < INBOX_MAX * 2);
  const items: InboxItem[] = [];
  for (const w of summaries) {
    const body = JSON.parse((await sources.record(reader, w.id)).body) as Record<string, unknown>;
    const ext = ((body.extensions as Record<string, Record<string, unknown>> | undefined) ?? {})[WARNING_EXT] ?? {};
    items.push({
      id: w.id,
      title: typeof body.name === "string" ? body.name : w.id,
      modified: w.modified,
      author: w.author,
      authorName: names.get(w.author) ?? w.author,
      tlp: tlpLevelOf(Array.isArray(body.object_marking_refs) ? (body.object_marking_refs as string[]) : []).level,
      probability: typeof ext.probability === "number" ? ext.probability : undefined,
      severity: typeof ext.severity === "string" ? ext.severity : undefined,
      windowStart: typeof ext.window_start === "string" ? ext.window_start : undefined,
      windowEnd: typeof ext.window_end === "string" ? ext.window_end : undefined,
      role: w.recipients.some((r) => r.party === me.id) ? "recipient" : "sender",
      resolved: w.resolved,
      recipients: w.recipients.map((r) => ({ ...r, name: names.get(r.party) ?? r.party })),
    });
  }
  items.sort((a, b) => (a.modified < b.modified ? 1 : a.modified > b.modified ? -1 : 0));
  return { me: { id: me.id, slug: me.slug, name: me.name, custodial: me.custodial }, warnings: items.slice(0, INBOX_MAX) };
}
