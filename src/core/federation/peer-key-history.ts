import { fromBase64, fromHex } from "../crypto/index.js";
import { KeyHistories, isKeyRecord } from "../keys/index.js";
import { hashLeaf, verifyInclusion } from "../merkle/index.js";
import { decodeRecordLeaf, isPlainObject, leafCommitmentProblem } from "../record/index.js";
import { FederationError } from "./federation-errors.js";

/** One logged key record of a peer: its index and leaf in the peer's log, the signed record, and (on the wire) its inclusion proof. */
export interface PeerKeyRecord {
  readonly index: number;
  readonly leaf: string;
  readonly record: Record<string, unknown>;
  readonly hashes?: readonly string[];
}

const invalid = (message: string): FederationError => new FederationError("FEDERATION_PEER_INVALID", message);

/**
 * Folds a peer's logged key records into its key histories (rooted at the peer's node party), each
 * checked first: in log order, a key record, its leaf committing to it, and — when `root` is given —
 * its inclusion proof in the peer's checkpoint of `size`. A record the fold refuses (a rotation not
 * signed by the key it replaces, a registration not by the peer's node) refuses the whole history:
 * keys change only as the logged history allows.
 */
export function foldPeerKeyHistory(nodeParty: string, entries: readonly unknown[], proven?: { readonly size: number; readonly root: Uint8Array }): KeyHistories {
  const histories = new KeyHistories(nodeParty);
  let last = -1;
  entries.forEach((e, i) => {
    if (!isPlainObject(e) || !Number.isSafeInteger(e.index) || typeof e.leaf !== "string" || !isPlainObject(e.record)) throw invalid(`key_history[${i}] needs index, leaf and record`);
    const entry = e as unknown as PeerKeyRecord;
    if (entry.index <= last) throw invalid(`key_history[${i}] is out of log order`);
    last = entry.index;
    if (!isKeyRecord(entry.record)) throw invalid(`key_history[${i}] is not a registration or key event`);
    const bytes = fromBase64(entry.leaf);
    if (!bytes) throw invalid(`key_history[${i}]: the leaf is not base64`);
    let loggedAt: string;
    try {
      const leaf = decodeRecordLeaf(bytes);
      const problem = leafCommitmentProblem(leaf, entry.record);
      if (problem) throw new Error(problem);
      loggedAt = leaf.loggedAt;
    } catch (err) {
      throw invalid(`key_history[${i}]: ${(err as Error).message}`);
    }
    if (proven) {
      if (entry.index >= proven.size) throw invalid(`key_history[${i}] is not under the checkpoint of size ${proven.size}`);
      const hashes = entry.hashes;
      if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))) throw invalid(`key_history[${i}] has no inclusion proof`);
      try {
        verifyInclusion(entry.index, proven.size, hashLeaf(bytes), hashes.map((h) => fromHex(h)!), proven.root);
      } catch (err) {
        throw invalid(`key_history[${i}]: the inclusion proof does not verify: ${(err as Error).message}`);
      }
    }
    try {
      histories.apply({ index: entry.index, loggedAt, record: entry.record });
    } catch (err) {
      throw invalid(`key_history[${i}] does not fit the peer's key history: ${(err as Error).message}`);
    }
  });
  return histories;
}
