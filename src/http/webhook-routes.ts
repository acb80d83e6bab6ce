import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import type { Notifications } from "../exchange/notifications.js";
import { posterOf, requireCaller, requirePoster } from "./auth.js";
import { IgnoredQuery, Params, Query } from "./params.js";

const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 4096 }),
    events: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
  },
  { additionalProperties: false },
);
const WebhookParams = Params({ id: Type.String({ maxLength: 100 }) });
const DeliveriesQuery = Query({ limit: Type.Optional(Type.String({ pattern: "^(?:[1-9][0-9]{0,2}|1000)$" })) });

/** A party's webhook endpoints under /api/v1/webhooks (docs/notifications.md): add, list, remove, delivery log. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices; notifications: Notifications }> = async (app, { services, notifications }) => {
  const who = "webhooks need Authorization: Bearer <token>";
  app.post("/api/v1/webhooks", { schema: { querystring: IgnoredQuery, body: WebhookBody }, preValidation: requirePoster(services, who) }, async (request, reply) => {
    const created = await notifications.addWebhook(posterOf(request).id, request.body.url, request.body.events ?? []);
    return reply.code(201).send(created);
  });

  app.get("/api/v1/webhooks", { schema: { querystring: IgnoredQuery } }, async (request) => ({
    webhooks: await notifications.webhooks((await requireCaller(request, services, who)).id),
  }));

  app.delete("/api/v1/webhooks/:id", { schema: { params: WebhookParams, querystring: IgnoredQuery } }, async (request, reply) => {
    await notifications.removeWebhook((await requireCaller(request, services, who)).id, request.params.id);
    return reply.code(204).send();
  });

  app.get("/api/v1/webhooks/:id/deliveries", { schema: { params: WebhookParams, querystring: DeliveriesQuery } }, async (request) => {
    const party = await requireCaller(request, services, who);
    const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
    return { deliveries: await notifications.deliveries(party.id, request.params.id, limit) };
  });
};
