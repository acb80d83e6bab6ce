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
import type { Store, StoredRecord } from "../store/store.js";
import { BoundedCache } from "./bounded-cache.js";
import { ExchangeError } from "./exchange-errors.js";
import type { PartyDirectory } from "./party-directory.js";

type Obj = Record<string, any>;

/** What TLP needs of a stored version, parsed once. Its lists are shared between records (ListInterner): never changed. */
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

/** Records whose TLP facts are kept parsed, at most (≈ 130 bytes each when their lists are shared)… */
const FACTS_CACHE_LIMIT = 250_000;
/** …and at most this many bytes of them, by the estimate of `weighFacts`. */
const FACTS_CACHE_BYTES = 32 * 2 ** 20;
/** Distinct lists (markings, recipients, reviewers) shared between cached facts, at most. */
const SHARED_LISTS_LIMIT = 10_000;
/** Longer lists are not shared: each is weighed with the record that holds it. */
const SHARED_LIST_LENGTH = 32;

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
    const facts = this.#factsOf(record);
    const own: RecordAudience = { author: record.author, recipients: [], markingRefs: facts.markingRefs };
    if (record.kind === "warning") return { ...own, recipients: facts.recipients };
    // The duty to warn: a determination is for its author and reviewers; what follows from it is read by
    // the determination's author and reviewers (and its own author: an approver, the node); a reveal by the reviewers it names.
    if (record.kind === "determination" || record.kind === "duty-reveal") return { ...own, recipients: facts.reviewers };
    if (facts.determination !== undefined) {
      const determination = (await this.store.recordVersions(facts.determination)).filter((v) => v.kind === "determination").at(-1);
      if (!determination) return own;
      return { ...own, recipients: [determination.author, ...this.#factsOf(determination).reviewers] };
    }
    if (!record.warningRef) return own;
    const all = await this.#versionsOf(record.warningRef, versions);
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
   * index: paging a large collection parses each record once, not on every page. Bounded in entries
   * and in bytes (oldest first out, in constant time: bounded-cache.ts) so memory stays flat however
   * large the store grows. Before, keyed by the digest in base64 (a 44-character string made on every
   * lookup) with a fresh copy of each list per record: ≈ 440 bytes an entry, 110 MB when full.
   */
  readonly #facts = new BoundedCache<number, RecordFacts>(FACTS_CACHE_LIMIT, { maxWeight: FACTS_CACHE_BYTES, weigh: (f) => weighFacts(f, this.#lists) });
  readonly #lists = new ListInterner(SHARED_LISTS_LIMIT, SHARED_LIST_LENGTH);

  #factsOf(record: StoredRecord): RecordFacts {
    let f = this.#facts.get(record.logIndex);
    if (f === undefined) {
      assertBodyIntact(record);
      const obj = JSON.parse(record.body) as Obj;
      const lists = this.#lists;
      f = {
        markingRefs: lists.share(markingsOf(obj)),
        recipients: record.kind === "warning" ? lists.share(recipientsOf(obj)) : EMPTY,
        answers: record.kind === "receipt" && typeof obj.warning_modified === "string" ? obj.warning_modified : undefined,
        subject: record.kind === "escalation" && typeof obj.recipient_ref === "string" ? obj.recipient_ref : undefined,
        reviewers: (record.kind === "determination" || record.kind === "duty-reveal") && Array.isArray(obj.reviewer_refs) ? lists.share(obj.reviewer_refs as string[]) : EMPTY,
        determination:
          (record.kind === "duty-decision" || record.kind === "duty-approval" || record.kind === "duty-escalation") && typeof obj.determination_ref === "string"
            ? obj.determination_ref
            : undefined,
      };
      this.#facts.set(record.logIndex, f);
    }
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
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * One copy of each list of ids many records repeat (the TLP marking, a sender's recipients): JSON.parse
 * makes a fresh array of fresh strings for every record, which a cache of 250 000 records would hold
 * 250 000 times over. Bounded: past `limit` distinct lists, or for a list longer than `maxLength`, the
 * record's own list is kept (and weighed with it).
 */
class ListInterner {
  readonly #lists = new Map<string, readonly string[]>();

  constructor(
    private readonly limit: number,
    private readonly maxLength: number,
  ) {}

  share(list: readonly string[]): readonly string[] {
    if (list.length === 0) return EMPTY;
    if (list.length > this.maxLength || !list.every((x) => typeof x === "string")) return list;
    const key = JSON.stringify(list);
    const shared = this.#lists.get(key);
    if (shared) return shared;
    if (this.#lists.size >= this.limit) return list;
    const frozen = Object.freeze([...list]);
    this.#lists.set(key, frozen);
    return frozen;
  }

  isShared(list: readonly string[]): boolean {
    return list === EMPTY || Object.isFrozen(list);
  }
}

/** Bytes a cached entry holds, estimated: the entry itself, and any list it does not share. */
function weighFacts(f: RecordFacts, lists: ListInterner): number {
  let bytes = 130 + 2 * ((f.answers?.length ?? 0) + (f.subject?.length ?? 0) + (f.determination?.length ?? 0));
  for (const list of [f.markingRefs, f.recipients, f.reviewers]) {
    if (lists.isShared(list)) continue;
    bytes += 16 + 8 * list.length;
    for (const x of list) bytes += 16 + 2 * (typeof x === "string" ? x.length : 8);
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
function assertBodyIntact(record: StoredRecord): void {
  if (!publicBytesEqual(sha256(Buffer.from(record.body, "utf8")), record.digest)) throw corrupted(record, "its stored body does not hash to its digest");
}

function corrupted(record: StoredRecord, why: string): ExchangeError {
  return new ExchangeError("RECORD_CORRUPTED", `stored record ${record.id} version ${record.modified} is corrupted: ${why}; run tocsin log audit`);
}
