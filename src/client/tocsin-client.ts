import { PARTY_EXT, type StixObject } from "../core/record/index.js";
import { ClientError, nodeAnswerError } from "./client-error.js";

/*
 * A node seen from a party's machine: Tocsin's records API (/api/v1) and TAXII 2.1 (/taxii2), over
 * fetch. Every failure is a TocsinError with a code: the node's own code when it answered one (with
 * `details.status`), CLIENT_NODE_UNREACHABLE when it did not answer, CLIENT_ANSWER_MALFORMED when the
 * answer is not JSON. The token is sent as `Authorization: Bearer`; nothing else leaves the process.
 */

const TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";
/** OASIS CAP 1.2 documents (docs/cap.md). */
const CAP_MEDIA_TYPE = "application/cap+xml";

/** One record as the node admitted it (`POST /api/v1/records`). */
export interface AdmittedRecord {
  readonly id: string;
  readonly modified: string;
  readonly kind: string;
  readonly digest: string;
  readonly index: number;
  readonly leafHash?: string;
  readonly custodial: boolean;
  readonly duplicate: boolean;
  /** A custodial author's record as the node signed it. */
  readonly record?: StixObject;
}

/** A recipient's row of a warning in the list (`GET /api/v1/warnings`). */
export interface RecipientRow {
  readonly party: string;
  readonly state: "issued" | "received" | "assessed" | "acting" | "resolved";
  readonly nextDeadline?: { readonly kind: string; readonly at?: string };
  readonly escalated: readonly string[];
}

export interface WarningRow {
  readonly id: string;
  readonly modified: string;
  readonly author: string;
  readonly index: number;
  readonly resolved?: { readonly outcome: string; readonly at?: string };
  readonly recipients: readonly RecipientRow[];
}

/** `GET /api/v1/records/<id>/proof`: the leaf, its inclusion proof and the checkpoint it is proven against. */
export interface RecordProof {
  readonly id: string;
  readonly modified: string;
  readonly digest: string;
  readonly index: number;
  readonly leaf: string;
  readonly leafHash: string;
  readonly checkpoint: string;
  readonly size: number;
  readonly hashes: readonly string[];
}

/** One entry of a warning's timeline (`GET /api/v1/warnings/<id>/timeline`). */
export interface TimelineEntry {
  readonly kind: string;
  readonly id: string;
  readonly modified: string;
  readonly created: string;
  readonly author: string;
  readonly authorName?: string;
  readonly says: string;
  readonly index: number;
  readonly loggedAt: string;
  readonly signer: string;
  readonly signedBy: string;
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface Timeline {
  readonly warning: string;
  readonly entries: readonly TimelineEntry[];
  readonly keyNotices: readonly string[];
}

/** A party's STIX identity with its logged keys (Tocsin's party extension). */
export interface PartyIdentity {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly custodial: boolean;
  readonly keys: readonly { readonly key_id: string; readonly public_key: string; readonly valid_from: string; readonly valid_until?: string }[];
}

/** A saved board version (`POST /api/v1/boards…`): its board, version number and the signed record. */
export interface SavedBoardVersion {
  readonly board_ref: string;
  readonly name: string;
  readonly version: number;
  readonly record: StixObject;
  readonly [key: string]: unknown;
}

/** A TAXII envelope page. */
export interface TaxiiEnvelope {
  readonly more?: boolean;
  readonly next?: string;
  readonly objects?: readonly StixObject[];
}

/** A TAXII status resource (the answer to a POST of an envelope). */
export interface TaxiiStatus {
  readonly id: string;
  readonly status: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly failure_count: number;
  readonly successes?: readonly { id: string; version: string; message?: string }[];
  readonly failures?: readonly { id: string; version: string; message?: string }[];
}

export interface TocsinClientOptions {
  /** The node's base URL (`http://127.0.0.1:8080`). */
  readonly url: string;
  /** The party's API token; without it the client reads as anyone (TLP:CLEAR only). */
  readonly token?: string;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
}

export class TocsinClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: TocsinClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new ClientError("CLIENT_INPUT_INVALID", `not a URL: ${options.url}`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new ClientError("CLIENT_INPUT_INVALID", `a node URL is http:// or https://, not ${base.protocol}`);
    this.url = base.href.replace(/\/+$/, "");
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Admits records (signed, or unsigned for a custodial author): `POST /api/v1/records`. */
  async post(records: StixObject | readonly StixObject[]): Promise<AdmittedRecord[]> {
    const body = (await this.#json("POST", "/api/v1/records", { body: records })) as { records?: AdmittedRecord[] };
    if (!Array.isArray(body.records)) throw malformed("POST /api/v1/records");
    return body.records;
  }

  /** A record as the caller may read it (its latest version, or `version`). */
  async record(id: string, version?: string): Promise<StixObject> {
    return (await this.#json("GET", `/api/v1/records/${encodeURIComponent(id)}${query({ version })}`)) as StixObject;
  }

  /** A record's log leaf, inclusion proof and checkpoint: `tocsin audit --against` takes it as a file. */
  async proof(id: string, version?: string): Promise<RecordProof> {
    return (await this.#json("GET", `/api/v1/records/${encodeURIComponent(id)}/proof${query({ version })}`)) as RecordProof;
  }

  /** One page of the warnings the caller may read. */
  async warningPage(filter: { recipient?: string; state?: string; limit?: number; next?: string } = {}): Promise<{ warnings: WarningRow[]; next?: string }> {
    const page = (await this.#json("GET", `/api/v1/warnings${query({ ...filter, limit: filter.limit?.toString() })}`)) as { warnings?: WarningRow[]; next?: string };
    if (!Array.isArray(page.warnings)) throw malformed("GET /api/v1/warnings");
    return { warnings: page.warnings, ...(page.next ? { next: page.next } : {}) };
  }

  /** Every warning the caller may read matching the filter, following `next` to the end. */
  async warnings(filter: { recipient?: string; state?: string } = {}): Promise<WarningRow[]> {
    const all: WarningRow[] = [];
    let next: string | undefined;
    do {
      const page = await this.warningPage({ ...filter, limit: 1000, ...(next ? { next } : {}) });
      all.push(...page.warnings);
      next = page.next;
    } while (next);
    return all;
  }

  /** The warnings addressed to `party` (slug or id), with its state and next deadline in each. */
  async inbox(party: string): Promise<WarningRow[]> {
    return this.warnings({ recipient: party });
  }

  /** Every record about a warning the caller may read, in log order, with who signed each. */
  async timeline(warningId: string): Promise<Timeline> {
    return (await this.#json("GET", `/api/v1/warnings/${encodeURIComponent(warningId)}/timeline`)) as Timeline;
  }

  /** The warning's accountability bundle as the caller may read it, as the node sent it (JSON text), for `tocsin audit`. */
  async bundle(warningId: string): Promise<string> {
    return (await this.#request("GET", `/api/v1/warnings/${encodeURIComponent(warningId)}/bundle`)).text;
  }

  /** A warning version (the latest, or `version`) as an OASIS CAP 1.2 alert, the XML as the node sent it. */
  async capAlert(warningId: string, version?: string): Promise<string> {
    return (await this.#request("GET", `/api/v1/warnings/${encodeURIComponent(warningId)}/cap${query({ version })}`, { accept: CAP_MEDIA_TYPE })).text;
  }

  /** A CAP Ack (XML) from a custodial party: the node makes it the party's receipt(s) and signs them. */
  async postCapAck(xml: string | Uint8Array): Promise<{ ack: string; receipts: AdmittedRecord[] }> {
    const { text } = await this.#request("POST", "/api/v1/cap/acks", { raw: { body: xml, contentType: CAP_MEDIA_TYPE } });
    let body: { ack?: unknown; receipts?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw malformed("POST /api/v1/cap/acks");
    }
    if (typeof body.ack !== "string" || !Array.isArray(body.receipts)) throw malformed("POST /api/v1/cap/acks");
    return { ack: body.ack, receipts: body.receipts as AdmittedRecord[] };
  }

  /** A party (by slug or id) with its logged keys. */
  async party(idOrSlug: string): Promise<PartyIdentity> {
    const identity = (await this.#json("GET", `/api/v1/parties/${encodeURIComponent(idOrSlug)}`)) as Record<string, unknown>;
    const ext = ((identity.extensions ?? {}) as Record<string, Record<string, unknown> | undefined>)[PARTY_EXT];
    if (typeof identity.id !== "string" || !ext || typeof ext.slug !== "string" || !Array.isArray(ext.keys)) throw malformed(`GET /api/v1/parties/${idOrSlug}`);
    return { id: identity.id, name: String(identity.name), slug: String(ext.slug), custodial: ext.custodial === true, keys: ext.keys as PartyIdentity["keys"] };
  }

  /** Creates an attribution board (`POST /api/v1/boards`); a self-signing party gets ACH_SIGNATURE_REQUIRED with `details.unsigned` (PartySession signs it). */
  async createBoard(board: Readonly<Record<string, unknown>>): Promise<SavedBoardVersion> {
    return (await this.#json("POST", "/api/v1/boards", { body: board })) as SavedBoardVersion;
  }

  /** Edits a board (`{operations, base_version?, change?}`), saved as its next version; same signing rule as createBoard. */
  async editBoard(board: string, edit: Readonly<Record<string, unknown>>): Promise<SavedBoardVersion> {
    return (await this.#json("POST", `/api/v1/boards/${encodeURIComponent(board)}/edits`, { body: edit })) as SavedBoardVersion;
  }

  /** Posts a board version the caller signed (a first version under its own record id, later ones under the board). */
  async postBoardVersion(board: string, record: StixObject): Promise<SavedBoardVersion> {
    return (await this.#json("POST", `/api/v1/boards/${encodeURIComponent(board)}/versions`, { body: record })) as SavedBoardVersion;
  }

  /** A board with its analysis, as the caller may read it. */
  async board(board: string, version?: number): Promise<Record<string, unknown>> {
    return (await this.#json("GET", `/api/v1/boards/${encodeURIComponent(board)}${query({ version: version?.toString() })}`)) as Record<string, unknown>;
  }

  /** Adds objects to a TAXII collection (id or alias, e.g. `shared`): the status resource says, per object, what was admitted. */
  async taxiiPost(collection: string, objects: readonly StixObject[]): Promise<TaxiiStatus> {
    return (await this.#json("POST", `/taxii2/exchange/collections/${encodeURIComponent(collection)}/objects/`, { body: { objects }, taxii: true })) as TaxiiStatus;
  }

  /** One page of a TAXII collection's objects; pass the answer's `next` back for the following page. */
  async taxiiPage(collection: string, options: { addedAfter?: string; limit?: number; next?: string } = {}): Promise<TaxiiEnvelope> {
    const q = query({ added_after: options.addedAfter, limit: options.limit?.toString(), next: options.next });
    return (await this.#json("GET", `/taxii2/exchange/collections/${encodeURIComponent(collection)}/objects/${q}`, { taxii: true })) as TaxiiEnvelope;
  }

  /** Polls a TAXII collection to its end, following `next`. */
  async taxiiPoll(collection: string, options: { addedAfter?: string; limit?: number } = {}): Promise<StixObject[]> {
    const all: StixObject[] = [];
    let next: string | undefined;
    do {
      const page = await this.taxiiPage(collection, { ...options, ...(next ? { next } : {}) });
      all.push(...(page.objects ?? []));
      next = page.more ? page.next : undefined;
    } while (next);
    return all;
  }

  async #json(method: string, path: string, options: { body?: unknown; taxii?: boolean } = {}): Promise<unknown> {
    const { text } = await this.#request(method, path, options);
    try {
      return JSON.parse(text);
    } catch {
      throw malformed(`${method} ${path}`);
    }
  }

  async #request(
    method: string,
    path: string,
    options: { body?: unknown; taxii?: boolean; accept?: string; raw?: { body: string | Uint8Array; contentType: string } } = {},
  ): Promise<{ status: number; text: string }> {
    // Problems come back as JSON whatever the route serves, so a CAP read also accepts problem+json.
    const headers: Record<string, string> = { accept: options.taxii ? TAXII_MEDIA_TYPE : options.accept ? `${options.accept}, application/problem+json` : "application/json" };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (options.body !== undefined) headers["content-type"] = options.taxii ? TAXII_MEDIA_TYPE : "application/json";
    if (options.raw !== undefined) headers["content-type"] = options.raw.contentType;
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : options.raw !== undefined ? { body: options.raw.body } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (e) {
      const c = (e as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (e as Error).message;
      throw new ClientError("CLIENT_NODE_UNREACHABLE", `no answer from ${this.url} (${cause})`, { cause: e });
    }
    if (!response.ok) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      throw nodeAnswerError(response.status, body);
    }
    return { status: response.status, text };
  }
}

function query(params: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

function malformed(route: string): ClientError {
  return new ClientError("CLIENT_ANSWER_MALFORMED", `the node's answer to ${route} is not what the route documents`);
}
