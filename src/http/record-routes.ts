import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { ExchangeServices } from "../exchange/exchange-services.js";
import { posterOf, requestReader, requirePoster } from "./auth.js";
import { IgnoredQuery, Params, Query } from "./params.js";

const RecordParams = Params({ id: Type.String() });
const VersionQuery = Query({ version: Type.Optional(Type.String()) });
/** One STIX object, an array of them, or a STIX bundle (an object whose objects the route takes). */
const RecordsBody = Type.Union([Type.Array(Type.Unknown()), Type.Record(Type.String(), Type.Unknown())]);

/** Records under /api/v1/records: admission of signed records and TLP-enforced reads with proofs. */
export const recordRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (app, { services }) => {
  app.post("/api/v1/records", { schema: { querystring: IgnoredQuery, body: RecordsBody }, preValidation: requirePoster(services) }, async (request, reply) => {
    const admitted = await services.admit(posterOf(request), recordsOfBody(request.body));
    const anyNew = admitted.some((a) => !a.duplicate);
    return reply.code(anyNew ? 201 : 200).send({
      records: admitted.map((a) => ({
        id: a.id,
        modified: a.modified,
        kind: a.kind,
        digest: a.digest,
        index: a.index,
        leafHash: a.leafHash || undefined,
        custodial: a.custodial,
        duplicate: a.duplicate,
        ...(a.custodial ? { record: a.record } : {}),
      })),
    });
  });

  app.get("/api/v1/records/:id", { schema: { params: RecordParams, querystring: VersionQuery } }, async (request) => {
    const record = await services.record(await requestReader(request, services), request.params.id, request.query.version);
    return JSON.parse(record.body);
  });

  app.get("/api/v1/records/:id/proof", { schema: { params: RecordParams, querystring: VersionQuery } }, async (request) =>
    services.recordProof(await requestReader(request, services), request.params.id, request.query.version),
  );
};

/** The objects of a body: an array as it is, a bundle's objects, or one object. */
function recordsOfBody(body: unknown[] | Record<string, unknown>): unknown[] {
  if (Array.isArray(body)) return body;
  if (body.type === "bundle") {
    if (!Array.isArray(body.objects)) throw new TocsinError("HTTP_BAD_REQUEST_BODY", "a bundle needs an objects array");
    return body.objects;
  }
  return [body];
}
