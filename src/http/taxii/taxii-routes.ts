import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyError } from "fastify";
import { isTocsinError, TocsinError } from "../../core/errors/tocsin-error.js";
import type { ExchangeServices } from "../../exchange/exchange-services.js";
import { assertJsonDepth } from "../input-guards.js";
import { problemOf, translateFastifyError } from "../problem.js";
import { collectionRoutes } from "./collection-routes.js";
import { discoveryRoutes } from "./discovery-routes.js";
import { assertAcceptsTaxii } from "./media-types.js";
import { objectRoutes } from "./object-routes.js";
import { statusRoutes } from "./status-routes.js";
import { sendTaxiiError } from "./taxii-error.js";

/**
 * TAXII 2.1 under /taxii2/ (register with that prefix): discovery and the API root, collections,
 * their objects, and status resources, each a plugin of its own. One Fastify scope around them, so
 * that every error here — ours, a schema's, Fastify's (body limit, bad JSON) and unknown routes —
 * answers the TAXII error resource, every response is negotiated as TAXII, and a TAXII body is parsed.
 */
export const taxiiRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices; maxBodyBytes: number }> = async (s, { services, maxBodyBytes }) => {
  s.setErrorHandler<FastifyError>((error, request, reply) => {
    const e = isTocsinError(error) ? error : translateFastifyError(error);
    if (problemOf(e).status >= 500) request.log.error({ err: error, code: e.code }, "TAXII request failed");
    return sendTaxiiError(reply, e);
  });
  s.setNotFoundHandler((request, reply) => sendTaxiiError(reply, new TocsinError("HTTP_NOT_FOUND", `no TAXII route for ${request.method} ${request.url}`)));
  s.addContentTypeParser(/^application\/taxii\+json(\s*;.*)?$/i, { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    try {
      assertJsonDepth(text);
    } catch (e) {
      done(e instanceof Error ? e : new Error(String(e)), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new TocsinError("HTTP_MALFORMED_JSON", "request body is not valid JSON"), undefined);
    }
  });
  s.decorateRequest("taxii", null);
  s.addHook("onRequest", async (request) => assertAcceptsTaxii(request.headers.accept));

  await s.register(discoveryRoutes, { maxBodyBytes });
  await s.register(collectionRoutes, { services });
  await s.register(objectRoutes, { services });
  await s.register(statusRoutes, { services });
};
