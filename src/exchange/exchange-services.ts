import type { Clock } from "../core/clock.js";
import type { DutyTrackRecord } from "../core/duty/index.js";
import type { DutyCaseView } from "./duty-reads.js";
import type { TrackRecordOptions } from "../core/scoring/index.js";
import type { Reader } from "../core/tlp/index.js";
import type { PartyRow } from "../store/store.js";
import type { Admission, Admitted } from "./admission.js";
import type { BoardService } from "./board-service.js";
import type { FederationService } from "./federation-service.js";
import { CapExchange, type ImportedAck } from "./cap-exchange.js";
import { ExchangeReads, type ExchangeReadDeps } from "./exchange-reads.js";
import type { Notifications } from "./notifications.js";
import { inboxOf, type Inbox } from "./inbox.js";
import type { RecordDeletion } from "./record-deletion.js";
import { TaxiiExchange } from "./taxii-exchange.js";
import { TrackRecords, type TrackRecord } from "./track-records.js";
import { WarningIndex } from "./warning-index.js";
import { WarningList, type WarningListQuery, type WarningPage } from "./warning-list.js";

export interface ExchangeServiceDeps extends ExchangeReadDeps {
  readonly admission: Admission;
  readonly deletion: RecordDeletion;
  readonly boards: BoardService;
  readonly clock: Clock;
  /** The node's own identity (the author of escalations), for folding lifecycle states. */
  readonly nodeIdentity: string;
  /** Event streams and webhooks (absent in apps built without them). */
  readonly notifications?: Notifications;
  /** Federation with peer nodes (discovery, deliveries received, delivery states). */
  readonly federation?: FederationService | undefined;
}

/** The warning list's query as a client states it: the recipient by id or slug. */
export interface WarningQuery extends Omit<WarningListQuery, "recipient"> {
  readonly recipient?: string | undefined;
}

/**
 * The application services of a running node: the one door through which the HTTP API (and anything
 * later — a web UI, federation) reaches the exchange. The read side (ExchangeReads) plus admission,
 * the warning list, track records, attribution boards and TAXII. Built once by the composition root
 * (src/node); the transport only translates requests into these calls and their answers back.
 */
export class ExchangeServices extends ExchangeReads {
  /** Attribution boards: create, edit, submit, read with analysis. */
  readonly boards: BoardService;
  /** A party's event stream and webhook endpoints (GET /api/v1/events, /api/v1/webhooks). */
  readonly notifications: Notifications | undefined;
  /** TAXII 2.1 collections, posts with their statuses, deletions. */
  readonly taxii: TaxiiExchange;
  /** Federation with peer nodes; absent in nodes built without it (some tests). */
  readonly federation: FederationService | undefined;
  readonly #admission: Admission;
  /** Every warning's read-side facts, following the log: the warnings list and track records read it. */
  readonly #index: WarningIndex;
  readonly #warnings: WarningList;
  readonly #trackRecords: TrackRecords;
  readonly #clock: Clock;
  readonly #cap: CapExchange;

  constructor(d: ExchangeServiceDeps) {
    super(d);
    this.boards = d.boards;
    this.federation = d.federation;
    this.notifications = d.notifications;
    this.#admission = d.admission;
    this.#clock = d.clock;
    this.#index = new WarningIndex({ store: d.store, nodeIdentity: d.nodeIdentity });
    this.#warnings = new WarningList({ index: this.#index, records: d.records });
    this.#trackRecords = new TrackRecords(this.#index, d.store, d.records);
    this.#cap = new CapExchange({ store: d.store, parties: d.parties, records: d.records, admission: d.admission, clock: d.clock });
    this.taxii = new TaxiiExchange({ store: d.store, records: d.records, admission: d.admission, deletion: d.deletion, clock: d.clock });
  }

  /**
   * Brings the warning index up to what the log holds (in slices, yielding to the event loop between
   * them). The warnings list and track records do this before each answer, so the first of them builds
   * it; concurrent callers share one catch-up.
   */
  indexWarnings(): Promise<void> {
    return this.#index.catchUp();
  }

  /** Stops following the log, once a catch-up under way has ended (before the store closes). */
  closeIndex(): Promise<void> {
    return this.#index.close();
  }

  /** Admits signed records (one batch, all or nothing) posted by `poster`. */
  admit(poster: PartyRow, objects: readonly unknown[]): Promise<Admitted[]> {
    return this.#admission.admit(poster, objects);
  }

  /** One page of the warnings `reader` may read, filtered by recipient (id or slug) and stage. */
  async warnings(reader: Reader, q: WarningQuery): Promise<WarningPage> {
    const recipient = q.recipient === undefined ? undefined : (await this.d.parties.require(q.recipient)).id;
    return this.#warnings.page(reader, { ...q, recipient });
  }

  /** The caller's inbox (the web UI's first screen): warnings it sends or receives, newest first, with titles and names. */
  inbox(caller: PartyRow, reader: Reader): Promise<Inbox> {
    return inboxOf({ warnings: (r, q) => this.warnings(r, q), record: (r, id) => this.record(r, id), parties: () => this.d.store.listParties() }, caller, reader);
  }

  /** Every registered party's public face (identities are public records): for choosing recipients. */
  async partyDirectory(): Promise<{ id: string; slug: string; name: string; custodial: boolean }[]> {
    return (await this.d.store.listParties()).map((p) => ({ id: p.id, slug: p.slug, name: p.name, custodial: p.custodial }));
  }

  /** A warning version as an OASIS CAP 1.2 alert (XML), as `reader` may see it (docs/cap.md). */
  capAlert(reader: Reader, warningId: string, version?: string): Promise<string> {
    return this.#cap.alertXml(reader, warningId, version);
  }

  /** A CAP Ack from a custodial party (`poster`), imported as its receipt(s), signed by the node. */
  importCapAck(poster: PartyRow, xml: Uint8Array | string): Promise<ImportedAck> {
    return this.#cap.importAck(poster, xml);
  }

  /** A party's track record (by id or slug) as `reader` may see it. */
  /** The determinations `reader` may see (optionally one author's), each with its status at the node's now. */
  dutyCases(reader: Reader, author?: string): Promise<DutyCaseView[]> {
    return this.duty.cases(reader, this.#clock.now(), author);
  }

  /** One determination as `reader` may see it (DUTY_DETERMINATION_NOT_FOUND otherwise). */
  dutyCase(reader: Reader, id: string): Promise<DutyCaseView> {
    return this.duty.case(reader, id, this.#clock.now());
  }

  async trackRecord(reader: Reader, idOrSlug: string, options: TrackRecordOptions = {}): Promise<TrackRecord & { dutyToWarn: DutyTrackRecord }> {
    const party = await this.d.parties.require(idOrSlug);
    const record = await this.#trackRecords.trackRecord(reader, party, options);
    // The duty to warn: its determinations the reader may see (TLP), and how each ended.
    return { ...record, dutyToWarn: await this.duty.trackRecord(reader, party.id, this.#clock.now()) };
  }
}
