import { randomBytes } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import { EVENT_TYPES, formatEventId, isEventType, parseEventId, SECRET_PREFIX, type EventPosition, type EventType } from "../core/notify/index.js";
import type { Store, WebhookDeliveryRow, WebhookRow } from "../store/store.js";
import type { EventHub, StreamTicket } from "./event-hub.js";
import { ExchangeError } from "./exchange-errors.js";
import type { FeedPage, NotificationFeed } from "./notification-feed.js";
import { checkWebhookAddress, checkWebhookUrl, type WebhookPolicy } from "./webhook-target.js";

/** Most webhook endpoints one party may register. */
export const MAX_WEBHOOKS_PER_PARTY = 10;

/** A webhook endpoint as its party sees it (the secret only in the answer that created it). */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly createdAt: string;
}

/** One delivery in an endpoint's log. */
export interface DeliveryView {
  readonly id: string;
  readonly eventId: string;
  readonly type: string;
  readonly state: WebhookDeliveryRow["state"];
  readonly attempts: number;
  readonly nextAttemptAt?: string;
  readonly lastStatus?: number;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The notification side of the application services: a party's event stream (positions, pages, the
 * per-process hub that wakes streams) and its webhook endpoints with their delivery logs.
 */
export class Notifications {
  constructor(
    private readonly d: {
      readonly store: Store;
      readonly feed: NotificationFeed;
      readonly hub: EventHub;
      readonly clock: Clock;
      readonly policy: WebhookPolicy;
    },
  ) {}

  /** The position a stream starts from: `lastEventId` when given (NOTIFY_BAD_EVENT_ID if it is none of ours), else now. */
  async startPosition(lastEventId: string | undefined): Promise<EventPosition> {
    if (lastEventId === undefined || lastEventId.trim() === "") return this.d.feed.now();
    const p = parseEventId(lastEventId);
    if (!p) throw new ExchangeError("NOTIFY_BAD_EVENT_ID", "Last-Event-ID is not an event id of this node (<log index>.<sub-index>.<notice number>)");
    return p;
  }

  /** The event types a client asked for (comma-separated); NOTIFY_UNKNOWN_EVENT_TYPE for any other. */
  eventTypes(list: string | readonly string[] | undefined): EventType[] | undefined {
    if (list === undefined) return undefined;
    const names = (typeof list === "string" ? list.split(",") : list).map((s) => s.trim()).filter((s) => s !== "");
    const unknown = names.find((n) => !isEventType(n));
    if (unknown !== undefined) {
      throw new ExchangeError("NOTIFY_UNKNOWN_EVENT_TYPE", `unknown event type ${JSON.stringify(unknown.slice(0, 40))}; one of ${EVENT_TYPES.join(", ")}`, { details: { types: EVENT_TYPES } });
    }
    return names.length === 0 ? undefined : [...new Set(names as EventType[])];
  }

  page(party: string, from: EventPosition, limit: number, types?: ReadonlySet<EventType>): Promise<FeedPage> {
    return this.d.feed.page(party, from, limit, types);
  }

  /** A place among the party's open streams (NOTIFY_TOO_MANY_STREAMS past the limit); close it when the stream ends. */
  openStream(party: string): StreamTicket {
    return this.d.hub.openStream(party);
  }

  /** Registers an endpoint; the answer carries its secret, shown this once. */
  async addWebhook(party: string, url: string, events: readonly string[] = []): Promise<WebhookView & { secret: string }> {
    const checked = checkWebhookUrl(url, this.d.policy);
    const types = this.eventTypes(events) ?? [];
    await checkWebhookAddress(checked, this.d.policy);
    if ((await this.d.store.webhooksOf(party)).length >= MAX_WEBHOOKS_PER_PARTY) {
      throw new ExchangeError("NOTIFY_WEBHOOK_LIMIT", `a party may register at most ${MAX_WEBHOOKS_PER_PARTY} webhook endpoints`, { details: { limit: MAX_WEBHOOKS_PER_PARTY } });
    }
    const row: WebhookRow = {
      id: `wh_${randomBytes(12).toString("hex")}`,
      partyId: party,
      url: checked.href,
      events: types,
      secret: `${SECRET_PREFIX}${randomBytes(24).toString("base64")}`,
      createdAt: rfc3339(this.d.clock.now()),
      // Events from now on: an endpoint is told what happens after it is added.
      cursor: formatEventId(await this.d.feed.now()),
    };
    await this.d.store.insertWebhook(row);
    return { ...view(row), secret: row.secret };
  }

  async webhooks(party: string): Promise<WebhookView[]> {
    return (await this.d.store.webhooksOf(party)).map(view);
  }

  async removeWebhook(party: string, id: string): Promise<void> {
    if (!(await this.d.store.removeWebhook(id, party))) throw notFound(id);
  }

  /** An endpoint's delivery log, newest first. */
  async deliveries(party: string, id: string, limit = 100): Promise<DeliveryView[]> {
    const w = await this.d.store.webhook(id);
    if (!w || w.partyId !== party) throw notFound(id);
    return (await this.d.store.webhookDeliveriesOf(id, limit)).map((x) => ({
      id: x.id,
      eventId: x.eventId,
      type: x.type,
      state: x.state,
      attempts: x.attempts,
      ...(x.state === "queued" ? { nextAttemptAt: rfc3339(x.nextMs) } : {}),
      ...(x.lastStatus !== undefined ? { lastStatus: x.lastStatus } : {}),
      ...(x.lastError !== undefined ? { lastError: x.lastError } : {}),
      createdAt: x.createdAt,
      updatedAt: x.updatedAt,
    }));
  }
}

const view = (w: WebhookRow): WebhookView => ({ id: w.id, url: w.url, events: w.events, createdAt: w.createdAt });

/** Another party's endpoint is as unknown as a missing one. */
const notFound = (id: string) => new ExchangeError("NOTIFY_WEBHOOK_NOT_FOUND", `no webhook ${id.slice(0, 80)}`);
