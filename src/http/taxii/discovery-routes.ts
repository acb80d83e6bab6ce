import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { IgnoredQuery } from "../params.js";
import { sendTaxii, TAXII_MEDIA_TYPE } from "./media-types.js";
import { methodsNotAllowed } from "./methods-not-allowed.js";

/** The one API root. */
export const TAXII_API_ROOT = "exchange";

/** TAXII 2.1 discovery (§4.1) and the API root's information (§4.2). */
export const discoveryRoutes: FastifyPluginAsyncTypebox<{ maxBodyBytes: number }> = async (s, { maxBodyBytes }) => {
  const root = `/${TAXII_API_ROOT}/`;

  s.get("/", { schema: { querystring: IgnoredQuery } }, async (request, reply) => {
    const url = `${baseUrl(request)}/taxii2${root}`;
    return sendTaxii(reply, {
      title: "Tocsin",
      description: "Signed, accountable warnings of imminent attacks: STIX 2.1 records, each in a Merkle transparency log.",
      default: url,
      api_roots: [url],
    });
  });
  methodsNotAllowed(s, "/", ["GET"]);

  s.get(root, { schema: { querystring: IgnoredQuery } }, async (_request, reply) =>
    sendTaxii(reply, {
      title: "Tocsin exchange",
      description: "Each party's inbox, a shared collection filtered by TLP 2.0, and Tocsin's definitions.",
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: maxBodyBytes,
    }),
  );
  methodsNotAllowed(s, root, ["GET"]);
};

/** scheme://host of the request, the Host header checked (it is client input). */
function baseUrl(request: FastifyRequest): string {
  const host = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/.test(request.host) ? request.host : "localhost";
  return `${request.protocol}://${host}`;
}
