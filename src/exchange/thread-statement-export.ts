import { signThreadStatement, threadDigest } from "../core/bundle/index.js";
import { hashLeaf } from "../core/merkle/index.js";
import type { NoteSigner } from "../core/note/index.js";
import type { StoredCheckpoint } from "../store/store.js";

/**
 * The log's signed statement for a bundle: `leaves` (in log order) are every record about `warningId`
 * among the first `checkpoint.size` entries. The caller passes all of them, shown and withheld alike —
 * the statement is about the log, not about what one reader may see.
 */
export function threadStatementFor(logKey: NoteSigner, warningId: string, checkpoint: StoredCheckpoint, leaves: readonly Uint8Array[]): string {
  return signThreadStatement(
    { origin: logKey.name, warning: warningId, size: checkpoint.size, root: checkpoint.root, count: leaves.length, digest: threadDigest(leaves.map((l) => hashLeaf(l))) },
    logKey,
  );
}
