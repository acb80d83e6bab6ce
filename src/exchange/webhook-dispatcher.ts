import { createHash } from "node:crypto";
import { PeriodicTask } from "./periodic-task.js";
import { rfc3339, type Clock } from "../core/clock.js";
import { formatEventId, isEventType, parseEventId, type EventType } from "../core/notify/index.js";
import type { Store, WebhookDeliveryRow, WebhookRow } from "../store/store.js";
import type { Logger } from "./logger.js";
import type { NotificationFeed } from "./notification-feed.js";
import { sendWebhook } from "./webhook-sender.js";
import type { WebhookPolicy } from "./webhook-target.js";

export interface WebhookDispatchOptions {
  readonly timeoutMs: number;
  /** The wait before the second attempt; each later one waits twice as long (capped at an hour). */
  readonly retryBaseMs: number;
  /** Attempts before a delivery is marked failed. */
  readonly maxAttempts: number;
  readonly policy: WebhookPolicy;
}

/** Deliveries sent at once (per tick). */
const CONCURRENCY = 8;
const MAX_BACKOFF_MS = 3_600_000;

/**
 * Turns every endpoint's events into durable deliveries and sends them, in the one process that holds
 * the sequencing lease (a LeaderTask, like the escalator): each tick first queues, per endpoint, the
 * events after its cursor (the deliveries and the cursor's move in one transaction), then sends what is
 * due, recording every attempt. A delivery's message id is derived from the endpoint and the event, so
 * a send repeated after a crash carries the same `webhook-id` (at least once; receivers deduplicate).
 * A failed attempt is retried after retryBaseMs · 2^(attempts−1); after maxAttempts it is `failed`.
 */
export class WebhookDispatcher {
  readonly #task = new PeriodicTask(
    () => this.#tick(),
    (e) => this.d.logger.error({ err: e }, "webhooks: tick failed; retrying at the next tick"),
  );

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly feed: NotificationFeed;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly options: WebhookDispatchOptions;
    },
  ) {}

  async start(intervalMs: number): Promise<void> {
    this.stop();
    this.#seen = "";
    await this.#task.start(intervalMs);
  }

  stop(): void {
    this.#task.stop();
  }

  /** Queues new events and sends what is due; one tick at a time. */
  tick(): Promise<void> {
    return this.#task.tick();
  }


  /** The log size and last notice number the endpoints were last brought up to, and whether a page was left over. */
  #seen = "";
  #more = false;

  async #tick(): Promise<void> {
    // Idle, a tick costs two indexed reads and the due-deliveries query, however many endpoints there are.
    const seen = `${await this.d.store.logSize()}/${await this.d.store.maxNoticeSeq()}`;
    if (seen !== this.#seen || this.#more) {
      let more = false;
      for (const w of await this.d.store.allWebhooks()) more = (await this.#queue(w)) || more;
      this.#seen = seen;
      this.#more = more;
    }
    const due = await this.d.store.dueWebhookDeliveries(this.d.clock.now(), 64);
    for (let i = 0; i < due.length; i += CONCURRENCY) await Promise.all(due.slice(i, i + CONCURRENCY).map((x) => this.#send(x)));
  }

  /** Queues an endpoint's next events; true when more may follow at once. */
  async #queue(w: WebhookRow): Promise<boolean> {
    const from = parseEventId(w.cursor);
    if (!from) return false;
    const types = w.events.length > 0 ? new Set(w.events.filter(isEventType) as EventType[]) : undefined;
    const page = await this.d.feed.page(w.partyId, from, 200, types);
    const to = formatEventId(page.position);
    if (to === w.cursor) return false;
    const now = this.d.clock.now();
    const at = rfc3339(now);
    const rows: WebhookDeliveryRow[] = page.events.map((e) => ({
      id: `msg_${createHash("sha256").update(`${w.id} ${e.id}`).digest("hex").slice(0, 32)}`,
      webhookId: w.id,
      eventId: e.id,
      type: e.data.type,
      // Standard Webhooks' payload shape: type, timestamp, data.
      payload: JSON.stringify({ type: e.data.type, timestamp: e.data.at, data: { ...e.data, eventId: e.id } }),
      state: "queued",
      attempts: 0,
      nextMs: now,
      createdAt: at,
      updatedAt: at,
    }));
    await this.d.store.queueDeliveries(w.id, w.cursor, to, rows);
    return page.more;
  }

  async #send(x: WebhookDeliveryRow): Promise<void> {
    const w = await this.d.store.webhook(x.webhookId);
    if (!w) return;
    const { timeoutMs, policy, retryBaseMs, maxAttempts } = this.d.options;
    const outcome = await sendWebhook({ url: w.url, secret: w.secret }, { id: x.id, body: x.payload, nowMs: this.d.clock.now() }, { timeoutMs, policy });
    const now = this.d.clock.now();
    const attempts = x.attempts + 1;
    const state = outcome.ok ? "delivered" : attempts >= maxAttempts ? "failed" : "queued";
    await this.d.store.updateWebhookDelivery(x.id, {
      state,
      attempts,
      nextMs: state === "queued" ? now + Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** (attempts - 1)) : x.nextMs,
      lastStatus: outcome.status,
      lastError: outcome.error,
      updatedAt: rfc3339(now),
    });
  }
}
