import { WARNING_EXT } from "../core/record/index.js";
import {
  audienceForRelatedRecord,
  canRead,
  type PartyRelations,
  type Reader,
  type RecordAudience,
} from "../core/tlp/index.js";
import type { Store, StoredRecord } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import type { PartyService } from "./party-service.js";

type Obj = Record<string, any>;

/**
 * Every read of a record goes through here, so TLP is decided in one place: the record's audience
 * (its author, the warning's recipients, its markings — a record about a warning inherits the
 * warning's audience and the stricter marking) is checked against the reader by the TLP core.
 * A record the reader may not see is "not found": its existence is not revealed.
 */
export class RecordReader {
  constructor(
    private readonly store: Store,
    private readonly parties: PartyService,
  ) {}

  async relations(): Promise<PartyRelations> {
    return this.parties.relations();
  }

  /** The audience TLP judges a stored record by. */
  async audienceOf(record: StoredRecord): Promise<RecordAudience> {
    const obj = JSON.parse(record.body) as Obj;
    const own: RecordAudience = { author: record.author, recipients: [], markingRefs: markingsOf(obj) };
    if (record.kind === "warning") return { ...own, recipients: recipientsOf(obj) };
    if (!record.warningRef) return own;
    const warning = (await this.store.recordVersions(record.warningRef)).at(-1);
    if (!warning) return own;
    const w = JSON.parse(warning.body) as Obj;
    return audienceForRelatedRecord(
      { author: warning.author, recipients: recipientsOf(w), markingRefs: markingsOf(w) },
      { author: record.author, markingRefs: own.markingRefs },
    );
  }

  async canRead(reader: Reader, record: StoredRecord, relations?: PartyRelations): Promise<boolean> {
    return canRead(reader, await this.audienceOf(record), relations ?? (await this.relations()));
  }

  /** TLP for an audience already known (the track record's index keeps each warning's). */
  canReadAudience(reader: Reader, audience: RecordAudience, relations: PartyRelations): boolean {
    return canRead(reader, audience, relations);
  }

  /** The latest version (or the one named) of a record the reader may see; RECORD_NOT_FOUND otherwise. */
  async get(reader: Reader, id: string, version?: string): Promise<StoredRecord> {
    const versions = await this.store.recordVersions(id);
    const record = version === undefined ? versions.at(-1) : versions.find((v) => v.modified === version);
    if (!record || !(await this.canRead(reader, record))) throw new ExchangeError("RECORD_NOT_FOUND", `no record ${id}`);
    return record;
  }

  /** The records the reader may see, in the order given. */
  async filter(reader: Reader, records: readonly StoredRecord[]): Promise<StoredRecord[]> {
    const relations = await this.relations();
    const out: StoredRecord[] = [];
    for (const r of records) if (await this.canRead(reader, r, relations)) out.push(r);
    return out;
  }
}

function markingsOf(obj: Obj): string[] {
  return [...((obj.object_marking_refs as string[] | undefined) ?? []), ...((obj.granular_markings as { marking_ref: string }[] | undefined) ?? []).map((g) => g.marking_ref)];
}

function recipientsOf(warning: Obj): string[] {
  return (warning.extensions?.[WARNING_EXT]?.recipient_refs as string[] | undefined) ?? [];
}
