import type { ThreadPosition } from "../core/record/index.js";
import type { RecordStore } from "../store/store.js";

/**
 * Gives each record about a warning its position in the warning's thread (docs/formats.md §2.7): the
 * number of records about the warning logged before it — 0 for the warning's first version, then one
 * more for every version, receipt, assessment, action, resolution, reveal and escalation, in log order.
 *
 * One instance serves one admission batch, created while the batch holds the lock of every warning it
 * touches. That lock is held until the batch's append is durable and spans processes on PostgreSQL, so
 * the stored count read here cannot change under us, and positions are unique and without gaps. Records
 * of legacy v1 leaves count too, so a thread that started before positions existed goes on at its length.
 */
export class ThreadPositions {
  readonly #next = new Map<string, number>();

  constructor(private readonly store: Pick<RecordStore, "countRecordsAbout" | "countRecordsAboutEach">) {}

  /** Reads the stored counts of all these warnings in one query (a batch's warnings, before its records take positions). */
  async prefetch(warningIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(warningIds)].filter((id) => !this.#next.has(id));
    if (ids.length === 0) return;
    const counts = await this.store.countRecordsAboutEach(ids);
    for (const id of ids) this.#next.set(id, counts.get(id) ?? 0);
  }

  /** The position of the next record about `warningId` in this batch. */
  async next(warningId: string): Promise<ThreadPosition> {
    const seq = this.#next.get(warningId) ?? (await this.store.countRecordsAbout(warningId));
    this.#next.set(warningId, seq + 1);
    return { warning: warningId, seq };
  }
}
