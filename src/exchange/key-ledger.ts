import { KeyHistories, isKeyRecord, type KeyChange, type KeyRecordEntry } from "../core/keys/index.js";
import { KEY_EVENT_TYPE, type StixObject } from "../core/record/index.js";
import type { Store, StoredRecord } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import { NODE_PARTY_SLUG } from "./node-party.js";


/** A logged key record the fold refused (possible only if the database was edited): log audit reports it. */
export interface RefusedKeyRecord {
  readonly index: number;
  readonly id: string;
  readonly reason: string;
}

/** The STIX types key records have: registrations are `identity` records with the party extension. */
const KEY_RECORD_TYPES = ["identity", KEY_EVENT_TYPE] as const;

/**
 * The logged key history of every party, read from the stored records (registrations: `identity`
 * records with the party extension; `x-tocsin-key-event` records) and folded in log order. Kept in
 * memory and brought up to date incrementally before every use: records are append-only and
 * `added_us` grows with the log, so the largest `added_us` among records of those two types — one
 * index seek each, whichever process logged them — tells whether any was logged since the last
 * refresh, and only then does one indexed query per type read what is new (before, the two reads ran
 * before every admission: 5 % of the event loop's CPU admitting one record per request). Reading up to
 * the largest `added_us` seen first means a record committed during the read waits for the next
 * refresh instead of being applied out of order.
 *
 * This is what admission verifies signatures against; the store's `party_key` rows are a cache of it.
 */
export class KeyLedger {
  #histories: KeyHistories | undefined;
  #afterUs = 0;
  readonly #refused: RefusedKeyRecord[] = [];
  #refreshing: Promise<KeyChange[]> | undefined;

  constructor(private readonly store: Store) {}

  /** The histories up to date with the store, and the changes applied by this refresh. */
  async current(): Promise<KeyHistories | undefined> {
    await this.refresh();
    return this.#histories;
  }

  /**
   * Admission's rule for key records however they arrive (registrations, rotations, resets, token
   * events): they must fit the logged history as of now — signed by whom their kind requires, with a
   * key active at `loggedAt` (asked only for a key record: every admitted record passes here). Other
   * records pass.
   */
  async checkRecord(obj: StixObject, loggedAt: () => string): Promise<void> {
    if (!isKeyRecord(obj)) return;
    const h = await this.current();
    if (!h) {
      // The node's own registration comes first of all.
      throw new ExchangeError("PARTY_NOT_FOUND", "the node's own party is not registered yet");
    }
    h.check({ index: Number.MAX_SAFE_INTEGER, loggedAt: loggedAt(), record: obj });
  }

  /** The histories as of the last refresh (no read): after `await refresh()`, as current as `current()`. */
  get known(): KeyHistories | undefined {
    return this.#histories;
  }

  /** Key records refused by the fold so far. */
  get refused(): readonly RefusedKeyRecord[] {
    return this.#refused;
  }

  /** Applies the key records logged since the last refresh; returns what they changed. One refresh at a time. */
  refresh(): Promise<KeyChange[]> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<KeyChange[]> {
    if (!this.#histories) {
      const node = await this.store.getParty(NODE_PARTY_SLUG);
      if (!node) return [];
      this.#histories = new KeyHistories(node.id);
    }
    const upTo = await this.store.maxAddedUs(KEY_RECORD_TYPES);
    if (upTo <= this.#afterUs) return [];
    const fresh: StoredRecord[] = [];
    for (const type of KEY_RECORD_TYPES) fresh.push(...(await readAll(this.store, type, this.#afterUs, upTo)));
    fresh.sort((a, b) => a.logIndex - b.logIndex);
    const changes: KeyChange[] = [];
    for (const r of fresh) {
      const entry: KeyRecordEntry = { index: r.logIndex, loggedAt: r.loggedAt, record: JSON.parse(r.body) as Record<string, unknown> };
      if (!isKeyRecord(entry.record)) continue;
      try {
        changes.push(this.#histories.apply(entry));
      } catch (e) {
        this.#refused.push({ index: r.logIndex, id: r.id, reason: (e as Error).message });
      }
    }
    this.#afterUs = upTo;
    return changes;
  }
}

async function readAll(store: Store, type: string, afterUs: number, upTo: number): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for (let after = afterUs; ; ) {
    const page = await store.listRecords({ type, addedAfterUs: after, limit: 1000 });
    for (const r of page) if (r.addedUs <= upTo) out.push(r);
    if (page.length < 1000 || page.at(-1)!.addedUs > upTo) return out;
    after = page.at(-1)!.addedUs;
  }
}

/**
 * Folds every key record in a store from scratch (for `log audit`, which trusts no cache): the
 * histories, and the records the fold refused.
 */
export async function foldStoredKeyHistory(store: Store): Promise<{ histories: KeyHistories | undefined; refused: readonly RefusedKeyRecord[] }> {
  const ledger = new KeyLedger(store);
  const histories = await ledger.current();
  return { histories, refused: ledger.refused };
}
