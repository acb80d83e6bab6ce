import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FederationService } from "../exchange/federation-service.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { requestReader } from "./auth.js";
import { IgnoredQuery, NoQuery, Params, WarningId } from "./params.js";

const WarningParams = Params({ id: WarningId() });

/**
 * Federation between nodes (docs/federation.md): GET /federation/v1/node, what a peer needs to pin this
 * node (public: origin, log key, node party, hosted parties, their logged key history with proofs);
 * GET /api/v1/warnings/<id>/deliveries, where the delivery of each record of the thread to peer nodes
 * stands (queued, delivered, receipted, failed), for a caller who may read the warning. Deliveries from
 * peers arrive over TAXII (the inbox collections' POST, marked X-Tocsin-Origin).
 */
export const federationRoutes: FastifyPluginAsyncTypebox<{ federation: FederationService; services: ExchangeServices }> = async (app, { federation, services }) => {
  app.get("/federation/v1/node", { schema: { querystring: IgnoredQuery } }, async (_request, reply) => reply.header("cache-control", "no-cache").send(await federation.node()));

  app.get("/api/v1/warnings/:id/deliveries", { schema: { params: WarningParams, querystring: NoQuery } }, async (request) => ({
    deliveries: await federation.deliveries(await requestReader(request, services), request.params.id),
  }));
};
