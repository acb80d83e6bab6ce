import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { WAIVER_GROUNDS } from "../core/duty/index.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { requestReader } from "./auth.js";
import { NoQuery, Params, Query } from "./params.js";

const DeterminationParams = Params({ id: Type.String({ pattern: "^x-tocsin-determination--[0-9a-f-]{36}$" }) });
const ListQuery = Query({ author: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

/**
 * The duty to warn under /api/v1/duty (docs/duty-to-warn.md): the closed list of waiver grounds, and
 * the determinations the caller may read (TLP: a determination is for its author and reviewers) with
 * their decisions, approvals, escalations, reveals and the warnings they led to, each link checked.
 * Determinations, decisions, approvals, policies and reveals are written as signed records through
 * POST /api/v1/records (the `tocsin duty` commands build them); the duty rules apply there.
 */
export const dutyRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (app, { services }) => {
  app.get("/api/v1/duty/grounds", { schema: { querystring: NoQuery } }, async () => ({
    source: "Intelligence Community Directive 191, Duty to Warn (21 July 2015): justifications for waiving the duty to warn",
    grounds: WAIVER_GROUNDS.map((g) => ({ code: g.code, label: g.label, sourceProtection: g.sourceProtection })),
  }));

  app.get("/api/v1/duty/determinations", { schema: { querystring: ListQuery } }, async (request) => {
    const reader = await requestReader(request, services);
    const author = request.query.author === undefined ? undefined : (await services.party(request.query.author)).id;
    return { determinations: await services.dutyCases(reader, author) };
  });

  app.get("/api/v1/duty/determinations/:id", { schema: { params: DeterminationParams, querystring: NoQuery } }, async (request) =>
    services.dutyCase(await requestReader(request, services), request.params.id),
  );
};
