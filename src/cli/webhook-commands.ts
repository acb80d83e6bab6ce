import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { SESSION_OPTIONS, openProfileSession } from "./party-session-options.js";

/*
 * A party's webhook endpoints, over HTTP with its saved profile (docs/notifications.md): each command
 * is one call of tocsin/client.
 */

/** `tocsin webhook add URL [--events TYPE,…]`: registers an endpoint and prints its secret, once. */
export const webhookAddCommand = defineCommand(
  {
    name: "webhook add",
    summary: "Register a webhook endpoint for your events; prints its signing secret (shown once).",
    description:
      "Each event is POSTed to URL as JSON, signed by the Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature: v1,<HMAC-SHA256>) with the secret printed here; failed deliveries are retried with exponential backoff.",
    positionals: "URL",
    options: {
      events: { type: "string", value: "TYPE,…", help: "only these event types: inbox, record, escalation, deadline, delivery-failed, witness-alarm (default all)" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("webhook add takes one URL");
    const session = await openProfileSession(values.profile);
    const events = values.events === undefined ? [] : values.events.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const w = await session.client.addWebhook(positionals[0]!, events);
    if (values.json) out(JSON.stringify(w, null, 2) + "\n");
    else out(`webhook ${w.id} → ${w.url} (${w.events.length ? w.events.join(", ") : "every event type"})\nsecret ${w.secret}\n  (shown this once: the receiver verifies every delivery's webhook-signature with it)\n`);
    return 0;
  },
);

export const webhookListCommand = defineCommand(
  { name: "webhook list", summary: "List your webhook endpoints.", options: { ...SESSION_OPTIONS } },
  async ({ values }, out) => {
    const session = await openProfileSession(values.profile);
    const hooks = await session.client.webhooks();
    if (values.json) out(JSON.stringify({ webhooks: hooks }, null, 2) + "\n");
    else if (hooks.length === 0) out("no webhooks\n");
    else out(hooks.map((w) => `${w.id}  ${w.url}  ${w.events.length ? w.events.join(",") : "all events"}  since ${w.createdAt}`).join("\n") + "\n");
    return 0;
  },
);

export const webhookRemoveCommand = defineCommand(
  { name: "webhook remove", summary: "Remove one of your webhook endpoints (and its delivery log).", positionals: "ID", options: { ...SESSION_OPTIONS } },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("webhook remove takes one webhook ID");
    const session = await openProfileSession(values.profile);
    await session.client.removeWebhook(positionals[0]!);
    out(values.json ? JSON.stringify({ removed: positionals[0] }) + "\n" : `removed ${positionals[0]}\n`);
    return 0;
  },
);

export const webhookDeliveriesCommand = defineCommand(
  {
    name: "webhook deliveries",
    summary: "Show a webhook's delivery log: each event's state (queued, delivered, failed), attempts, last status and error.",
    positionals: "ID",
    options: { limit: { type: "string", value: "N", help: "at most N deliveries, newest first (default 100, at most 1000)" }, ...SESSION_OPTIONS },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("webhook deliveries takes one webhook ID");
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) throw new UsageError("--limit must be an integer from 1 to 1000");
    const session = await openProfileSession(values.profile);
    const log = await session.client.webhookDeliveries(positionals[0]!, limit);
    if (values.json) out(JSON.stringify({ deliveries: log }, null, 2) + "\n");
    else if (log.length === 0) out("no deliveries yet\n");
    else
      out(
        log
          .map((d) => `${d.createdAt}  ${d.type.padEnd(15)} ${d.state.padEnd(9)} ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}${d.lastStatus ? `, last HTTP ${d.lastStatus}` : ""}${d.state !== "delivered" && d.lastError ? `, ${d.lastError}` : ""}${d.nextAttemptAt ? `; next ${d.nextAttemptAt}` : ""}`)
          .join("\n") + "\n",
      );
    return 0;
  },
);
