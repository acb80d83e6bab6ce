/**
 * The event types of the notification stream (GET /api/v1/events) and of webhooks, as the contract
 * between branches fixes them (docs/notifications.md):
 *
 *   inbox            a new warning, or a new version of one, addressed to the party by another party
 *   record           any new record in a warning thread the party may read (TLP decides, as on every read)
 *   escalation       an escalation record the party may read (a recipient missed a deadline)
 *   deadline         a deadline of a warning addressed to the party is about to pass
 *   delivery-failed  a record the party sent could not be delivered to another node (federation)
 *   witness-alarm    a logged alarm record: a witness caught a log showing two views
 */
export const EVENT_TYPES = ["inbox", "record", "escalation", "deadline", "delivery-failed", "witness-alarm"] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

/** The JSON of an event's `data` line (and a webhook's body). */
export interface EventData {
  readonly type: EventType;
  /** RFC 3339: when the log recorded the record, or when the notice was made. */
  readonly at: string;
  readonly warningId?: string;
  readonly recordId?: string;
  /** One line for a person. */
  readonly summary: string;
  /** For log-derived events: the record's log index, kind and version. */
  readonly logIndex?: number;
  readonly recordKind?: string;
  readonly modified?: string;
}

/** One event of a party's stream: its position (the SSE `id`) and what happened. */
export interface NotificationEvent {
  readonly id: string;
  readonly data: EventData;
}
