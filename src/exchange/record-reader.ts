import { publicBytesEqual, toHex } from "../core/crypto/bytes.js";
import { sha256 } from "../core/crypto/sha256.js";
import { WARNING_EXT, decodeRecordLeaf } from "../core/record/index.js";
import {
  audienceOfRecordAbout,
  canRead,
  type PartyRelations,
  type Reader,
  type RecordAudience,
  type WarningVersionAudience,
} from "../core/tlp/index.js";
import type { RecordBody, Store, StoredRecord } from "../store/store.js";
import { BoundedCache } from "./bounded-cache.js";
import { ExchangeError } from "./exchange-errors.js";
import { FactsByLogIndex } from "./facts-by-log-index.js";
import type { PartyDirectory } from "./party-directory.js";

type Obj = Record<string, any>;

/** What the audience of a record is decided on besides its facts. */
type AudienceSubject = Pick<StoredRecord, "author" | "kind" | "logIndex" | "warningRef">;
/** What a record's facts are read from: its body, checked against its digest (id and version name it in an error, when read). */
type FactsSource = Pick<StoredRecord, "logIndex" | "kind" | "body" | "digest"> & Partial<Pick<StoredRecord, "id" | "modified">>;

/** What TLP needs of a stored version, parsed once. Shared between records with equal facts (FactsByLogIndex), its lists frozen: never changed. */
interface RecordFacts {
  readonly markingRefs: readonly string[];
  /** A warning's recipient_refs (empty for other kinds). */
  readonly recipients: readonly string[];
  /** A receipt's warning_modified: the version it answered. */
  readonly answers: string | undefined;
  /** An escalation's recipient_ref: whose lifecycle row it belongs to. */
  readonly subject: string | undefined;
  /** A determination's or duty reveal's reviewer_refs: who besides the author may read it. */
  readonly reviewers: readonly string[];
  /** A duty decision's, approval's or escalation's determination_ref: it is read under the determination's audience. */
  readonly determination: string | undefined;
}

/**
 * The TLP facts kept parsed: every log index's in 2 bytes (up to 16 777 216 records, 32 MiB), each
 * distinct facts value once, at most 65 535 of them in at most 16 MiB by the estimate of `weighFacts`.
 */
const FACTS_LIMITS = { maxChunks: 256, maxDistinct: 65_535, maxWeight: 16 * 2 ** 20 };
/**
 * Facts naming one record or version of their own (a receipt's answered version, an escalation's
 * recipient, a duty record's determination) are nearly all distinct: shared, they would fill the
 * distinct values and empty the whole cache again and again. They are kept one per record instead,
 * oldest first out, at most this many and this many bytes.
 */
const OWN_FACTS_LIMIT = 100_000;
const OWN_FACTS_BYTES = 16 * 2 ** 20;

/**
 * Every read of a record goes through here, so TLP is decided in one place: the record's audience
 * (its author, the warning's recipients, its markings — a record about a warning inherits the
 * audience of the warning version it answered and the stricter marking) is checked against the
 * reader by the TLP core.
 * A record the reader may not see is "not found": its existence is not revealed.
 */
export class RecordReader {
  constructor(
    private readonly store: Store,
    private readonly parties: PartyDirectory,
  ) {}

  async relations(): Promise<PartyRelations> {
    return this.parties.relations();
  }

  /**
   * The audience TLP judges a stored record by. A warning version has its own; a record about a
   * warning has the audience of the version it answered (audiences are fixed when written, see
   * src/core/tlp/answered-version.ts). `versions` memoises each warning's versions for a caller judging
   * many records at once (a TAXII page).
   */
  async audienceOf(record: StoredRecord, versions?: Map<string, WarningVersionAudience[]>): Promise<RecordAudience> {
    return this.#audience(record, this.#factsOf(record), versions);
  }

  /** The audience from the record's facts: at once where they decide it (a warning), else after the store reads it needs. */
  #audience(record: AudienceSubject, facts: RecordFacts, versions?: Map<string, WarningVersionAudience[]>): RecordAudience | Promise<RecordAudience> {
    const own: RecordAudience = { author: record.author, recipients: [], markingRefs: facts.markingRefs };
    if (record.kind === "warning") return { ...own, recipients: facts.recipients };
    // The duty to warn: a determination is for its author and reviewers; what follows from it is read by
    // the determination's author and reviewers (and its own author: an approver, the node); a reveal by the reviewers it names.
    if (record.kind === "determination" || record.kind === "duty-reveal") return { ...own, recipients: facts.reviewers };
    if (facts.determination === undefined && !record.warningRef) return own;
    return this.#audienceRead(record, facts, own, versions);
  }

  async #audienceRead(record: AudienceSubject, facts: RecordFacts, own: RecordAudience, versions?: Map<string, WarningVersionAudience[]>): Promise<RecordAudience> {
    if (facts.determination !== undefined) {
      const determination = (await this.store.recordVersions(facts.determination)).filter((v) => v.kind === "determination").at(-1);
      if (!determination) return own;
      return { ...own, recipients: [determination.author, ...this.#factsOf(determination).reviewers] };
    }
    const all = await this.#versionsOf(record.warningRef!, versions);
    if (all.length === 0) return own;
    return audienceOfRecordAbout(all, { author: record.author, markingRefs: facts.markingRefs, logIndex: record.logIndex, answers: facts.answers });
  }

  /** Every version of a warning with its own audience (memoised in `memo` when given). */
  async #versionsOf(warningId: string, memo?: Map<string, WarningVersionAudience[]>): Promise<WarningVersionAudience[]> {
    let out = memo?.get(warningId);
    if (out === undefined) {
      out = (await this.store.recordVersions(warningId))
        .filter((v) => v.kind === "warning")
        .map((v) => {
          const f = this.#factsOf(v);
          return { modified: v.modified, logIndex: v.logIndex, audience: { author: v.author, recipients: f.recipients, markingRefs: f.markingRefs } };
        });
      memo?.set(warningId, out);
    }
    return out;
  }

  /*
   * A stored version never changes, and neither does the log index it was stored at (a record row is
   * never replaced: deletion adds a tombstone), so the TLP facts read from its body are kept by log
   * index: paging a large collection parses each record once, not on every page. Kept as one number
   * per index into the distinct facts (facts-by-log-index.ts), so memory stays flat however large the
   * store grows and a pass over 1 000 000 records finds them all again; facts naming a record of their
   * own (OWN_FACTS_LIMIT) are kept one per record, bounded. Before: an oldest-first cache of 250 000
   * records (≈ 130 bytes each) for all, which a sequential pass over more records always missed.
   */
  readonly #shared = new FactsByLogIndex<RecordFacts>(FACTS_LIMITS, weighFacts);
  readonly #own = new BoundedCache<number, RecordFacts>(OWN_FACTS_LIMIT, { maxWeight: OWN_FACTS_BYTES, weigh: weighFacts });

  #knownFacts(logIndex: number): RecordFacts | undefined {
    return this.#shared.get(logIndex) ?? this.#own.get(logIndex);
  }

  #factsOf(record: FactsSource): RecordFacts {
    return this.#knownFacts(record.logIndex) ?? this.#readFacts(record);
  }

  #readFacts(record: FactsSource): RecordFacts {
    assertBodyIntact(record);
    const obj = JSON.parse(record.body) as Obj;
    const f: RecordFacts = {
      markingRefs: Object.freeze(markingsOf(obj)),
      recipients: record.kind === "warning" ? Object.freeze(recipientsOf(obj)) : EMPTY,
      answers: record.kind === "receipt" && typeof obj.warning_modified === "string" ? obj.warning_modified : undefined,
      subject: record.kind === "escalation" && typeof obj.recipient_ref === "string" ? obj.recipient_ref : undefined,
      reviewers: (record.kind === "determination" || record.kind === "duty-reveal") && Array.isArray(obj.reviewer_refs) ? Object.freeze(obj.reviewer_refs as string[]) : EMPTY,
      determination:
        (record.kind === "duty-decision" || record.kind === "duty-approval" || record.kind === "duty-escalation") && typeof obj.determination_ref === "string"
          ? obj.determination_ref
          : undefined,
    };
    const key = factsKey(f);
    if (key === undefined) return f;
    if (f.answers !== undefined || f.subject !== undefined || f.determination !== undefined) this.#own.set(record.logIndex, f);
    else this.#shared.set(record.logIndex, f, key);
    return f;
  }

  /**
   * What of a warning's lifecycle state (the per-recipient stages a warnings list shows) rests on
   * records the reader may not read; `about` is every record about the warning (Store.recordsAbout). A recipient's row is built from its receipts, assessments and
   * actions and from the escalations naming it; every row and the outcome from the resolutions. A
   * list must leave out the rows named in `recipients`, and the whole state when `all` is set, so
   * that no row reveals a record TLP hides (a recipient added late must not learn from the list
   * that an earlier recipient received and assessed a version it was not sent).
   */
  async hiddenFromState(reader: Reader, about: readonly StoredRecord[], relations?: PartyRelations): Promise<{ all: boolean; recipients: ReadonlySet<string> }> {
    const recipients = new Set<string>();
    if (reader.kind === "node") return { all: false, recipients };
    const versions = new Map<string, WarningVersionAudience[]>();
    const rel = relations ?? (await this.relations());
    let all = false;
    for (const r of about) {
      if (r.kind === "warning" || r.kind === "reveal" || !r.warningRef) continue;
      if (canRead(reader, await this.audienceOf(r, versions), rel)) continue;
      if (r.kind === "resolution") all = true;
      else if (r.kind === "escalation") recipients.add(this.#factsOf(r).subject ?? r.author);
      else recipients.add(r.author);
    }
    return { all, recipients };
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
    const versions = new Map<string, WarningVersionAudience[]>();
    const out: { record: StoredRecord; audience: RecordAudience }[] = [];
    for (const record of records) {
      const audience = await this.audienceOf(record, versions);
      if (canRead(reader, audience, rel)) out.push({ record, audience });
    }
    return out;
  }

  /** The records the reader may see, in the order given. */
  async filter(reader: Reader, records: readonly StoredRecord[]): Promise<StoredRecord[]> {
    return (await this.visible(reader, records)).map((v) => v.record);
  }

  /**
   * {@link visible} for a page of many read without digests (Store.listRecordHeads, TAXII objects):
   * the digests of records whose TLP facts are not known yet are read in one query, so each is still
   * hashed against its digest before its facts are trusted. A warning's audience follows from its
   * author and facts alone, so TLP is decided once per distinct pair in the page, not per record.
   */
  async visibleHeads<R extends RecordBody>(reader: Reader, heads: readonly R[], relations?: PartyRelations): Promise<{ record: R; audience: RecordAudience }[]> {
    const rel = relations ?? (await this.relations());
    const unknown = heads.filter((h) => this.#knownFacts(h.logIndex) === undefined).map((h) => h.logIndex);
    const digests = unknown.length > 0 ? await this.store.recordDigests(unknown) : undefined;
    const versions = new Map<string, WarningVersionAudience[]>();
    const decided = new Map<RecordFacts, Map<string, RecordAudience | null>>();
    const out: { record: R; audience: RecordAudience }[] = [];
    for (const head of heads) {
      let facts = this.#knownFacts(head.logIndex);
      if (facts === undefined) {
        // Not known when the page was read, or forgotten since (the cache may start afresh meanwhile).
        const digest = digests?.get(head.logIndex) ?? (await this.store.recordDigests([head.logIndex])).get(head.logIndex);
        if (digest === undefined) throw corrupted(head, "its row has no digest");
        facts = this.#readFacts({ ...head, digest });
      }
      if (head.kind === "warning") {
        let byAuthor = decided.get(facts);
        if (byAuthor === undefined) decided.set(facts, (byAuthor = new Map()));
        let audience = byAuthor.get(head.author);
        if (audience === undefined) {
          const a = this.#audience(head, facts) as RecordAudience;
          audience = canRead(reader, a, rel) ? a : null;
          byAuthor.set(head.author, audience);
        }
        if (audience !== null) out.push({ record: head, audience });
        continue;
      }
      const a = this.#audience(head, facts, versions);
      const audience = a instanceof Promise ? await a : a;
      if (canRead(reader, audience, rel)) out.push({ record: head, audience });
    }
    return out;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Names a facts value: equal keys, equal facts. Undefined (not cached, parsed at each read) when a list
 * holds anything but strings, which JSON would not tell apart (`[null]` and `[undefined]`).
 */
function factsKey(f: RecordFacts): string | undefined {
  for (const list of [f.markingRefs, f.recipients, f.reviewers]) if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) return undefined;
  return JSON.stringify([f.markingRefs, f.recipients, f.reviewers, f.answers ?? null, f.subject ?? null, f.determination ?? null]);
}

/** Bytes a distinct facts value holds, estimated: the entry itself and its lists. */
function weighFacts(f: RecordFacts): number {
  let bytes = 130 + 2 * ((f.answers?.length ?? 0) + (f.subject?.length ?? 0) + (f.determination?.length ?? 0));
  for (const list of [f.markingRefs, f.recipients, f.reviewers]) {
    bytes += 16 + 8 * list.length;
    for (const x of list) bytes += 16 + 2 * x.length;
  }
  return bytes;
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
function assertBodyIntact(record: FactsSource): void {
  if (!publicBytesEqual(sha256(Buffer.from(record.body, "utf8")), record.digest)) throw corrupted(record, "its stored body does not hash to its digest");
}

function corrupted(record: Pick<StoredRecord, "logIndex"> & Partial<Pick<StoredRecord, "id" | "modified">>, why: string): ExchangeError {
  const which = record.id === undefined ? `at log index ${record.logIndex}` : `${record.id} version ${record.modified}`;
  return new ExchangeError("RECORD_CORRUPTED", `stored record ${which} is corrupted: ${why}; run tocsin log audit`);
}
