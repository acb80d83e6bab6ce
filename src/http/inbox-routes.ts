import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { readerOf, requireCaller } from "./auth.js";
import { NoQuery } from "./params.js";

/**
 * The caller's inbox under /api/v1/inbox: the warnings it sends or receives, newest first, with the
 * titles, names, TLP and deadlines a person scans for (the web UI's first screen). Needs a token.
 */
export const inboxRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (app, { services }) => {
  app.get("/api/v1/inbox", { schema: { querystring: NoQuery } }, async (request) => {
    const caller = await requireCaller(request, services, "the inbox is a party's: send Authorization: Bearer <token>");
    return services.inbox(caller, readerOf(caller));
  });
};
