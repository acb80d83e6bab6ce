import { publicBytesEqual } from "../core/crypto/bytes.js";
import { sha256 } from "../core/crypto/sha256.js";
import { applyEvent, startWarning, type WarningState } from "../core/lifecycle/index.js";
import { lifecycleEventOf } from "../core/lifecycle-mapping/record-events.js";
import { WARNING_EXT, recordKindOf, type RecordKind } from "../core/record/index.js";
import type { ForecastVersion } from "../core/scoring/index.js";
import type { RecordAboutFacts, RecordAudience, WarningVersionAudience } from "../core/tlp/index.js";
import type { Store, StoredRecord } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import { EMPTY_LIST, withSharedEmpties } from "./shared-empties.js";

type Obj = Record<string, any>;

/** A record about a warning (not a version of it), as TLP needs it. */
export interface RelatedFacts extends RecordAboutFacts {
  readonly kind: string;
  /** An escalation's recipient_ref: whose lifecycle row it belongs to. */
  readonly subject: string | undefined;
}

/** What the read side keeps of one warning, kept current as the log grows. */
export interface IndexedWarning {
  readonly id: string;
  /** The log index of its first version: where the warnings list places it. */
  readonly firstIndex: number;
  /**
   * The latest version (greatest `modified`; the first logged of equals): the list shows it and TLP
   * judges the warning by it. The same object as that version's entry in `versionAudiences`.
   */
  latest: IndexedVersion;
  /**
   * Every version's probability, in log order: a number while the warning has one version (most
   * warnings; one object fewer each). Their log times are the state's versions' (forecastVersions).
   */
  probabilities: number | number[];
  /** Each version's own audience with its log position (a record about the warning is read under the version it answered). */
  readonly versionAudiences: IndexedVersion[];
  /** The other records about the warning (receipts, assessments, actions, resolutions, reveals, escalations), in log order; the shared empty list while none. */
  related: readonly RelatedFacts[];
  /** The lifecycle state folded from its records in log order (undefined if none started it). */
  state: WarningState | undefined;
  /** Sealed commitments by id, from its versions so far (a reveal is checked against them); undefined while none. */
  commitments: Map<string, string> | undefined;
  /** Set when a stored record about it no longer hashes to its digest: a list examining it fails as a direct read would. */
  corrupted: ExchangeError | undefined;
  /** Set when a record about it could not be folded (its state would have failed to fold from the store too): reads of its state rethrow it. */
  foldError: unknown;
}

/** A warning version as the index keeps it: its audience, log position and author. */
export interface IndexedVersion extends WarningVersionAudience {
  readonly author: string;
}

/**
 * Every version's log time and probability, in log order (what the track record scores). The log
 * times are the lifecycle state's: a version is in the state exactly when it was folded without
 * error, and a warning whose fold failed is never scored (its reads rethrow the error).
 */
export function forecastVersions(w: IndexedWarning): ForecastVersion[] {
  const versions = w.state?.versions ?? [];
  const p = w.probabilities;
  return versions.map((v, i) => ({ loggedAt: v.loggedAt, probability: typeof p === "number" ? p : p[i]! }));
}

/**
 * Records read from the store per slice; each slice is parsed and folded between two turns of the event
 * loop. 100 records of ≈ 1.2 KB cost ≈ 3–5 ms of CPU on a quiet core (read, parse, fold), so a request
 * arriving while the index is built waits at most about that (400 took 12–18 ms, and an in-flight round
 * trip that needed several turns waited for several slices).
 */
const SLICE = 100;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Every warning's read-side facts — audiences, forecasts, related records' markings, lifecycle state —
 * kept by following the log: the records appended since the last position are read by log index
 * (`Store.recordsAfter`, one index range scan) and folded in, in log order.
 *
 * The log is the source of truth and append-only, and every engine makes its appends visible as a
 * prefix of the log (a batch extends exactly the stored size), so what is indexed after a catch-up is
 * what a full pass over the store would give at that moment — whichever process appended. Callers
 * catch up before they answer: on a database shared by several processes, another process's append is
 * seen by the next request here (one empty range scan when nothing is new).
 *
 * A catch-up reads and folds in slices of SLICE records and yields to the event loop between them,
 * so building the index over a big store (at start, off the request path) never holds the loop for
 * more than one slice; concurrent callers share one catch-up.
 */
export class WarningIndex {
  readonly #byId = new Map<string, IndexedWarning>();
  /** The log index of every warning version, ascending, and the warning each belongs to. */
  readonly #versionAt: number[] = [];
  readonly #versionOf: IndexedWarning[] = [];
  /*
   * Party ids and marking refs recur in every record (a few hundred distinct strings for 100 000
   * warnings): kept once each, so that the index holds references instead of a copy per record, and
   * the heap the collector walks grows less with the warnings.
   */
  readonly #strings = new Map<string, string>();
  #cursor = -1;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly d: {
      readonly store: Store;
      /** The node's own identity (the author of escalations), for folding lifecycle states. */
      readonly nodeIdentity: string;
    },
  ) {}

  /** Reads and folds what the log gained since the last call; resolves once this index covers the log as it was when called. */
  async catchUp(): Promise<void> {
    // A catch-up under way may have read its last slice before the caller's moment: run another after it.
    while (this.#running) await this.#running;
    if (this.#closed) return;
    this.#running = this.#follow();
    try {
      await this.#running;
    } finally {
      this.#running = undefined;
    }
  }

  async #follow(): Promise<void> {
    for (;;) {
      const slice = await this.d.store.recordsAfter(this.#cursor, SLICE);
      for (const r of slice) {
        if (r.warningRef) this.#addSafely(r);
        this.#cursor = r.logIndex;
      }
      if (slice.length < SLICE || this.#closed) return;
      await yieldToLoop();
    }
  }

  /** Stops following the log (a catch-up under way ends after its slice); for the node's close, before its store closes. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running) await this.#running.catch(() => undefined);
  }

  /** How many log entries have been read (the log size this index covers, records or not). */
  get position(): number {
    return this.#cursor + 1;
  }

  get size(): number {
    return this.#byId.size;
  }

  get(warningId: string): IndexedWarning | undefined {
    return this.#byId.get(warningId);
  }

  /** Every indexed warning, in the order of their first versions. */
  warnings(): IterableIterator<IndexedWarning> {
    return this.#byId.values();
  }

  /** How many warning versions are indexed; positions 0 … versionCount − 1 in log order. */
  get versionCount(): number {
    return this.#versionAt.length;
  }

  /** The position of the first warning version logged after `logIndex`. */
  firstVersionAfter(logIndex: number): number {
    let lo = 0;
    let hi = this.#versionAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#versionAt[mid]! <= logIndex) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The warning version at a position: its log index and its warning. */
  versionAt(position: number): { readonly logIndex: number; readonly warning: IndexedWarning } {
    return { logIndex: this.#versionAt[position]!, warning: this.#versionOf[position]! };
  }

  #addSafely(r: StoredRecord): void {
    try {
      this.#add(r);
    } catch (e) {
      // One bad row must not stop the index: the warning it is about fails its reads, as a fold from the store would.
      const w = this.#byId.get(r.warningRef!);
      if (w && w.foldError === undefined) w.foldError = e;
    }
  }

  #intern(s: string): string {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    this.#strings.set(s, s);
    return s;
  }

  /** The same strings in an array, kept once: most records carry one of a few marking sets and recipient lists. */
  #internList(list: readonly unknown[]): string[] {
    const key = list.join("\n");
    const known = this.#lists.get(key);
    if (known !== undefined) return known;
    // Shared by many records: frozen, so that nothing can change one record's list through another's.
    const out = Object.freeze(list.map((x) => this.#intern(String(x)))) as string[];
    this.#lists.set(key, out);
    return out;
  }

  readonly #lists = new Map<string, string[]>();

  /**
   * The audience of a version, kept once per distinct author, recipient list and marking set (a
   * source's warnings to one recipient under one marking share one): frozen, as the lists in it are.
   * The lists are the interned ones, so they are told apart by identity.
   */
  #audience(author: string, recipients: readonly string[], markingRefs: readonly string[]): RecordAudience {
    let byRecipients = this.#audiences.get(author);
    if (!byRecipients) this.#audiences.set(author, (byRecipients = new Map()));
    let byMarkings = byRecipients.get(recipients);
    if (!byMarkings) byRecipients.set(recipients, (byMarkings = new Map()));
    let audience = byMarkings.get(markingRefs);
    if (!audience) byMarkings.set(markingRefs, (audience = Object.freeze({ author, recipients, markingRefs })));
    return audience;
  }

  readonly #audiences = new Map<string, Map<readonly string[], Map<readonly string[], RecordAudience>>>();

  #add(r: StoredRecord): void {
    const obj = JSON.parse(r.body) as Obj;
    // The parsed strings the state keeps (authors, recipients) are replaced by the one copy of each.
    if (typeof obj.created_by_ref === "string") obj.created_by_ref = this.#intern(obj.created_by_ref);
    const markingRefs = this.#internList([...((obj.object_marking_refs as string[] | undefined) ?? []), ...((obj.granular_markings as { marking_ref: string }[] | undefined) ?? []).map((g) => g.marking_ref)]);
    let w = this.#byId.get(r.warningRef!);
    if (r.kind === "warning" && r.id === r.warningRef) {
      const ext = obj.extensions?.[WARNING_EXT] ?? {};
      if (Array.isArray(ext.recipient_refs)) ext.recipient_refs = this.#internList(ext.recipient_refs);
      const audience = this.#audience(this.#intern(r.author), (ext.recipient_refs as string[] | undefined) ?? EMPTY_LIST, markingRefs);
      const version: IndexedVersion = { modified: r.modified, logIndex: r.logIndex, author: audience.author, audience };
      // The state's warning id is this string, not a second copy parsed from the body.
      if (obj.id === r.id) obj.id = r.id;
      const probability = ext.probability as number;
      if (!w) {
        w = { id: r.id, firstIndex: r.logIndex, latest: version, probabilities: probability, versionAudiences: [version], related: EMPTY_LIST, state: undefined, commitments: undefined, corrupted: undefined, foldError: undefined };
        this.#byId.set(r.id, w);
      } else {
        if (r.modified > w.latest.modified) w.latest = version;
        if (typeof w.probabilities === "number") w.probabilities = [w.probabilities, probability];
        else w.probabilities.push(probability);
        w.versionAudiences.push(version);
      }
      // The first version sealing a commitment id is the one a reveal is checked against (commitmentDigestIn).
      for (const c of (ext.commitments as { commitment_id: string; digest: string }[] | undefined) ?? []) {
        w.commitments ??= new Map();
        if (!w.commitments.has(c.commitment_id)) w.commitments.set(c.commitment_id, c.digest);
      }
      this.#versionAt.push(r.logIndex);
      this.#versionOf.push(w);
    } else {
      // Records arrive in log order, so a warning is indexed before anything about it; a record about no stored warning is no warning's.
      if (!w) return;
      // The shared empty list is replaced by the warning's own at its first related record.
      if (w.related === EMPTY_LIST) w.related = [];
      (w.related as RelatedFacts[]).push({
        kind: r.kind,
        author: this.#intern(r.author),
        markingRefs,
        logIndex: r.logIndex,
        answers: r.kind === "receipt" && typeof obj.warning_modified === "string" ? obj.warning_modified : undefined,
        subject: r.kind === "escalation" && typeof obj.recipient_ref === "string" ? this.#intern(obj.recipient_ref) : undefined,
      });
    }
    // Read, as a direct read would, only if its body is still what the log committed to.
    if (!w.corrupted && !publicBytesEqual(sha256(Buffer.from(r.body, "utf8")), r.digest)) {
      w.corrupted = new ExchangeError("RECORD_CORRUPTED", `stored record ${r.id} version ${r.modified} is corrupted: its stored body does not hash to its digest; run tocsin log audit`);
    }
    // The lifecycle fold of foldRecords (warning-states.ts), one record at a time.
    const loggedAt = Date.parse(r.loggedAt);
    const event = lifecycleEventOf(obj, recordKindOf(obj) as RecordKind, { loggedAt, nodeIdentity: this.d.nodeIdentity, commitmentDigest: (id) => w.commitments?.get(id) });
    if (event) {
      const state = w.state === undefined ? (event.kind === "warning" ? startWarning(event, loggedAt) : undefined) : applyEvent(w.state, event, loggedAt);
      w.state = state && withSharedEmpties(state);
    }
  }
}
