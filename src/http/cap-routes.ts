import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { MAX_CAP_BYTES } from "../exchange/cap-xml-reader.js";
import { posterOf, requestReader, requirePoster } from "./auth.js";
import { CheckedByService, IgnoredQuery, Params, Query, WarningId } from "./params.js";

/** The media type of CAP documents (IANA: application/cap+xml, registered by the OASIS Emergency Management TC). */
export const CAP_MEDIA_TYPE = "application/cap+xml";

/** XML bodies are accepted under these types; any other is 415. */
const XML_TYPES = [CAP_MEDIA_TYPE, "application/xml", "text/xml"];

/*
 * Bodies up to four times the CAP limit reach the service, which refuses what exceeds MAX_CAP_BYTES
 * with its own code (CAP_XML_TOO_LARGE); anything larger is cut off while it streams in
 * (HTTP_BODY_TOO_LARGE), so an XML post never buffers more than this.
 */
const XML_BODY_LIMIT = 4 * MAX_CAP_BYTES;

const WarningParams = Params({ id: WarningId() });
const VersionQuery = Query({ version: Type.Optional(Type.String()) });

/**
 * OASIS CAP 1.2 for alerting systems (docs/cap.md): a warning as a CAP alert, and a custodial party's
 * CAP Ack imported as its receipt. XML bodies are parsed only in this plugin (its content-type parser
 * is encapsulated here), as bytes, and handed whole to the service, which parses them safely.
 */
export const capRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (app, { services }) => {
  app.addContentTypeParser(XML_TYPES, { parseAs: "buffer", bodyLimit: XML_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get("/api/v1/warnings/:id/cap", { schema: { params: WarningParams, querystring: VersionQuery } }, async (request, reply) => {
    const xml = await services.capAlert(await requestReader(request, services), request.params.id, request.query.version);
    return reply.type(`${CAP_MEDIA_TYPE}; charset=utf-8`).send(xml);
  });

  // The body is raw XML bytes: the service parses and validates them (CAP_* codes), never Fastify.
  app.post("/api/v1/cap/acks", { schema: { querystring: IgnoredQuery, body: CheckedByService }, preValidation: requirePoster(services) }, async (request, reply) => {
    // Only this plugin's XML parser yields bytes; a JSON body (the app's own parser) is not a CAP document.
    const body: unknown = request.body;
    if (body !== undefined && !Buffer.isBuffer(body)) throw new TocsinError("HTTP_UNSUPPORTED_MEDIA_TYPE", `a CAP Ack is XML: ${XML_TYPES.join(", ")}`);
    const imported = await services.importCapAck(posterOf(request), body ?? Buffer.alloc(0));
    return reply.code(201).send({
      ack: imported.ack,
      receipts: imported.receipts.map((a) => ({
        id: a.id,
        modified: a.modified,
        kind: a.kind,
        digest: a.digest,
        index: a.index,
        leafHash: a.leafHash || undefined,
        custodial: a.custodial,
        duplicate: a.duplicate,
        record: a.record,
      })),
    });
  });
};
