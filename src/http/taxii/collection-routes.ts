import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { CollectionView } from "../../exchange/taxii-exchange.js";
import type { ExchangeServices } from "../../exchange/exchange-services.js";
import { callerOf } from "../auth.js";
import { IgnoredQuery, Params } from "../params.js";
import { TAXII_API_ROOT } from "./discovery-routes.js";
import { sendTaxii, STIX_MEDIA_TYPE } from "./media-types.js";
import { methodsNotAllowed } from "./methods-not-allowed.js";

export const CollectionParams = Params({ cid: Type.String() });

/** TAXII 2.1 collections (§5.1, §5.2): every collection, and one, with what the caller may do there. */
export const collectionRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (s, { services }) => {
  const all = `/${TAXII_API_ROOT}/collections/`;
  s.get(all, { schema: { querystring: IgnoredQuery } }, async (request, reply) => {
    const caller = await callerOf(request, services);
    return sendTaxii(reply, { collections: (await services.taxii.collections(caller)).map(collectionResource) });
  });
  methodsNotAllowed(s, all, ["GET"]);

  const one = `${all}:cid/`;
  s.get(one, { schema: { params: CollectionParams, querystring: IgnoredQuery } }, async (request, reply) => {
    const caller = await callerOf(request, services);
    const c = await services.taxii.collection(request.params.cid);
    return sendTaxii(reply, collectionResource(services.taxii.view(caller, c)));
  });
  methodsNotAllowed(s, one, ["GET"], CollectionParams);
};

function collectionResource(v: CollectionView) {
  const c = v.collection;
  return { id: c.id, title: c.title, description: c.description, alias: c.alias, can_read: v.canRead, can_write: v.canWrite, media_types: [STIX_MEDIA_TYPE] };
}
