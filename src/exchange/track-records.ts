import type { WarningState } from "../core/lifecycle/index.js";
import { WARNING_EXT } from "../core/record/index.js";
import {
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
import type { Reader } from "../core/tlp/index.js";
import type { PartyRow, Store, StoredRecord } from "../store/store.js";
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

/** One warning with its lifecycle state and every logged version, as scoring needs it. */
export interface WarningHistory {
  readonly latest: StoredRecord;
  readonly versions: readonly StoredRecord[];
  readonly state: WarningState;
}

const PAGE = 5000;

/**
 * Track records from the stored records. TLP applies: a track record is computed only over the
 * warnings the reader may read, so an aggregate never reveals a warning its reader could not see
 * (docs/decisions.md). The scoring itself is the pure core's.
 */
export class TrackRecords {
  constructor(
    private readonly store: Store,
    private readonly records: RecordReader,
    private readonly states: WarningStates,
  ) {}

  /**
   * Every warning (latest version) the reader may read, with its state and versions. One paged pass
   * over all records, grouped by warning, instead of a query per warning; states come from the shared
   * cache when the admission path has them.
   */
  async visibleWarnings(reader: Reader): Promise<WarningHistory[]> {
    const about = new Map<string, StoredRecord[]>();
    for (let after = -1; ; ) {
      const page = await this.store.listRecords({ addedAfterUs: after, limit: PAGE });
      for (const r of page) {
        if (!r.warningRef) continue;
        let list = about.get(r.warningRef);
        if (!list) about.set(r.warningRef, (list = []));
        list.push(r);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.addedUs;
    }
    const latest: StoredRecord[] = [];
    for (const records of about.values()) {
      records.sort((a, b) => a.logIndex - b.logIndex);
      let w: StoredRecord | undefined;
      for (const r of records) if (r.kind === "warning" && (!w || r.modified > w.modified)) w = r;
      if (w) latest.push(w);
    }
    const out: WarningHistory[] = [];
    for (const w of await this.records.filter(reader, latest)) {
      const records = about.get(w.id)!;
      const state = this.states.fromRecords(w.id, records);
      if (state) out.push({ latest: w, versions: records.filter((r) => r.kind === "warning"), state });
    }
    return out;
  }

  async trackRecord(reader: Reader, party: PartyRow, options: TrackRecordOptions = {}): Promise<TrackRecord> {
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
  const versions = w.versions.map((v) => ({
    loggedAt: Date.parse(v.loggedAt),
    probability: (JSON.parse(v.body) as Record<string, any>).extensions[WARNING_EXT].probability as number,
  }));
  return {
    warningId: w.state.warningId,
    source: w.state.author,
    recipients: w.state.recipients.map((r) => r.party),
    probability: scoredProbability(versions, resolution.eventTime ?? resolution.loggedAt),
    issuedAt: w.state.versions[0]!.loggedAt,
    outcome: resolution.outcome,
    eventTime: resolution.eventTime,
  };
}
