import type { WarningState } from "../core/lifecycle/index.js";
import { WARNING_EXT } from "../core/record/index.js";
import {
  type ForecastVersion,
  receivedForecasts,
  recipientRecord,
  scoredProbability,
  sourceTrackRecord,
  type ReceivedForecasts,
  type RecipientRecord,
  type ResolvedForecast,
  type SourceTrackRecord,
  type TrackRecordOptions,
} from "../core/scoring/index.js";
import {
  answeredVersion,
  audienceOfRecordAbout,
  tlpLevelOf,
  tlpRank,
  type PartyRelations,
  type Reader,
  type RecordAboutFacts,
  type RecordAudience,
  type WarningVersionAudience,
} from "../core/tlp/index.js";
import type { PartyRow, Store, StoredRecord } from "../store/store.js";
import { BoundedCache } from "./bounded-cache.js";
import type { RecordReader } from "./record-reader.js";
import type { WarningStates } from "./warning-states.js";

/** A party's track record as one reader may see it. */
export interface TrackRecord {
  readonly party: { readonly id: string; readonly slug: string; readonly name: string };
  /** The warnings this was computed from: those naming the party (as author or recipient) that the reader may read. */
  readonly basis: { readonly warnings: number; readonly resolved: number };
  readonly asSource: SourceTrackRecord;
  readonly asRecipient: { readonly received: ReceivedForecasts; readonly record: RecipientRecord };
}

/** What the track record keeps of one warning: who may read it (TLP) and its forecasts over time. */
interface IndexedWarning {
  readonly id: string;
  /** The latest version's audience: author, recipients, markings. */
  audience: RecordAudience;
  latestModified: string;
  /** Every version's log time and probability, in log order. */
  readonly versions: ForecastVersion[];
  /**
   * The other records about the warning (receipts, opinions, actions, resolutions, escalations…) with
   * the marking each carries: one stricter than the warning's may hide it from a reader who sees the
   * warning, and then the warning must not count for that reader (its state would reveal the record).
   */
  readonly related: RecordAboutFacts[];
  /**
   * Each version's own audience with its log position (an earlier version may have had other
   * recipients or a stricter marking than the latest); a related record is read under the audience of
   * the version it answered.
   */
  readonly versionAudiences: WarningVersionAudience[];
}

/** One warning with its lifecycle state and forecasts, as scoring needs it. */
export interface WarningHistory {
  readonly id: string;
  readonly versions: readonly ForecastVersion[];
  readonly state: WarningState;
}

const PAGE = 5000;
/** Past this many warnings without a cached state, one bulk pass over all records beats a query each. */
const BULK_FOLD_THRESHOLD = 200;

/**
 * Track records from the stored records. TLP applies: a track record is computed only over the
 * warnings the reader may read, so an aggregate never reveals a warning its reader could not see
 * (docs/decisions.md). The scoring itself is the pure core's.
 *
 * Records are append-only, so the warnings' audiences and forecasts are indexed incrementally (each
 * call reads only warnings logged since the last), and lifecycle states come from the cache the
 * admission path keeps current; a long-lived instance (the API's) answers from memory after its
 * first call.
 */
export class TrackRecords {
  readonly #index = new Map<string, IndexedWarning>();
  #cursor = -1;
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly records: RecordReader,
    private readonly states: WarningStates,
  ) {}

  /** Reads the warning versions logged since the last call (one refresh at a time). */
  async #refresh(): Promise<void> {
    while (this.#refreshing) await this.#refreshing;
    this.#refreshing = (async () => {
      for (;;) {
        const page = await this.store.listRecords({ addedAfterUs: this.#cursor, limit: PAGE });
        for (const r of page) if (r.warningRef) this.#add(r);
        if (page.length > 0) this.#cursor = page[page.length - 1]!.addedUs;
        if (page.length < PAGE) return;
      }
    })();
    try {
      await this.#refreshing;
    } finally {
      this.#refreshing = undefined;
    }
  }

  #add(r: StoredRecord): void {
    const obj = JSON.parse(r.body) as Record<string, any>;
    const markingRefs = [...((obj.object_marking_refs as string[] | undefined) ?? []), ...((obj.granular_markings as { marking_ref: string }[] | undefined) ?? []).map((g) => g.marking_ref)];
    if (r.kind !== "warning") {
      // Records arrive in log order, so the warning is indexed before anything about it.
      const answers = r.kind === "receipt" && typeof obj.warning_modified === "string" ? obj.warning_modified : undefined;
      this.#index.get(r.warningRef!)?.related.push({ author: r.author, markingRefs, logIndex: r.logIndex, answers });
      return;
    }
    const ext = obj.extensions?.[WARNING_EXT] ?? {};
    const audience: RecordAudience = { author: r.author, recipients: (ext.recipient_refs as string[] | undefined) ?? [], markingRefs };
    let w = this.#index.get(r.id);
    if (!w) this.#index.set(r.id, (w = { id: r.id, audience, latestModified: r.modified, versions: [], related: [], versionAudiences: [] }));
    else if (r.modified > w.latestModified) {
      w.audience = audience;
      w.latestModified = r.modified;
    }
    w.versions.push({ loggedAt: Date.parse(r.loggedAt), probability: ext.probability as number });
    w.versionAudiences.push({ modified: r.modified, logIndex: r.logIndex, audience });
  }

  /** Every warning the reader may read (TLP on its latest version), with its state and forecasts. */
  async visibleWarnings(reader: Reader): Promise<WarningHistory[]> {
    await this.#refresh();
    const relations = await this.records.relations();
    const visible = [...this.#index.values()].filter((w) => this.records.canReadAudience(reader, w.audience, relations) && this.#canReadAll(reader, w, relations));
    const missing = visible.filter((w) => !this.states.isCached(w.id));
    if (missing.length > BULK_FOLD_THRESHOLD) await this.#foldInBulk(new Set(missing.map((w) => w.id)));
    const out: WarningHistory[] = [];
    for (const w of visible) {
      const state = await this.states.get(w.id);
      if (state) out.push({ id: w.id, versions: w.versions, state });
    }
    return out;
  }

  /**
   * Whether the reader may read every record about the warning: every version under its own audience,
   * and every related record under the audience of the version it answered (TLP core,
   * answered-version.ts). Such an audience is that version's parties plus the record's author under
   * the stricter marking, so once every version is readable only records marked stricter than their
   * version need checking. A warning with a record hidden from the reader is left out of its track
   * record altogether rather than folded without it.
   */
  #canReadAll(reader: Reader, w: IndexedWarning, relations: PartyRelations): boolean {
    // Every version's probability may be scored, so every version must be readable too.
    if (w.versionAudiences.length > 1 && !w.versionAudiences.every((v) => this.records.canReadAudience(reader, v.audience, relations))) return false;
    for (const r of w.related) {
      const version = answeredVersion(w.versionAudiences, r);
      if (version && tlpRank(tlpLevelOf(r.markingRefs).level) <= tlpRank(tlpLevelOf(version.audience.markingRefs).level)) continue;
      if (!this.records.canReadAudience(reader, audienceOfRecordAbout(w.versionAudiences, r), relations)) return false;
    }
    return true;
  }

  /** Folds many uncached states from one paged pass over all records. */
  async #foldInBulk(ids: ReadonlySet<string>): Promise<void> {
    const about = new Map<string, StoredRecord[]>();
    for (let after = -1; ; ) {
      const page = await this.store.listRecords({ addedAfterUs: after, limit: PAGE });
      for (const r of page) {
        if (!r.warningRef || !ids.has(r.warningRef)) continue;
        let list = about.get(r.warningRef);
        if (!list) about.set(r.warningRef, (list = []));
        list.push(r);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.addedUs;
    }
    for (const [id, records] of about) this.states.fromRecords(id, records.sort((a, b) => a.logIndex - b.logIndex));
  }

  /*
   * A track record is a function of the log (every record and the relations registered through it),
   * the party relations, the reader, the party and the options — not of the time it is asked. Scoring
   * every warning with its bootstrap intervals costs hundreds of milliseconds at 100 000 warnings, on
   * the event loop; asked again (a dashboard, a report, several clients), it is answered from here
   * until the log grows or the relations change. Concurrent askers share one computation.
   */
  readonly #answers = new BoundedCache<string, { readonly logSize: number; readonly relations: string; readonly answer: Promise<TrackRecord> }>(256);

  async trackRecord(reader: Reader, party: PartyRow, options: TrackRecordOptions = {}): Promise<TrackRecord> {
    const key = JSON.stringify([reader, party.id, party.slug, party.name, options]);
    const logSize = await this.store.logSize();
    const relations = await this.#relationsFingerprint();
    const known = this.#answers.get(key);
    if (known && known.logSize === logSize && known.relations === relations) return known.answer;
    const answer = this.#trackRecord(reader, party, options);
    this.#answers.set(key, { logSize, relations, answer });
    answer.catch(() => {
      if (this.#answers.get(key)?.answer === answer) this.#answers.set(key, { logSize: -1, relations: "", answer });
    });
    return answer;
  }

  /** What TLP's party relations are built from (PartyDirectory.relations), as text to compare. */
  async #relationsFingerprint(): Promise<string> {
    const organisations = (await this.store.listParties()).map((p) => [p.id, p.organisationId ?? null]);
    const relations = (await this.store.listPartyRelations()).map((r) => [r.kind, r.partyId, r.target]);
    return JSON.stringify([organisations, relations]);
  }

  async #trackRecord(reader: Reader, party: PartyRow, options: TrackRecordOptions): Promise<TrackRecord> {
    const warnings = (await this.visibleWarnings(reader)).filter((w) => w.state.author === party.id || w.state.recipients.some((r) => r.party === party.id));
    const authored: ResolvedForecast[] = [];
    const received: ResolvedForecast[] = [];
    for (const w of warnings) {
      const f = forecastOf(w);
      if (!f) continue;
      if (w.state.author === party.id) authored.push(f);
      if (f.recipients.includes(party.id)) received.push(f);
    }
    return {
      party: { id: party.id, slug: party.slug, name: party.name },
      basis: { warnings: warnings.length, resolved: warnings.filter((w) => w.state.resolution).length },
      asSource: sourceTrackRecord(authored, options),
      asRecipient: {
        received: receivedForecasts(received, options),
        record: recipientRecord(party.id, warnings.map((w) => w.state)),
      },
    };
  }
}

/** The resolved warning as a forecast to score, or undefined while it is open. */
export function forecastOf(w: WarningHistory): ResolvedForecast | undefined {
  const resolution = w.state.resolution;
  if (!resolution) return undefined;
  return {
    warningId: w.state.warningId,
    source: w.state.author,
    recipients: w.state.recipients.map((r) => r.party),
    probability: scoredProbability(w.versions, resolution.eventTime ?? resolution.loggedAt),
    issuedAt: w.state.versions[0]!.loggedAt,
    outcome: resolution.outcome,
    eventTime: resolution.eventTime,
  };
}
