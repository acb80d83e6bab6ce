import { rfc3339, type Clock } from "../core/clock.js";
import { toHex } from "../core/crypto/bytes.js";
import { encodeRecordLeaf } from "../core/record/index.js";
import type { Sequencer } from "../log/sequencer.js";
import type { PartyRow, Store, StoredRecord } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import { KeyedMutex } from "../store/keyed-mutex.js";
import type { PartyDirectory } from "./party-directory.js";

/**
 * Deleting a record version (TAXII DELETE object) never erases it: a `tombstone` leaf is appended to
 * the log — naming the version's id, `modified` and digest, the deleting party and its active key —
 * and the version is marked deleted in the same transaction. TAXII reads stop serving it; the record,
 * its leaf and its inclusion proof stay, so the history (it existed, who deleted it, when) is provable.
 * Only the author may delete its records.
 */
export class RecordDeletion {
  readonly #locks = new KeyedMutex();

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly sequencer: Pick<Sequencer, "appendEntries">;
      readonly parties: PartyDirectory;
      readonly clock: Clock;
      /**
       * Locks by record id; on a database shared by several processes they must span them all (the
       * admission's), or two processes deleting one version both append a tombstone. Default: in-process.
       */
      readonly locks?: { run<T>(keys: Iterable<string>, fn: () => Promise<T>): Promise<T> } | undefined;
    },
  ) {}

  /**
   * Tombstones the live versions of `id` that `select` keeps (it receives them oldest first) and
   * returns them. RECORD_AUTHOR_MISMATCH when the deleter did not author one of them.
   */
  async delete(deleter: PartyRow, id: string, select: (live: StoredRecord[]) => StoredRecord[]): Promise<StoredRecord[]> {
    return (this.d.locks ?? this.#locks).run([`id:${id}`], async () => {
      const live = await this.d.store.listRecords({ ids: [id], live: true, versions: { all: true }, limit: 100_000 });
      live.sort((a, b) => (a.modified < b.modified ? -1 : a.modified > b.modified ? 1 : 0));
      const doomed = select(live);
      if (doomed.length === 0) return [];
      const foreign = doomed.find((r) => r.author !== deleter.id);
      if (foreign) throw new ExchangeError("RECORD_AUTHOR_MISMATCH", `only ${foreign.author} may delete ${id}`);
      const key = (await this.d.parties.keys(deleter.id)).find((k) => k.retiredAt === undefined);
      if (!key) throw new ExchangeError("RECORD_KEY_RETIRED", `${deleter.slug} has no active key`);
      const loggedAt = rfc3339(this.d.clock.now());
      await this.d.sequencer.appendEntries(
        doomed.map((r) => ({
          leaf: encodeRecordLeaf({
            kind: "tombstone",
            id: r.id,
            modified: r.modified,
            author: deleter.id,
            keyId: key.keyId,
            custodial: deleter.custodial,
            digest: toHex(r.digest),
            loggedAt,
          }),
          tombstone: r.digest,
        })),
      );
      return doomed;
    });
  }
}
