import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { PERIODS } from "../core/scoring/index.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { requestReader } from "./auth.js";
import { Decimal, decimal, IgnoredQuery, NoQuery, Params, Query } from "./params.js";

/** Largest number of reliability bins a caller may ask for. */
export const MAX_BINS = 50;

const PartyParams = Params({ id: Type.String() });
const TrackRecordQuery = Query({
  period: Type.Optional(Type.Union(PERIODS.map((p) => Type.Literal(p)))),
  bins: Type.Optional(Decimal()),
});

/** Parties under /api/v1/parties: a party's identity (with its logged keys) and its track record. */
export const partyRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (app, { services }) => {
  // Every party's identity is a public record (its registration is logged): the list names them for choosing recipients.
  app.get("/api/v1/parties", { schema: { querystring: NoQuery } }, async () => ({ parties: await services.partyDirectory() }));

  app.get("/api/v1/parties/:id", { schema: { params: PartyParams, querystring: IgnoredQuery } }, async (request) => services.identity(request.params.id));

  app.get("/api/v1/parties/:id/track-record", { schema: { params: PartyParams, querystring: TrackRecordQuery } }, async (request) => {
    const { period } = request.query;
    const bins = request.query.bins === undefined ? undefined : decimal(request.query.bins);
    if (bins !== undefined && (bins < 1 || bins > MAX_BINS)) {
      throw new TocsinError("HTTP_BAD_PARAMETER", `bins must be between 1 and ${MAX_BINS}`, { details: { parameter: "bins" } });
    }
    const reader = await requestReader(request, services);
    return services.trackRecord(reader, request.params.id, { ...(period ? { period } : {}), ...(bins ? { bins } : {}) });
  });
};
