import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type, type TSchema } from "typebox";
import { formatDateAdded } from "../../core/taxii/index.js";
import type { ExchangeServices } from "../../exchange/exchange-services.js";
import type { CollectionPage, ObjectItem } from "../../exchange/taxii-collections.js";
import { TAXII_FILTERS } from "../../exchange/taxii-exchange.js";
import { ORIGIN_PROOFS_MEMBER } from "../../exchange/federation-receiver.js";
import { TocsinError } from "../../core/errors/tocsin-error.js";
import { IgnoredQuery, Params, Query } from "../params.js";
import { CollectionParams } from "./collection-routes.js";
import { TAXII_API_ROOT } from "./discovery-routes.js";
import { EnvelopeBuffers } from "./envelope-buffers.js";
import { sendTaxii, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from "./media-types.js";
import { methodsNotAllowed } from "./methods-not-allowed.js";
import { collectionAccess, peerOriginOf, taxiiContext, taxiiPoster } from "./taxii-request.js";

const ObjectParams = Params({ cid: Type.String(), oid: Type.String() });
/** A TAXII envelope (§3.7): its objects are admitted one by one, each succeeding or failing alone. */
const EnvelopeBody = Type.Object({ objects: Type.Array(Type.Unknown()) }, { additionalProperties: true });

/**
 * The filters an endpoint takes, by name: a filter may be repeated (`match[id]=a&match[id]=b`), and its
 * values are read by the TAXII query parser, which names the parameter of a bad one.
 */
function filters(names: readonly string[]) {
  const properties: Record<string, TSchema> = {};
  for (const n of names) properties[n] = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())]));
  return Query(properties);
}

/**
 * The objects of a TAXII collection (§5.3–§5.7): manifest, objects (GET, POST), one object (GET,
 * DELETE) and its versions. Caller, collection and rights are resolved before the filters are read.
 */
export const objectRoutes: FastifyPluginAsyncTypebox<{ services: ExchangeServices }> = async (s, { services }) => {
  const collectionUrl = `/${TAXII_API_ROOT}/collections/:cid/`;
  const read = collectionAccess(services, { need: "read" });
  const buffers = new EnvelopeBuffers();
  /** Sends a page as an envelope written into a reused buffer, given back once the response is out. */
  const sendEnvelope = (reply: FastifyReply, page: CollectionPage<ObjectItem>, next: string | undefined) => {
    const { bytes, backing } = envelope(page, next, buffers);
    if (backing) reply.raw.once("finish", () => buffers.give(backing));
    return sendTaxii(reply, bytes);
  };
  const readObject = collectionAccess(services, { need: "read", objectId: true });

  s.get(`${collectionUrl}manifest/`, { schema: { params: CollectionParams, querystring: filters(TAXII_FILTERS.manifest) }, preValidation: read }, async (request, reply) => {
    const { caller, collection } = taxiiContext(request);
    const { page, next } = await services.taxii.page(caller, collection, "manifest", request.query);
    dateHeaders(reply, page);
    return sendTaxii(reply, {
      more: page.more,
      ...(next ? { next } : {}),
      ...(page.items.length > 0
        ? { objects: page.items.map((i) => ({ id: i.id, date_added: formatDateAdded(i.addedUs), version: i.modified, media_type: STIX_MEDIA_TYPE })) }
        : {}),
    });
  });
  methodsNotAllowed(s, `${collectionUrl}manifest/`, ["GET"], CollectionParams);

  const objectsUrl = `${collectionUrl}objects/`;
  s.get(objectsUrl, { schema: { params: CollectionParams, querystring: filters(TAXII_FILTERS.objects) }, preValidation: read }, async (request, reply) => {
    const { caller, collection } = taxiiContext(request);
    const { page, next } = await services.taxii.page(caller, collection, "objects", request.query);
    dateHeaders(reply, page);
    return sendEnvelope(reply, page, next);
  });
  s.post(
    objectsUrl,
    { schema: { params: CollectionParams, querystring: IgnoredQuery, body: EnvelopeBody }, preValidation: collectionAccess(services, { need: "write", party: true, taxiiBody: true }) },
    async (request, reply) => {
      const origin = peerOriginOf(request);
      if (origin !== undefined) {
        // A peer node delivering records of its log, each with its origin proof (docs/federation.md).
        if (!services.federation) throw new TocsinError("FEDERATION_UNKNOWN_PEER", "this node takes no deliveries from peers");
        const status = await services.federation.receive(origin, request.body.objects, (request.body as Record<string, unknown>)[ORIGIN_PROOFS_MEMBER]);
        return sendTaxii(reply.code(202), status);
      }
      const { poster, collection } = taxiiPoster(request);
      const status = await services.taxii.post(poster, collection, request.body.objects);
      return sendTaxii(reply.code(202), status);
    },
  );
  methodsNotAllowed(s, objectsUrl, ["GET", "POST"], CollectionParams);

  const objectUrl = `${objectsUrl}:oid/`;
  s.get(objectUrl, { schema: { params: ObjectParams, querystring: filters(TAXII_FILTERS.object) }, preValidation: readObject }, async (request, reply) => {
    const { caller, collection } = taxiiContext(request);
    const oid = request.params.oid;
    const r = await services.taxii.page(caller, collection, "object", request.query, { ids: [oid] });
    if (r.page.items.length === 0) await services.taxii.assertVisible(caller, collection, oid);
    dateHeaders(reply, r.page);
    return sendEnvelope(reply, r.page, r.next);
  });
  s.delete(
    objectUrl,
    { schema: { params: ObjectParams, querystring: filters(TAXII_FILTERS.delete) }, preValidation: collectionAccess(services, { need: "delete", party: true, objectId: true }) },
    async (request, reply) => {
      const { poster, collection } = taxiiPoster(request);
      await services.taxii.delete(poster, collection, request.params.oid, request.query);
      return reply.code(200).header("content-type", TAXII_MEDIA_TYPE).send(Buffer.alloc(0));
    },
  );
  methodsNotAllowed(s, objectUrl, ["GET", "DELETE"], ObjectParams);

  const versionsUrl = `${objectUrl}versions/`;
  s.get(versionsUrl, { schema: { params: ObjectParams, querystring: filters(TAXII_FILTERS.versions) }, preValidation: readObject }, async (request, reply) => {
    const { caller, collection } = taxiiContext(request);
    const oid = request.params.oid;
    const r = await services.taxii.page(caller, collection, "versions", request.query, { ids: [oid], allVersions: true });
    if (r.page.items.length === 0) await services.taxii.assertVisible(caller, collection, oid);
    dateHeaders(reply, r.page);
    return sendTaxii(reply, { more: r.page.more, ...(r.next ? { next: r.next } : {}), ...(r.page.items.length > 0 ? { versions: r.page.items.map((i) => i.modified) } : {}) });
  });
  methodsNotAllowed(s, versionsUrl, ["GET"], ObjectParams);
};

/**
 * The objects of a page spliced as stored (canonical JSON text), without parsing them again, each
 * written as UTF-8 straight into the response's one buffer: joining 1 000 bodies into a string and
 * encoding that copied every byte twice more (≈ 1 µs an object of the page's CPU, issue 16). The
 * buffer (`backing`; `bytes` is the envelope's part of it) comes from `buffers`, for the caller to
 * give back when the response is out.
 *
 * The buffer is sized as if the text were ASCII (a byte a UTF-16 unit), so the bodies are not scanned
 * once for their UTF-8 length before being copied (that scan was ≈ 0.2–0.3 µs an object). UTF-8 takes
 * at most 3 bytes a unit: a body is written straight in while 3 bytes a unit of it still fit; from the
 * first that might not (the last few of an ASCII page), the rest is measured exactly and the buffer
 * exchanged for a larger one once if it must be. Same bytes either way.
 */
function envelope(page: CollectionPage<ObjectItem>, next: string | undefined, buffers: EnvelopeBuffers): { bytes: Buffer; backing?: Buffer } {
  const head = `{"more":${page.more}${next ? `,"next":${JSON.stringify(next)}` : ""}`;
  const items = page.items;
  if (items.length === 0) return { bytes: Buffer.from(`${head}}`, "utf8") };
  const open = `${head},"objects":[`;
  let size = Buffer.byteLength(open, "utf8") + 2;
  for (const i of items) size += i.body.length + 1;
  let out = buffers.take(size);
  let at = out.write(open, 0, "utf8");
  let measured = false;
  for (let k = 0; k < items.length; k++) {
    const body = items[k]!.body;
    // Room for its comma, at most 3 bytes a unit of it, and the closing "]}"?
    if (!measured && out.length - at < 3 * body.length + 3) {
      let need = at + 2;
      for (let j = k; j < items.length; j++) need += Buffer.byteLength(items[j]!.body, "utf8") + 1;
      if (need > out.length) {
        const grown = buffers.take(need);
        out.copy(grown, 0, 0, at);
        // Nothing was sent from it: it may serve the next page at once.
        buffers.give(out);
        out = grown;
      }
      measured = true;
    }
    if (k > 0) out[at++] = COMMA;
    at += out.write(body, at, "utf8");
  }
  at += out.write("]}", at, "utf8");
  return { bytes: out.subarray(0, at), backing: out };
}

const COMMA = 0x2c;

function dateHeaders(reply: FastifyReply, page: CollectionPage<ObjectItem>): void {
  if (page.items.length === 0) return;
  reply.header("X-TAXII-Date-Added-First", formatDateAdded(page.items[0]!.addedUs));
  reply.header("X-TAXII-Date-Added-Last", formatDateAdded(page.items.at(-1)!.addedUs));
}
