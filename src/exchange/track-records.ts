import type { WarningState } from "../core/lifecycle/index.js";
import {
  type ForecastVersion,
  receivedForecastsSteps,
  recipientRecordSteps,
  scoredProbability,
  sourceTrackRecordSteps,
  type Steps,
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
} from "../core/tlp/index.js";
import type { PartyRow, Store } from "../store/store.js";
import { BoundedCache } from "./bounded-cache.js";
import type { RecordReader } from "./record-reader.js";
import { forecastVersions, type IndexedWarning, type WarningIndex } from "./warning-index.js";

/** A party's track record as one reader may see it. */
export interface TrackRecord {
  readonly party: { readonly id: string; readonly slug: string; readonly name: string };
  /** The warnings this was computed from: those naming the party (as author or recipient) that the reader may read. */
  readonly basis: { readonly warnings: number; readonly resolved: number };
  readonly asSource: SourceTrackRecord;
  readonly asRecipient: { readonly received: ReceivedForecasts; readonly record: RecipientRecord };
}

/** One warning with its lifecycle state and forecasts, as scoring needs it. */
export interface WarningHistory {
  readonly id: string;
  readonly versions: readonly ForecastVersion[];
  readonly state: WarningState;
}

/** Warnings judged between two turns of the event loop while a reader's visible warnings are gathered. */
const SLICE = 2000;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs the pure core's scoring steps (a group's bootstrap, a slice of states each), letting the event loop through between them. */
async function runYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    await yieldToLoop();
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Track records from the stored records. TLP applies: a track record is computed only over the
 * warnings the reader may read, so an aggregate never reveals a warning its reader could not see
 * (docs/decisions.md). The scoring itself is the pure core's.
 *
 * The warnings' audiences, forecasts and lifecycle states come from the WarningIndex, which follows
 * the log (built at the node's start, off the request path, and caught up before each answer).
 */
export class TrackRecords {
  constructor(
    private readonly index: WarningIndex,
    private readonly store: Store,
    private readonly records: RecordReader,
  ) {}

  /** Every warning the reader may read (TLP on its latest version), with its state and forecasts. */
  async visibleWarnings(reader: Reader): Promise<WarningHistory[]> {
    const relations = await this.records.relations();
    await this.index.catchUp();
    // A snapshot: warnings the log gains while this yields belong to the next answer.
    const all = [...this.index.warnings()];
    const out: WarningHistory[] = [];
    for (let i = 0; i < all.length; i++) {
      if (i > 0 && i % SLICE === 0) await yieldToLoop();
      const w = all[i]!;
      if (!this.records.canReadAudience(reader, w.latest.audience, relations) || !this.#canReadAll(reader, w, relations)) continue;
      if (w.foldError !== undefined) throw w.foldError;
      if (w.state) out.push({ id: w.id, versions: forecastVersions(w), state: w.state });
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

  /** Scores the warnings naming the party; the event loop is let through between the parts and within them (between groups, slices of states). */
  async #trackRecord(reader: Reader, party: PartyRow, options: TrackRecordOptions): Promise<TrackRecord> {
    const visible = await this.visibleWarnings(reader);
    const warnings: WarningHistory[] = [];
    const authored: ResolvedForecast[] = [];
    const received: ResolvedForecast[] = [];
    for (let i = 0; i < visible.length; i++) {
      if (i > 0 && i % SLICE === 0) await yieldToLoop();
      const w = visible[i]!;
      if (w.state.author !== party.id && !w.state.recipients.some((r) => r.party === party.id)) continue;
      warnings.push(w);
      const f = forecastOf(w);
      if (!f) continue;
      if (w.state.author === party.id) authored.push(f);
      if (f.recipients.includes(party.id)) received.push(f);
    }
    const asSource = await runYielding(sourceTrackRecordSteps(authored, options));
    const receivedScores = await runYielding(receivedForecastsSteps(received, options));
    const record = await runYielding(recipientRecordSteps(party.id, warnings.map((w) => w.state)));
    return {
      party: { id: party.id, slug: party.slug, name: party.name },
      basis: { warnings: warnings.length, resolved: warnings.filter((w) => w.state.resolution).length },
      asSource,
      asRecipient: { received: receivedScores, record },
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
