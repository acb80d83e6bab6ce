import { applyEvent, startWarning, type WarningState } from "../core/lifecycle/index.js";
import { lifecycleEventOf } from "../core/lifecycle-mapping/record-events.js";
import { WARNING_EXT, recordKindOf, type RecordKind } from "../core/record/index.js";
import type { Store, StoredRecord } from "../store/store.js";

/**
 * The lifecycle state of each warning, folded from its records in log order and cached. The admission
 * path updates an entry only after the records that changed it are durable, under the warning's lock.
 */
export class WarningStates {
  readonly #cache = new Map<string, WarningState>();
  /**
   * On a database shared by several processes another process may have admitted records since a state
   * was cached (this one was a follower, or lost and regained the lease): fold from the store every time.
   */
  readonly #caching: boolean;

  constructor(
    private readonly store: Store,
    private readonly nodeIdentity: string,
  ) {
    this.#caching = !store.sharedByProcesses;
  }

  async get(warningId: string): Promise<WarningState | undefined> {
    if (!this.#caching) return foldRecords(await this.store.recordsAbout(warningId), this.nodeIdentity);
    const cached = this.#cache.get(warningId);
    if (cached) return cached;
    const records = await this.store.recordsAbout(warningId);
    const state = foldRecords(records, this.nodeIdentity);
    if (state) this.#cache.set(warningId, state);
    return state;
  }

  /**
   * The state from the cache, or folded from `records` (every record about the warning, in log order)
   * when the caller has already read them in bulk — the track record reads all records in one pass
   * instead of one query per warning.
   */
  fromRecords(warningId: string, records: readonly StoredRecord[]): WarningState | undefined {
    const cached = this.#cache.get(warningId);
    if (cached) return cached;
    const state = foldRecords(records, this.nodeIdentity);
    if (state) this.#cache.set(warningId, state);
    return state;
  }

  /** Whether the state is in the cache (no store read needed). */
  isCached(warningId: string): boolean {
    return this.#cache.has(warningId);
  }

  set(warningId: string, state: WarningState): void {
    if (this.#caching) this.#cache.set(warningId, state);
  }
}

/**
 * Replays stored records through the lifecycle. Each was checked when admitted, so the replay uses
 * each record's own log time as "now": the state is what it was, whenever it is rebuilt.
 */
export function foldRecords(records: readonly StoredRecord[], nodeIdentity: string): WarningState | undefined {
  let state: WarningState | undefined;
  for (const r of records) {
    const obj = JSON.parse(r.body) as Record<string, any>;
    const kind = recordKindOf(obj) as RecordKind;
    const loggedAt = Date.parse(r.loggedAt);
    const event = lifecycleEventOf(obj, kind, {
      loggedAt,
      nodeIdentity,
      commitmentDigest: (id) => commitmentDigestIn(records, id),
    });
    if (!event) continue;
    state = state === undefined ? (event.kind === "warning" ? startWarning(event, loggedAt) : undefined) : applyEvent(state, event, loggedAt);
  }
  return state;
}

/** The digest a commitment id was sealed with, from any stored version of the warning. */
export function commitmentDigestIn(records: readonly Pick<StoredRecord, "kind" | "body">[], id: string): string | undefined {
  for (const r of records) {
    if (r.kind !== "warning") continue;
    const ext = (JSON.parse(r.body) as Record<string, any>).extensions?.[WARNING_EXT];
    const c = (ext?.commitments ?? []).find((x: { commitment_id: string }) => x.commitment_id === id);
    if (c) return c.digest as string;
  }
  return undefined;
}
