import { formatEventId, type EventData, type EventPosition, type EventType, type NotificationEvent } from "../core/notify/index.js";
import { partyReader, type RecordAudience } from "../core/tlp/index.js";
import type { Store, StoredNotice, StoredRecord } from "../store/store.js";
import type { RecordReader } from "./record-reader.js";

/** Records read from the log per page. */
const LOG_PAGE = 500;

/**
 * What a log record tells a party who may read it: zero or more events, in a fixed order (their order
 * is part of the event ids). The thread events (record, inbox, escalation) are built in; a branch that
 * logs records of a new kind adds one of these (e.g. witness alarms: `{ type: "witness-alarm" }` for
 * its alarm record kind) — see docs/notifications.md, "Adding a source".
 */
export interface LogEventSource {
  eventsOf(record: StoredRecord, body: Record<string, unknown>, party: string, audience: RecordAudience): { type: EventType; summary: string }[];
}

/** The events of warning threads: every record of a thread, and the inbox and escalation ones. */
export const THREAD_EVENTS: LogEventSource = {
  eventsOf(record, body, party, audience) {
    const out: { type: EventType; summary: string }[] = [];
    if (!record.warningRef) return out;
    const name = short(typeof body.name === "string" ? body.name : record.warningRef);
    out.push({ type: "record", summary: `${record.kind} ${record.id} about ${record.warningRef === record.id ? `"${name}"` : record.warningRef}` });
    if (record.kind === "warning" && record.author !== party && audience.recipients.includes(party)) {
      out.push({ type: "inbox", summary: `warning "${name}" addressed to you (version ${record.modified})` });
    }
    if (record.kind === "escalation") {
      out.push({ type: "escalation", summary: `${String(body.recipient_ref)} missed the ${String(body.deadline_kind)} deadline (${String(body.deadline)}) of ${record.warningRef}` });
    }
    return out;
  },
};

/**
 * Witness alarms (docs/federation.md): a logged proof that a log showed two histories. Every party that
 * may read the alarm record (they are TLP:CLEAR) hears of it: it may have been shown the other history.
 */
export const WITNESS_ALARM_EVENTS: LogEventSource = {
  eventsOf(record, body) {
    if (record.kind !== "witness-alarm") return [];
    return [{ type: "witness-alarm", summary: `split view of log ${short(String(body.log_origin))} (${String(body.evidence)}), detected ${String(body.detected_at)}` }];
  },
};

/** Long enough for a person to recognise a warning, short enough to keep events small. */
function short(s: string): string {
  const one = s.replace(/\s+/g, " ");
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}

export interface FeedPage {
  readonly events: NotificationEvent[];
  /** Where the next page starts (it may be past the last event: records the party may not read were skipped). */
  readonly position: EventPosition;
  /** More may follow at once (a full page was read). */
  readonly more: boolean;
}

/**
 * A party's events, derived on demand from what every process can read — the log (through the one
 * TLP door, RecordReader) and the notice table — so any process serves any party's stream, and an
 * event id (a position in both) resumes it exactly. The SSE stream and the webhook dispatcher both
 * read here.
 */
export class NotificationFeed {
  constructor(
    private readonly d: {
      readonly store: Store;
      readonly records: RecordReader;
      /** Log event sources after the thread events (e.g. witness alarms); see LogEventSource. */
      readonly sources?: readonly LogEventSource[];
    },
  ) {}

  /** The position of "now": what is appended from here on is new. */
  async now(): Promise<EventPosition> {
    const [size, notice] = await Promise.all([this.d.store.logSize(), this.d.store.maxNoticeSeq()]);
    return { log: size, sub: 0, notice };
  }

  /** Up to about `limit` events of `party` after `from` (only of `types` when given). */
  async page(party: string, from: EventPosition, limit: number, types?: ReadonlySet<EventType>): Promise<FeedPage> {
    const events: NotificationEvent[] = [];
    let pos = from;
    const rows = await this.d.store.recordsAfter(from.log - 1, LOG_PAGE);
    const visible = new Map((await this.d.records.visible(partyReader(party), rows)).map((v) => [v.record.logIndex, v.audience]));
    let logDone = rows.length < LOG_PAGE;
    for (const r of rows) {
      const audience = visible.get(r.logIndex);
      const all = audience ? this.#eventsOf(r, party, audience) : [];
      const skip = r.logIndex === pos.log ? pos.sub : 0;
      for (let k = skip; k < all.length; k++) {
        const data = all[k]!;
        pos = { log: r.logIndex, sub: k + 1, notice: pos.notice };
        if (!types || types.has(data.type)) events.push({ id: formatEventId(pos), data });
      }
      pos = { log: r.logIndex + 1, sub: 0, notice: pos.notice };
      if (events.length >= limit) {
        logDone = false;
        break;
      }
    }
    if (!logDone) return { events, position: pos, more: true };
    const room = Math.max(limit - events.length, 1);
    const notices = await this.d.store.noticesAfter(party, pos.notice, room);
    for (const n of notices) {
      pos = { ...pos, notice: n.seq };
      const data = noticeData(n);
      if (data && (!types || types.has(data.type))) events.push({ id: formatEventId(pos), data });
    }
    return { events, position: pos, more: notices.length === room };
  }

  #eventsOf(r: StoredRecord, party: string, audience: RecordAudience): EventData[] {
    const body = JSON.parse(r.body) as Record<string, unknown>;
    const out: EventData[] = [];
    for (const source of [THREAD_EVENTS, ...(this.d.sources ?? [])]) {
      for (const e of source.eventsOf(r, body, party, audience)) {
        out.push({
          type: e.type,
          at: r.loggedAt,
          ...(r.warningRef ? { warningId: r.warningRef } : {}),
          recordId: r.id,
          summary: e.summary,
          logIndex: r.logIndex,
          recordKind: r.kind,
          modified: r.modified,
        });
      }
    }
    return out;
  }
}

function noticeData(n: StoredNotice): EventData | undefined {
  return {
    type: n.type as EventType,
    at: n.at,
    ...(n.warningId ? { warningId: n.warningId } : {}),
    ...(n.recordId ? { recordId: n.recordId } : {}),
    summary: n.summary,
  };
}
