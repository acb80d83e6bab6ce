import type { FastifyRequest } from "fastify";
import type { PartyRow } from "../../exchange/exchange-reads.js";
import type { ExchangeServices } from "../../exchange/exchange-services.js";
import type { TaxiiCollection } from "../../exchange/taxii-collections.js";
import { callerOf, requireCaller } from "../auth.js";
import { assertTaxiiContentType } from "./media-types.js";

/** Who asks, and about which collection: resolved before the query or body is validated. */
export interface TaxiiContext {
  readonly caller: PartyRow | undefined;
  readonly collection: TaxiiCollection;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `collectionAccess` (a preValidation hook) on the collection routes. */
    taxii: TaxiiContext | null;
  }
}

/** What a collection route needs before its query or body is read. */
export interface CollectionAccess {
  /** The path holds an object id (:oid), checked first, as match[id] is. */
  readonly objectId?: boolean;
  /** Credentials are required (writes). */
  readonly party?: boolean;
  readonly need: "read" | "write" | "delete";
  /** The body must be TAXII 2.1 (a POST). */
  readonly taxiiBody?: boolean;
}

export const TAXII_CREDENTIALS = "this TAXII endpoint needs credentials (HTTP Basic slug:token, Bearer or Token)";

/**
 * A preValidation hook resolving caller and collection in the order TAXII clients have always been
 * answered in: object id syntax, credentials, the collection (404), the right to read or write it
 * (401/403), the body's media type (415) — and only then the query's filters and the body's shape.
 */
export function collectionAccess(services: ExchangeServices, access: CollectionAccess) {
  return async (request: FastifyRequest): Promise<void> => {
    if (access.objectId) services.taxii.checkObjectId(pathParam(request, "oid"));
    // A peer node's delivery (X-Tocsin-Origin) carries no party's credentials: each record is verified
    // against the peer's pinned keys and log instead (src/exchange/federation-receiver.ts).
    const peerDelivery = access.need === "write" && access.taxiiBody === true && peerOriginOf(request) !== undefined;
    const caller = access.party && !peerDelivery ? await requireCaller(request, services, TAXII_CREDENTIALS) : await callerOf(request, services);
    const collection = await services.taxii.collection(pathParam(request, "cid"));
    if (access.need === "read") services.taxii.assertCanRead(caller, collection);
    else if (peerDelivery) services.taxii.assertPeerDelivery(collection);
    else services.taxii.assertCanWrite(caller, collection, access.need === "delete" ? `delete from collection ${collection.alias}` : undefined);
    if (access.taxiiBody) assertTaxiiContentType(request.headers["content-type"]);
    request.taxii = { caller, collection };
  };
}

/** The context `collectionAccess` resolved (a route without that hook has none: a bug, answered 500). */
export function taxiiContext(request: FastifyRequest): TaxiiContext {
  if (!request.taxii) throw new Error("TAXII route without collectionAccess reads its context");
  return request.taxii;
}

/** The context of a route whose hook required credentials: the caller is the poster. */
export function taxiiPoster(request: FastifyRequest): { readonly poster: PartyRow; readonly collection: TaxiiCollection } {
  const { caller, collection } = taxiiContext(request);
  if (!caller) throw new Error("TAXII write route without credentials in its collectionAccess");
  return { poster: caller, collection };
}

/** The origin a peer node's delivery names (header X-Tocsin-Origin), if any. */
export function peerOriginOf(request: FastifyRequest): string | undefined {
  const v = request.headers["x-tocsin-origin"];
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** A path parameter before the schema has checked the params (the router always supplies it as text). */
function pathParam(request: FastifyRequest, name: string): string {
  const params: unknown = request.params;
  const v: unknown = params !== null && typeof params === "object" ? Reflect.get(params, name) : undefined;
  return typeof v === "string" ? v : "";
}
