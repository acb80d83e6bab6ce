import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { rfc3339, type Clock } from "../../core/clock.js";
import { isTocsinError, TocsinError } from "../../core/errors/tocsin-error.js";
import {
  decodePageToken,
  encodePageToken,
  formatDateAdded,
  parseTaxiiFilters,
  queryFingerprint,
  type FilterName,
  type TaxiiFilters,
} from "../../core/taxii/index.js";
import { ANONYMOUS_READER, partyReader } from "../../core/tlp/index.js";
import type { Admission } from "../../exchange/admission.js";
import { admitEach } from "../../exchange/admit-each.js";
import { ExchangeError } from "../../exchange/exchange-errors.js";
import type { PartyDirectory } from "../../exchange/party-directory.js";
import type { RecordDeletion } from "../../exchange/record-deletion.js";
import type { RecordReader } from "../../exchange/record-reader.js";
import { TaxiiCollections, type CollectionItem, type CollectionPage, type TaxiiCollection } from "../../exchange/taxii-collections.js";
import type { PartyRow, Store } from "../../store/store.js";
import { callerOf } from "../auth.js";
import { problemOf, translateFastifyError } from "../problem.js";
import { assertJsonDepth } from "../input-guards.js";
import { assertAcceptsTaxii, assertTaxiiContentType, sendTaxii, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from "./media-types.js";
import { sendTaxiiError } from "./taxii-error.js";

export interface TaxiiDeps {
  readonly store: Store;
  readonly parties: PartyDirectory;
  readonly admission: Admission;
  readonly records: RecordReader;
  readonly deletion: RecordDeletion;
  readonly clock: Clock;
  /** The node's body limit, published as the API root's max_content_length. */
  readonly maxBodyBytes: number;
}

/** The one API root. */
export const TAXII_API_ROOT = "exchange";
/** Status resources are kept a week (TAXII asks for at least 24 h). */
export const STATUS_RETENTION_MS = 7 * 86_400_000;

const OBJECTS_FILTERS: readonly FilterName[] = ["added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]"];
const OBJECT_FILTERS: readonly FilterName[] = ["added_after", "limit", "next", "match[version]", "match[spec_version]"];
const VERSIONS_FILTERS: readonly FilterName[] = ["added_after", "limit", "next", "match[spec_version]"];
const DELETE_FILTERS: readonly FilterName[] = ["match[version]", "match[spec_version]"];

const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

type Params = { cid?: string; oid?: string; sid?: string };

/**
 * TAXII 2.1 under /taxii2/: discovery, one API root, collections, manifest, objects (GET, POST), object
 * (GET, DELETE), versions and status. Encapsulated in its own Fastify scope so that every error here —
 * ours, Fastify's (body limit, bad JSON) and unknown routes — answers the TAXII error resource.
 */
export function registerTaxiiRoutes(app: FastifyInstance, d: TaxiiDeps): void {
  const collections = new TaxiiCollections(d.store, d.records);

  void app.register(
    async (s) => {
      s.setErrorHandler((error, request, reply) => {
        const e = isTocsinError(error) ? error : translateFastifyError(error as Parameters<typeof translateFastifyError>[0]);
        if (problemOf(e).status >= 500) request.log.error({ err: error, code: e.code }, "TAXII request failed");
        return sendTaxiiError(reply, e);
      });
      s.setNotFoundHandler((request, reply) => sendTaxiiError(reply, new TocsinError("HTTP_NOT_FOUND", `no TAXII route for ${request.method} ${request.url}`)));
      s.addContentTypeParser(/^application\/taxii\+json(\s*;.*)?$/i, { parseAs: "string" }, (_request, body, done) => {
        try {
          assertJsonDepth(body as string);
        } catch (e) {
          done(e as Error, undefined);
          return;
        }
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(new TocsinError("HTTP_MALFORMED_JSON", "request body is not valid JSON"), undefined);
        }
      });
      s.addHook("onRequest", async (request) => assertAcceptsTaxii(request.headers.accept));

      const route = (url: string, handlers: Partial<Record<"GET" | "POST" | "DELETE", (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>>>) => {
        for (const [method, handler] of Object.entries(handlers)) s.route({ method, url, handler });
        const others = ALL_METHODS.filter((m) => !(m in handlers) && !(m === "HEAD" && "GET" in handlers));
        s.route({
          method: [...others],
          url,
          handler: async (request) => {
            throw new TocsinError("HTTP_METHOD_NOT_ALLOWED", `${request.method} is not allowed here`, { details: { allow: Object.keys(handlers) } });
          },
        });
      };
      const root = `/${TAXII_API_ROOT}/`;

      route("/", {
        GET: async (request, reply) => {
          const url = `${baseUrl(request)}/taxii2${root}`;
          return taxii(reply, {
            title: "Tocsin",
            description: "Signed, accountable warnings of imminent attacks: STIX 2.1 records, each in a Merkle transparency log.",
            default: url,
            api_roots: [url],
          });
        },
      });

      route(root, {
        GET: async (_request, reply) =>
          taxii(reply, {
            title: "Tocsin exchange",
            description: "Each party's inbox, a shared collection filtered by TLP 2.0, and Tocsin's definitions.",
            versions: [TAXII_MEDIA_TYPE],
            max_content_length: d.maxBodyBytes,
          }),
      });

      route(`${root}status/:sid/`, {
        GET: async (request, reply) => {
          const caller = await requireParty(request);
          const row = await d.store.taxiiStatus((request.params as Params).sid!);
          if (!row || row.owner !== caller.id) throw new TocsinError("TAXII_STATUS_NOT_FOUND", "no such status (they are kept for 7 days)");
          return taxii(reply, row.body);
        },
      });

      route(`${root}collections/`, {
        GET: async (request, reply) => {
          const caller = await callerOf(request, d.parties);
          const all = await collections.all();
          return taxii(reply, { collections: all.map((c) => collectionResource(c, caller)) });
        },
      });

      const collectionOf = async (request: FastifyRequest): Promise<TaxiiCollection> => {
        const c = await collections.find((request.params as Params).cid!);
        if (!c) throw new TocsinError("TAXII_COLLECTION_NOT_FOUND", `no collection ${(request.params as Params).cid}`);
        return c;
      };
      const collectionUrl = `${root}collections/:cid/`;

      route(collectionUrl, {
        GET: async (request, reply) => {
          const caller = await callerOf(request, d.parties);
          return taxii(reply, collectionResource(await collectionOf(request), caller));
        },
      });

      /** Resolves caller, collection (readable) and one page of it under the request's filters. */
      const readPage = async (request: FastifyRequest, endpoint: string, allowed: readonly FilterName[], fixed: { ids?: string[]; allVersions?: boolean } = {}) => {
        const caller = await callerOf(request, d.parties);
        const c = await collectionOf(request);
        if (!collections.canRead(caller, c)) throw notPermitted(caller, `read collection ${c.alias}`);
        const f = parseTaxiiFilters(request.query, allowed);
        const fingerprint = queryFingerprint([caller?.id ?? "anonymous", c.id, endpoint, ...(fixed.ids ?? []), f.canonical]);
        let afterUs = f.addedAfterUs ?? -1;
        if (f.next !== undefined) afterUs = Math.max(afterUs, decodePageToken(f.next, fingerprint));
        const page = await collections.page(caller ? partyReader(caller.id) : ANONYMOUS_READER, c, {
          afterUs,
          limit: f.limit,
          ...(fixed.ids ? { ids: fixed.ids } : f.ids ? { ids: f.ids } : {}),
          ...(f.types ? { types: f.types } : {}),
          versions: fixed.allVersions ? { all: true } : f.versions,
          ...(f.specVersions ? { specVersions: f.specVersions } : {}),
        });
        return { caller, c, f, page, afterUs, next: page.more ? encodePageToken(page.resumeAfterUs, fingerprint) : undefined };
      };

      route(`${collectionUrl}manifest/`, {
        GET: async (request, reply) => {
          const { page, next } = await readPage(request, "manifest", OBJECTS_FILTERS);
          dateHeaders(reply, page);
          return taxii(reply, {
            more: page.more,
            ...(next ? { next } : {}),
            ...(page.items.length > 0
              ? { objects: page.items.map((i) => ({ id: i.id, date_added: formatDateAdded(i.addedUs), version: i.modified, media_type: STIX_MEDIA_TYPE })) }
              : {}),
          });
        },
      });

      route(`${collectionUrl}objects/`, {
        GET: async (request, reply) => {
          const { page, next } = await readPage(request, "objects", OBJECTS_FILTERS);
          dateHeaders(reply, page);
          return taxii(reply, envelope(page, next));
        },
        POST: async (request, reply) => {
          const caller = await requireParty(request);
          const c = await collectionOf(request);
          if (!collections.canWrite(caller, c)) throw notPermitted(caller, `write to collection ${c.alias}`);
          assertTaxiiContentType(request.headers["content-type"]);
          const objects = envelopeObjects(request.body);
          const requestedAt = d.clock.now();
          const outcomes = await admitEach(d.admission, caller, objects);
          const successes = [];
          const failures = [];
          for (let i = 0; i < objects.length; i++) {
            const o = outcomes[i]!;
            const raw = objects[i] as Record<string, unknown> | null;
            if ("ok" in o) {
              const a = o.ok;
              const how = a.duplicate ? "already logged (exact duplicate)" : a.custodial ? "logged, signed by the node for its custodial author" : "logged";
              successes.push({ id: a.id, version: a.modified, message: `${how} at index ${a.index}, digest ${a.digest}` });
            } else {
              const id = typeof raw?.id === "string" ? raw.id : "";
              const version = typeof raw?.modified === "string" ? raw.modified : typeof raw?.created === "string" ? raw.created : "";
              const property = o.error.details?.property;
              failures.push({ id, version, message: `${o.error.code}: ${o.error.message}${property === undefined ? "" : ` (${String(property)})`}` });
            }
          }
          const status = {
            id: randomUUID(),
            status: "complete",
            request_timestamp: rfc3339(requestedAt),
            total_count: objects.length,
            success_count: successes.length,
            ...(successes.length > 0 ? { successes } : {}),
            failure_count: failures.length,
            ...(failures.length > 0 ? { failures } : {}),
            pending_count: 0,
          };
          const body = JSON.stringify(status);
          await d.store.saveTaxiiStatus({ id: status.id, owner: caller.id, createdAtMs: requestedAt, body }, d.clock.now() - STATUS_RETENTION_MS);
          return taxii(reply.code(202), body);
        },
      });

      const objectUrl = `${collectionUrl}objects/:oid/`;
      const oidOf = (request: FastifyRequest): string => {
        const oid = (request.params as Params).oid!;
        parseTaxiiFilters({ "match[id]": oid }, ["match[id]"]); // same syntax check as the filter
        return oid;
      };

      route(objectUrl, {
        GET: async (request, reply) => {
          const oid = oidOf(request);
          const r = await readPage(request, "object", OBJECT_FILTERS, { ids: [oid] });
          if (r.page.items.length === 0) await assertVisible(r.caller, r.c, oid);
          dateHeaders(reply, r.page);
          return taxii(reply, envelope(r.page, r.next));
        },
        DELETE: async (request, reply) => {
          const oid = oidOf(request);
          const caller = await requireParty(request);
          const c = await collectionOf(request);
          if (!collections.canWrite(caller, c)) throw notPermitted(caller, `delete from collection ${c.alias}`);
          const f = parseTaxiiFilters(request.query, DELETE_FILTERS);
          await assertVisible(caller, c, oid);
          const deleted = await d.deletion.delete(caller, oid, (live) => selectVersions(live, f, (request.query as Record<string, unknown>)["match[version]"] !== undefined));
          if (deleted.length === 0) throw new ExchangeError("RECORD_NOT_FOUND", `no version of ${oid} matches`);
          return reply.code(200).header("content-type", TAXII_MEDIA_TYPE).send(Buffer.alloc(0));
        },
      });

      route(`${objectUrl}versions/`, {
        GET: async (request, reply) => {
          const oid = oidOf(request);
          const r = await readPage(request, "versions", VERSIONS_FILTERS, { ids: [oid], allVersions: true });
          if (r.page.items.length === 0) await assertVisible(r.caller, r.c, oid);
          dateHeaders(reply, r.page);
          return taxii(reply, { more: r.page.more, ...(r.next ? { next: r.next } : {}), ...(r.page.items.length > 0 ? { versions: r.page.items.map((i) => i.modified) } : {}) });
        },
      });

      /** 404 unless some live version of the object is in the collection as the caller sees it. */
      async function assertVisible(caller: PartyRow | undefined, c: TaxiiCollection, oid: string): Promise<void> {
        const any = await collections.page(caller ? partyReader(caller.id) : ANONYMOUS_READER, c, { afterUs: -1, limit: 1, ids: [oid], versions: { all: true } });
        if (any.items.length === 0) throw new ExchangeError("RECORD_NOT_FOUND", `no object ${oid} in collection ${c.alias}`);
      }
    },
    { prefix: "/taxii2" },
  );

  async function requireParty(request: FastifyRequest): Promise<PartyRow> {
    const caller = await callerOf(request, d.parties);
    if (!caller) throw new ExchangeError("AUTH_REQUIRED", "this TAXII endpoint needs credentials (HTTP Basic slug:token, Bearer or Token)");
    return caller;
  }

  function collectionResource(c: TaxiiCollection, caller: PartyRow | undefined) {
    return {
      id: c.id,
      title: c.title,
      description: c.description,
      alias: c.alias,
      can_read: collections.canRead(caller, c),
      can_write: collections.canWrite(caller, c),
      media_types: [STIX_MEDIA_TYPE],
    };
  }
}

function notPermitted(caller: PartyRow | undefined, what: string): TocsinError {
  return caller ? new TocsinError("TAXII_NOT_PERMITTED", `${caller.slug} may not ${what}`) : new ExchangeError("AUTH_REQUIRED", `credentials are needed to ${what}`);
}

const taxii = sendTaxii;

/** The objects of a page spliced as stored (canonical JSON text), without parsing them again. */
function envelope(page: CollectionPage, next: string | undefined): string {
  const head = `{"more":${page.more}${next ? `,"next":${JSON.stringify(next)}` : ""}`;
  return page.items.length === 0 ? `${head}}` : `${head},"objects":[${page.items.map((i: CollectionItem) => i.body).join(",")}]}`;
}

function dateHeaders(reply: FastifyReply, page: CollectionPage): void {
  if (page.items.length === 0) return;
  reply.header("X-TAXII-Date-Added-First", formatDateAdded(page.items[0]!.addedUs));
  reply.header("X-TAXII-Date-Added-Last", formatDateAdded(page.items.at(-1)!.addedUs));
}

function envelopeObjects(body: unknown): unknown[] {
  if (!body || typeof body !== "object" || Array.isArray(body) || !Array.isArray((body as { objects?: unknown }).objects)) {
    throw new TocsinError("HTTP_BAD_REQUEST_BODY", "the body must be a TAXII envelope: {\"objects\": [ … ]}");
  }
  const objects = (body as { objects: unknown[] }).objects;
  if (objects.length === 0) throw new ExchangeError("BATCH_EMPTY", "the envelope has no objects");
  return objects;
}

/**
 * The versions a DELETE's match[version] / match[spec_version] pick among the live ones (oldest first).
 * Without match[version], every version is deleted.
 */
function selectVersions<T extends { modified: string }>(live: T[], f: TaxiiFilters, versionGiven: boolean): T[] {
  if (f.specVersions && !f.specVersions.includes("2.1")) return [];
  const v = f.versions;
  if (!versionGiven || v.all) return live;
  return live.filter((r, i) => (v.first && i === 0) || (v.last && i === live.length - 1) || (v.modified ?? []).includes(r.modified));
}

/** scheme://host of the request, the Host header checked (it is client input). */
function baseUrl(request: FastifyRequest): string {
  const host = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/.test(request.host) ? request.host : "localhost";
  return `${request.protocol}://${host}`;
}
