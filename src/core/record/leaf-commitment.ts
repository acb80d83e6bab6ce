import type { RecordLeaf } from "./log-leaf.js";
import { recordDigestHex } from "./record-signature.js";
import { recordKindOf } from "./record-kind.js";

/**
 * Why a log leaf does not commit to a record, or undefined when it does: the record's envelope digest
 * is the one the leaf carries, and the leaf names the record's id, version and kind. The one answer to
 * "is this leaf this record's?" — the bundle audit, key histories, omission evidence and
 * `tocsin proof verify-inclusion --record` all ask it. Never throws: a value that is not a record is
 * a problem too.
 */
export function leafCommitmentProblem(leaf: RecordLeaf, record: unknown): string | undefined {
  let digest: string;
  try {
    digest = recordDigestHex(record);
  } catch (e) {
    return `not a record: ${(e as Error).message}`;
  }
  if (digest !== leaf.digest) return "the record's content does not match the digest its log leaf commits to";
  const r = record as Record<string, unknown>;
  let kind: string;
  try {
    kind = recordKindOf(record);
  } catch (e) {
    return `not a record: ${(e as Error).message}`;
  }
  if (leaf.id !== r.id || leaf.modified !== (r.modified ?? r.created) || leaf.kind !== kind) return "the log leaf names another record or version";
  return undefined;
}
