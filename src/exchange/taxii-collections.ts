import { isKeyRecord } from "../core/keys/index.js";
import { TOCSIN_DEFINITIONS_TIMESTAMP, TOCSIN_EXTENSION_DEFINITIONS, TOCSIN_IDENTITY, canonicalJson } from "../core/record/index.js";
import { TLP_2_0_MARKINGS } from "../core/stix/tlp-markings.js";
import type { Reader, RecordAudience } from "../core/tlp/index.js";
import type { VersionMatch } from "../core/taxii/index.js";
import type { PartyRow, RecordBody, RecordQuery, Store } from "../store/store.js";
import { NODE_PARTY_SLUG } from "./node-party.js";
import type { RecordReader } from "./record-reader.js";

/*
 * The TAXII collections of the exchange. Every collection is a view over the one record store, and
 * every view answers through RecordReader (the TLP rule module), so a collection never shows a caller
 * more than /api/v1/records would:
 *
 *   shared        every record the caller may read under TLP (anonymous callers: TLP:CLEAR only).
 *                 Writable by any authenticated party.
 *   inbox-<slug>  what is addressed to that party by others: warnings naming it as a recipient and
 *                 the records about warnings it sent or received (receipts, assessments, actions,
 *                 resolutions). Readable by that party only; writable by any authenticated party
 *                 (this is where a sender drops a warning for it).
 *   definitions   Tocsin's extension-definitions (and the identity that authors them) and the five
 *                 TLP 2.0 marking definitions, so consumers can resolve every extension and marking
 *                 id Tocsin's records use. Public and read-only.
 *
 * Where an object is posted does not decide where it appears: admission is one path for all, and the
 * record's own addressing and marking decide who sees it in which view.
 */

export type CollectionKind = "shared" | "inbox" | "definitions";

export interface TaxiiCollection {
  /** The collection id in URLs (a UUID). */
  readonly id: string;
  readonly alias: string;
  readonly kind: CollectionKind;
  readonly title: string;
  readonly description: string;
  /** For an inbox: its party. */
  readonly party?: PartyRow;
}

export const SHARED_COLLECTION_ID = "6a1b0f2e-7c35-4d1e-9a64-3f2b8c0d5e71";
export const DEFINITIONS_COLLECTION_ID = "0c9e4b7a-2d58-4f63-8b1a-5e7d9c3f2a10";

/** One object of a page that serves the objects themselves (TAXII objects, one object). */
export interface ObjectItem {
  readonly addedUs: number;
  /** The object's JSON text. */
  readonly body: string;
}

/** One item of a collection page: a stored record, or a built-in definition. */
export interface CollectionItem extends ObjectItem {
  readonly id: string;
  readonly type: string;
  readonly modified: string;
  /** Author's identity id (undefined for built-in definitions). */
  readonly author?: string;
}

export interface PageRequest {
  /** Exclusive lower bound on added_us. */
  readonly afterUs: number;
  readonly limit: number;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly versions: VersionMatch;
  readonly specVersions?: readonly string[];
}

export interface CollectionPage<I extends ObjectItem = CollectionItem> {
  readonly items: I[];
  /** More items may follow. */
  readonly more: boolean;
  /** Where the next page starts (exclusive), when `more`. */
  readonly resumeAfterUs: number;
}

/** Most rows one page request reads from the store before answering (a sparse view answers short pages with `more`). */
const SCAN_BUDGET = 20_000;

const DEFINITION_ITEMS: readonly CollectionItem[] = (() => {
  const objects: Record<string, unknown>[] = [TOCSIN_IDENTITY as Record<string, unknown>, ...(TOCSIN_EXTENSION_DEFINITIONS as unknown as Record<string, unknown>[]), ...Object.values(TLP_2_0_MARKINGS)];
  // Built in, never added through the log: each gets a fixed, unique date_added in definition order.
  const base = Date.parse(TOCSIN_DEFINITIONS_TIMESTAMP) * 1000;
  return objects.map((o, i) => ({
    id: o.id as string,
    type: o.type as string,
    modified: (o.modified ?? o.created) as string,
    addedUs: base + i,
    body: canonicalJson(o),
  }));
})();

export class TaxiiCollections {
  constructor(
    private readonly store: Store,
    private readonly records: RecordReader,
  ) {}

  /** Every collection, in a stable order: shared, definitions, then the inboxes by party slug. */
  async all(): Promise<TaxiiCollection[]> {
    // The node's own party (it signs escalations) has no inbox: nobody addresses warnings to it.
    const parties = (await this.store.listParties()).filter((p) => p.slug !== NODE_PARTY_SLUG).sort((a, b) => (a.slug < b.slug ? -1 : 1));
    return [
      { id: SHARED_COLLECTION_ID, alias: "shared", kind: "shared", title: "Shared", description: "Every record the caller may read under TLP 2.0." },
      {
        id: DEFINITIONS_COLLECTION_ID,
        alias: "definitions",
        kind: "definitions",
        title: "Definitions",
        description: "Tocsin's STIX extension-definitions and the TLP 2.0 marking definitions.",
      },
      ...parties.map(
        (p): TaxiiCollection => ({
          id: inboxId(p),
          alias: `inbox-${p.slug}`,
          kind: "inbox",
          title: `Inbox of ${p.name}`,
          description: `Warnings addressed to ${p.slug} and the records about warnings it sent or received.`,
          party: p,
        }),
      ),
    ];
  }

  /** By id or alias. */
  async find(idOrAlias: string): Promise<TaxiiCollection | undefined> {
    return (await this.all()).find((c) => c.id === idOrAlias || c.alias === idOrAlias);
  }

  canRead(caller: PartyRow | undefined, c: TaxiiCollection): boolean {
    if (c.kind === "inbox") return caller !== undefined && caller.id === c.party!.id;
    return true;
  }

  canWrite(caller: PartyRow | undefined, c: TaxiiCollection): boolean {
    return caller !== undefined && c.kind !== "definitions";
  }

  /** One page of the collection as `reader` may see it, in date_added order. */
  async page(reader: Reader, c: TaxiiCollection, q: PageRequest): Promise<CollectionPage> {
    return this.#page(reader, c, q, (rq) => this.store.listRecordHeads(rq));
  }

  /** {@link page} with only what serving the objects needs of each (their text and date_added). */
  async objects(reader: Reader, c: TaxiiCollection, q: PageRequest): Promise<CollectionPage<ObjectItem>> {
    return this.#page(reader, c, q, (rq) => this.store.listRecordBodies(rq));
  }

  async #page<I extends RecordBody & ObjectItem>(reader: Reader, c: TaxiiCollection, q: PageRequest, read: (q: RecordQuery) => Promise<I[]>): Promise<CollectionPage<I | CollectionItem>> {
    // Every object Tocsin holds is STIX 2.1 (admission refuses others).
    if (q.specVersions && !q.specVersions.includes("2.1")) return { items: [], more: false, resumeAfterUs: q.afterUs };
    if (c.kind === "definitions") return definitionsPage(q);
    const out: I[] = [];
    const relations = await this.records.relations();
    let after = q.afterUs;
    let scanned = 0;
    for (;;) {
      const want = q.limit + 1 - out.length;
      const chunk = Math.min(Math.max(want, 100), 5000);
      const rows = await read({
        addedAfterUs: after,
        limit: chunk,
        live: true,
        ...(q.ids ? { ids: q.ids } : {}),
        ...(q.types ? { types: q.types } : {}),
        ...(q.versions.all ? {} : { versions: q.versions }),
      });
      scanned += rows.length;
      const visible = await this.records.visibleHeads(reader, rows, relations);
      for (const { record, audience } of visible) {
        if (c.kind === "inbox" && !addressedTo(c.party!, record.author, audience)) continue;
        // Key records (registrations, key events) are the node's key transparency, not threat
        // intelligence: served by the records and parties API and in bundles, not in TAXII feeds.
        if (record.kind === "key-event" || (record.kind === "identity" && isKeyRecord(JSON.parse(record.body)))) continue;
        out.push(record);
        if (out.length > q.limit) break;
      }
      if (out.length > q.limit) {
        const items = out.slice(0, q.limit);
        return { items, more: true, resumeAfterUs: items.at(-1)!.addedUs };
      }
      // A short read is the end of the collection: no further query needed.
      if (rows.length < chunk) return { items: out, more: false, resumeAfterUs: rows.at(-1)?.addedUs ?? after };
      after = rows.at(-1)!.addedUs;
      if (scanned >= SCAN_BUDGET) return { items: out, more: true, resumeAfterUs: after };
    }
  }
}

/** An inbox holds what others addressed to its party (the audience's recipients include it). */
function addressedTo(party: PartyRow, author: string, audience: RecordAudience): boolean {
  return author !== party.id && audience.recipients.includes(party.id);
}

/** The UUID of a party's identity id: stable, and unique among parties. */
export function inboxId(p: PartyRow): string {
  return p.id.slice(p.id.indexOf("--") + 2);
}

function definitionsPage(q: PageRequest): CollectionPage {
  const all = DEFINITION_ITEMS.filter(
    (d) =>
      d.addedUs > q.afterUs &&
      (!q.ids || q.ids.includes(d.id)) &&
      (!q.types || q.types.includes(d.type)) &&
      // One version each: it is first, last and the only one.
      (q.versions.all || q.versions.first || q.versions.last || (q.versions.modified ?? []).includes(d.modified)),
  );
  const items = all.slice(0, q.limit);
  return { items, more: all.length > q.limit, resumeAfterUs: items.at(-1)?.addedUs ?? q.afterUs };
}
