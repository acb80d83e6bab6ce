import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { ExchangeServices } from "../../exchange/exchange-services.js";
import { requireCaller } from "../auth.js";
import { IgnoredQuery, Params } from "../params.js";
import { TAXII_API_ROOT } from "./discovery-routes.js";
import { sendTaxii } from "./media-types.js";
import { methodsNotAllowed } from "./methods-not-allowed.js";
import { TAXII_CREDENTIALS } from "./taxii-request.js";

const StatusParams = Params({ sid: Type.String() });

/** TAXII 2.1 status resources (§4.3): the outcome of a POST, for its poster. */
export const statusRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (s, { services }) => {
  const url = `/${TAXII_API_ROOT}/status/:sid/`;
  s.get(url, { schema: { params: StatusParams, querystring: IgnoredQuery } }, async (request, reply) => {
    const caller = await requireCaller(request, services, TAXII_CREDENTIALS);
    return sendTaxii(reply, await services.taxii.status(caller, request.params.sid));
  });
  methodsNotAllowed(s, url, ["GET"], StatusParams);
};
