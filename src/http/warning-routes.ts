import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { RECIPIENT_STAGES } from "../core/lifecycle/index.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { requestReader } from "./auth.js";
import { Decimal, decimal, NoQuery, Params, Query, WarningId } from "./params.js";

const WarningParams = Params({ id: WarningId() });
const ListQuery = Query({
  recipient: Type.Optional(Type.String()),
  state: Type.Optional(Type.Union(RECIPIENT_STAGES.map((s) => Type.Literal(s)))),
  limit: Type.Optional(Decimal()),
  next: Type.Optional(Type.String()),
});

/**
 * Warnings under /api/v1/warnings: the paged list, a warning's timeline ("who knew what, when") and
 * its accountability bundle. TLP applies through the application services on every path.
 */
export const warningRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (app, { services }) => {
  app.get("/api/v1/warnings", { schema: { querystring: ListQuery } }, async (request) => {
    const q = request.query;
    const reader = await requestReader(request, services);
    const limit = q.limit === undefined ? undefined : decimal(q.limit);
    if (limit === 0) throw new TocsinError("HTTP_BAD_PARAMETER", "limit must be a positive integer", { details: { parameter: "limit" } });
    return services.warnings(reader, { recipient: q.recipient, state: q.state, limit, next: q.next });
  });

  app.get("/api/v1/warnings/:id/timeline", { schema: { params: WarningParams, querystring: NoQuery } }, async (request) =>
    services.timeline(await requestReader(request, services), request.params.id),
  );

  app.get("/api/v1/warnings/:id/bundle", { schema: { params: WarningParams, querystring: NoQuery } }, async (request) =>
    services.bundle(await requestReader(request, services), request.params.id, new Date()),
  );
};
