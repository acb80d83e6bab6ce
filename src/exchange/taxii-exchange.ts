import type { Clock } from "../core/clock.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { decodePageToken, encodePageToken, parseTaxiiFilters, queryFingerprint, type FilterName, type TaxiiFilters } from "../core/taxii/index.js";
import { ANONYMOUS_READER, partyReader, type Reader } from "../core/tlp/index.js";
import type { PartyRow, Store } from "../store/store.js";
import type { Admission } from "./admission.js";
import { admitEach } from "./admit-each.js";
import { ExchangeError } from "./exchange-errors.js";
import type { RecordDeletion } from "./record-deletion.js";
import type { RecordReader } from "./record-reader.js";
import { TaxiiCollections, type CollectionItem, type CollectionPage, type ObjectItem, type TaxiiCollection } from "./taxii-collections.js";
import { TaxiiStatuses } from "./taxii-status.js";

/** The TAXII endpoints that read a collection, each with the filters it takes (TAXII 2.1 §5). */
export type TaxiiReadEndpoint = "manifest" | "objects" | "object" | "versions";

/** The query parameters each TAXII endpoint takes; anything else is refused, naming the parameter. */
export const TAXII_FILTERS: Readonly<Record<TaxiiReadEndpoint | "delete", readonly FilterName[]>> = {
  manifest: ["added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]"],
  objects: ["added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]"],
  object: ["added_after", "limit", "next", "match[version]", "match[spec_version]"],
  versions: ["added_after", "limit", "next", "match[spec_version]"],
  delete: ["match[version]", "match[spec_version]"],
};

/** A collection as one caller sees it: what it is and what the caller may do with it. */
export interface CollectionView {
  readonly collection: TaxiiCollection;
  readonly canRead: boolean;
  readonly canWrite: boolean;
}

/** What an endpoint's path fixes of the query: the object (its id), all of its versions. */
interface PathFilters {
  readonly ids?: string[];
  readonly allVersions?: boolean;
}

/** One page read from a collection, with the token for the next one when there is more. */
export interface TaxiiPage<I extends ObjectItem = CollectionItem> {
  readonly page: CollectionPage<I>;
  readonly next: string | undefined;
}

/**
 * TAXII 2.1 as the exchange understands it: collections (each party's inbox, the shared one, the
 * definitions), pages of them under the request's filters with page tokens bound to caller and query,
 * posting envelopes object by object with a status resource, reading those statuses, and deleting
 * one's own objects. The transport (media types, envelopes as bytes) stays in src/http/taxii.
 */
export class TaxiiExchange {
  readonly #collections: TaxiiCollections;
  readonly #statuses: TaxiiStatuses;

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly records: RecordReader;
      readonly admission: Admission;
      readonly deletion: RecordDeletion;
      readonly clock: Clock;
    },
  ) {
    this.#collections = new TaxiiCollections(d.store, d.records);
    this.#statuses = new TaxiiStatuses(d.store, d.clock);
  }

  /** Every collection, with what `caller` may do in each. */
  async collections(caller: PartyRow | undefined): Promise<CollectionView[]> {
    return (await this.#collections.all()).map((c) => this.view(caller, c));
  }

  /** The collection `idOrAlias`, else TAXII_COLLECTION_NOT_FOUND. */
  async collection(idOrAlias: string): Promise<TaxiiCollection> {
    const c = await this.#collections.find(idOrAlias);
    if (!c) throw new TocsinError("TAXII_COLLECTION_NOT_FOUND", `no collection ${idOrAlias}`);
    return c;
  }

  view(caller: PartyRow | undefined, c: TaxiiCollection): CollectionView {
    return { collection: c, canRead: this.#collections.canRead(caller, c), canWrite: this.#collections.canWrite(caller, c) };
  }

  /** Refuses a caller who may not read `c` (anonymous: AUTH_REQUIRED; a party: TAXII_NOT_PERMITTED). */
  assertCanRead(caller: PartyRow | undefined, c: TaxiiCollection): void {
    if (!this.#collections.canRead(caller, c)) throw notPermitted(caller, `read collection ${c.alias}`);
  }

  /** Refuses a caller who may not add to (or, `what`, delete from) `c`. */
  assertCanWrite(caller: PartyRow | undefined, c: TaxiiCollection, what = `write to collection ${c.alias}`): void {
    if (!this.#collections.canWrite(caller, c)) throw notPermitted(caller, what);
  }

  /** An object id in a path checked as match[id] would be (TAXII_QUERY_INVALID naming match[id]). */
  checkObjectId(oid: string): void {
    parseTaxiiFilters({ "match[id]": oid }, ["match[id]"]);
  }

  /**
   * One page of `c` for `endpoint` under the filters in `query` (TAXII_QUERY_INVALID for a bad one);
   * `ids`/`allVersions` are what the endpoint's path fixes. The caller must be allowed to read `c`.
   * The objects endpoints' items carry only the objects' text and date_added.
   */
  async page(caller: PartyRow | undefined, c: TaxiiCollection, endpoint: "manifest" | "versions", query: unknown, fixed?: PathFilters): Promise<TaxiiPage>;
  async page(caller: PartyRow | undefined, c: TaxiiCollection, endpoint: "objects" | "object", query: unknown, fixed?: PathFilters): Promise<TaxiiPage<ObjectItem>>;
  async page(caller: PartyRow | undefined, c: TaxiiCollection, endpoint: TaxiiReadEndpoint, query: unknown, fixed: PathFilters = {}): Promise<TaxiiPage<ObjectItem>> {
    this.assertCanRead(caller, c);
    const f = parseTaxiiFilters(query, TAXII_FILTERS[endpoint]);
    const fingerprint = queryFingerprint([caller?.id ?? "anonymous", c.id, endpoint, ...(fixed.ids ?? []), f.canonical]);
    let afterUs = f.addedAfterUs ?? -1;
    if (f.next !== undefined) afterUs = Math.max(afterUs, decodePageToken(f.next, fingerprint));
    const request = {
      afterUs,
      limit: f.limit,
      ...(fixed.ids ? { ids: fixed.ids } : f.ids ? { ids: f.ids } : {}),
      ...(f.types ? { types: f.types } : {}),
      versions: fixed.allVersions ? { all: true } : f.versions,
      ...(f.specVersions ? { specVersions: f.specVersions } : {}),
    };
    const reader = readerOf(caller);
    const page = endpoint === "objects" || endpoint === "object" ? await this.#collections.objects(reader, c, request) : await this.#collections.page(reader, c, request);
    return { page, next: page.more ? encodePageToken(page.resumeAfterUs, fingerprint) : undefined };
  }

  /** RECORD_NOT_FOUND unless some live version of the object is in `c` as `caller` sees it. */
  async assertVisible(caller: PartyRow | undefined, c: TaxiiCollection, oid: string): Promise<void> {
    const any = await this.#collections.objects(readerOf(caller), c, { afterUs: -1, limit: 1, ids: [oid], versions: { all: true } });
    if (any.items.length === 0) throw new ExchangeError("RECORD_NOT_FOUND", `no object ${oid} in collection ${c.alias}`);
  }

  /** Peer nodes deliver to a party's inbox only (their records are verified by the federation receiver). */
  assertPeerDelivery(c: TaxiiCollection): void {
    if (c.kind !== "inbox") throw new TocsinError("TAXII_NOT_PERMITTED", `peer nodes deliver to inbox collections, not ${c.alias}`);
  }

  /**
   * Admits an envelope's objects one by one into `c` (each succeeds or fails on its own) and returns
   * the status resource (JSON text), kept for the poster to read again.
   */
  async post(caller: PartyRow, c: TaxiiCollection, objects: readonly unknown[]): Promise<string> {
    this.assertCanWrite(caller, c);
    if (objects.length === 0) throw new ExchangeError("BATCH_EMPTY", "the envelope has no objects");
    const requestedAt = this.d.clock.now();
    const outcomes = await admitEach(this.d.admission, caller, objects);
    return this.#statuses.record(caller, objects, outcomes, requestedAt);
  }

  /** A status resource `caller` created (JSON text). */
  async status(caller: PartyRow, id: string): Promise<string> {
    return this.#statuses.get(caller, id);
  }

  /**
   * Deletes the versions of `oid` in `c` that the query's match[version] / match[spec_version] pick
   * (every version without match[version]); RECORD_NOT_FOUND when none matches.
   */
  async delete(caller: PartyRow, c: TaxiiCollection, oid: string, query: unknown): Promise<void> {
    this.assertCanWrite(caller, c, `delete from collection ${c.alias}`);
    const f = parseTaxiiFilters(query, TAXII_FILTERS.delete);
    await this.assertVisible(caller, c, oid);
    const versionGiven = query !== null && typeof query === "object" && Reflect.get(query, "match[version]") !== undefined;
    const deleted = await this.d.deletion.delete(caller, oid, (live) => selectVersions(live, f, versionGiven));
    if (deleted.length === 0) throw new ExchangeError("RECORD_NOT_FOUND", `no version of ${oid} matches`);
  }
}

const readerOf = (caller: PartyRow | undefined): Reader => (caller ? partyReader(caller.id) : ANONYMOUS_READER);

function notPermitted(caller: PartyRow | undefined, what: string): TocsinError {
  return caller ? new TocsinError("TAXII_NOT_PERMITTED", `${caller.slug} may not ${what}`) : new ExchangeError("AUTH_REQUIRED", `credentials are needed to ${what}`);
}

/** The versions a DELETE's filters pick among the live ones (oldest first); without match[version], all. */
function selectVersions<T extends { modified: string }>(live: T[], f: TaxiiFilters, versionGiven: boolean): T[] {
  if (f.specVersions && !f.specVersions.includes("2.1")) return [];
  const v = f.versions;
  if (!versionGiven || v.all) return live;
  return live.filter((r, i) => (v.first && i === 0) || (v.last && i === live.length - 1) || (v.modified ?? []).includes(r.modified));
}
