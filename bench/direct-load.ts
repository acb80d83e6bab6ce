/**
 * The fastest way to give a benchmark node a big store: signed records appended through the node's own
 * sequencer (the same store transaction, leaves, interior nodes and checkpoints an admission makes),
 * without the admission's checks. The checks are what `admit` and `taxii` POST measure; the read
 * benchmarks only need what they read to be exactly what an admission would have stored — the
 * canonical body, its digest, the record row and the record's log leaf — and 1 000 000 records through
 * admission would take most of an hour on two shared cores.
 */
import { type Author } from "../src/client/record-builders.js";
import { toHex } from "../src/core/crypto/bytes.js";
import { encodeRecordLeaf, recordLeafOf, type StixObject } from "../src/core/record/index.js";
import { canonicalForm } from "../src/exchange/record-check.js";
import type { TocsinNode } from "../src/node/node.js";
import type { NewRecord } from "../src/store/store.js";

/** Records about a warning carry its thread position; a warning's first version opens its thread. */
export interface DirectRecord {
  readonly obj: StixObject;
  readonly kind: string;
  readonly author: Author;
  /** The warning the record is about (the warning's own id for a warning). */
  readonly warningRef?: string;
  /** Position in the warning's thread (0 for a warning's first version). */
  readonly seq?: number;
}

/** Appends the records in batches of up to 10 000, as one admission batch would each. */
export async function appendDirect(node: TocsinNode, records: readonly DirectRecord[]): Promise<void> {
  const loggedAt = new Date().toISOString();
  for (let i = 0; i < records.length; i += 10_000) {
    const entries = records.slice(i, i + 10_000).map((r) => {
      const { body, digest } = canonicalForm(r.obj);
      const digestHex = toHex(digest);
      const record: NewRecord = {
        digest,
        id: r.obj.id as string,
        modified: (r.obj.modified ?? r.obj.created) as string,
        type: r.obj.type as string,
        kind: r.kind,
        author: r.author.id,
        warningRef: r.warningRef,
        loggedAt,
        custodial: false,
        body,
      };
      const thread = r.warningRef === undefined ? undefined : { warning: r.warningRef, seq: r.seq ?? 0 };
      return { leaf: encodeRecordLeaf(recordLeafOf(r.obj, loggedAt, digestHex, thread)), record };
    });
    await node.sequencer.appendEntries(entries);
  }
}
