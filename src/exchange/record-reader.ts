import { publicBytesEqual, toHex } from "../core/crypto/bytes.js";
import { sha256 } from "../core/crypto/sha256.js";
import { WARNING_EXT, decodeRecordLeaf } from "../core/record/index.js";
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

/** Records whose TLP facts are kept parsed (≈150 bytes each). */
const FACTS_CACHE_LIMIT = 250_000;

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

  /**
   * The audience TLP judges a stored record by. `warnings` memoises the latest version of the warnings
   * looked up, for a caller judging many records at once (a TAXII page).
   */
  async audienceOf(record: StoredRecord, warnings?: Map<string, StoredRecord | undefined>): Promise<RecordAudience> {
    const facts = this.#factsOf(record);
    const own: RecordAudience = { author: record.author, recipients: [], markingRefs: facts.markingRefs };
    if (record.kind === "warning") return { ...own, recipients: facts.recipients };
    if (!record.warningRef) return own;
    let warning = warnings?.get(record.warningRef);
    if (!warnings?.has(record.warningRef)) {
      warning = (await this.store.recordVersions(record.warningRef)).at(-1);
      warnings?.set(record.warningRef, warning);
    }
    if (!warning) return own;
    const w = this.#factsOf(warning);
    return audienceForRelatedRecord(
      { author: warning.author, recipients: w.recipients, markingRefs: w.markingRefs },
      { author: record.author, markingRefs: own.markingRefs },
    );
  }

  /*
   * A stored version never changes (its digest is its identity), so the TLP facts read from its body
   * are kept by digest: paging a large collection parses each record once, not on every page. Bounded
   * (oldest first out) so memory stays flat however large the store grows.
   */
  readonly #facts = new Map<string, { markingRefs: string[]; recipients: string[] }>();

  #factsOf(record: StoredRecord): { markingRefs: string[]; recipients: string[] } {
    const key = Buffer.from(record.digest.buffer, record.digest.byteOffset, record.digest.byteLength).toString("base64");
    let f = this.#facts.get(key);
    if (f === undefined) {
      assertBodyIntact(record);
      const obj = JSON.parse(record.body) as Obj;
      f = { markingRefs: markingsOf(obj), recipients: record.kind === "warning" ? recipientsOf(obj) : [] };
      if (this.#facts.size >= FACTS_CACHE_LIMIT) this.#facts.delete(this.#facts.keys().next().value!);
      this.#facts.set(key, f);
    }
    return f;
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
    // Served whole: its body must still be what the log committed to (checked on every read, as the
    // TLP facts above are cached by digest and the row may have been edited since).
    assertBodyIntact(record);
    const [leaf] = await this.store.getLeaves(record.logIndex, 1);
    let logged: string | undefined;
    try {
      logged = leaf ? decodeRecordLeaf(leaf.data).digest : undefined;
    } catch {
      logged = undefined;
    }
    if (logged !== toHex(record.digest)) throw corrupted(record, `its digest is not the one log entry ${record.logIndex} records`);
    return record;
  }

  /**
   * The records the reader may see, in the order given, each with its audience (so a view can narrow
   * further, e.g. a TAXII inbox to what is addressed to its party).
   */
  async visible(reader: Reader, records: readonly StoredRecord[], relations?: PartyRelations): Promise<{ record: StoredRecord; audience: RecordAudience }[]> {
    const rel = relations ?? (await this.relations());
    const warnings = new Map<string, StoredRecord | undefined>();
    const out: { record: StoredRecord; audience: RecordAudience }[] = [];
    for (const record of records) {
      const audience = await this.audienceOf(record, warnings);
      if (canRead(reader, audience, rel)) out.push({ record, audience });
    }
    return out;
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

/**
 * A stored record whose body no longer hashes to its digest was altered in the database: refused with
 * a coded 500 (the node's fault, logged with the request id) rather than serving text its author never
 * signed. `tocsin log audit` names every such record.
 */
function assertBodyIntact(record: StoredRecord): void {
  if (!publicBytesEqual(sha256(Buffer.from(record.body, "utf8")), record.digest)) throw corrupted(record, "its stored body does not hash to its digest");
}

function corrupted(record: StoredRecord, why: string): ExchangeError {
  return new ExchangeError("RECORD_CORRUPTED", `stored record ${record.id} version ${record.modified} is corrupted: ${why}; run tocsin log audit`);
}
