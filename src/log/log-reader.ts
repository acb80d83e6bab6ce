import {
  EMPTY_ROOT,
  assembleProof,
  consistencyPlan,
  foldRange,
  hashesFromMap,
  inclusionPlan,
  planNodes,
  rootPlan,
  type ProofPlan,
} from "../core/merkle/index.js";
import {
  encodeEntryBundle,
  resolveEntryBundleRequest,
  resolveTileRequest,
  type EntryBundleRef,
  type TileRef,
} from "../core/tiles/index.js";
import { addSignatures } from "../core/note/index.js";
import type { CosignatureStore, LogLeaf, LogStore, StoredCheckpoint } from "../store/store.js";
import { LogReadError } from "./log-errors.js";

export interface InclusionProof {
  readonly index: number;
  readonly size: number;
  readonly leafHash: Uint8Array;
  readonly hashes: Uint8Array[];
}

export interface ConsistencyProof {
  readonly from: number;
  readonly to: number;
  readonly hashes: Uint8Array[];
}

/** Where the node records its witness policy (the quorum, 0 for none) at each start, for the commands that read its database. */
export const WITNESS_QUORUM_META = "witness.quorum";

/**
 * The witness policy the node last started with: exports and reports from the command line then use the
 * checkpoint the node publishes (the latest its quorum cosigned), not the newest one still uncosigned.
 */
export async function storedWitnessPolicy(store: Pick<LogStore, "getMeta">): Promise<{ witnessQuorum: number }> {
  const v = Number(await store.getMeta(WITNESS_QUORUM_META));
  return { witnessQuorum: Number.isSafeInteger(v) && v > 0 ? v : 0 };
}

/**
 * Everything a reader may ask of the log, answered from stored rows with the core's proof plans:
 * O(log n) node reads per proof, one range read per tile. Stateless, so any process can serve it.
 */
export class LogReader {
  constructor(
    private readonly store: LogStore & CosignatureStore,
    /** A witnessed log's policy: serve the latest checkpoint that many witnesses cosigned (0: the latest). */
    private readonly policy: { readonly witnessQuorum: number } = { witnessQuorum: 0 },
  ) {}

  async size(): Promise<number> {
    return this.store.logSize();
  }

  /** The log's verifier key (C2SP note vkey), as the node recorded it on first start: what auditors pin. */
  async verifierKey(): Promise<string> {
    const vkey = await this.store.getMeta("log.vkey");
    if (vkey === undefined) throw new LogReadError("LOG_NO_CHECKPOINT", "the log has no key yet: it has not started");
    return vkey;
  }

  /**
   * The checkpoint to publish, with every witness cosignature collected for it appended (C2SP
   * tlog-witness: a client may verify them as note signatures). Under a quorum policy, the latest one
   * that many witnesses cosigned; until one has, the latest (its cosignatures are still being collected).
   */
  async latestCheckpoint(): Promise<StoredCheckpoint> {
    const quorum = this.policy.witnessQuorum;
    const cosigned = quorum > 0 ? await this.store.latestCosignedSize(quorum) : undefined;
    const c = cosigned === undefined ? await this.store.latestCheckpoint() : await this.store.checkpointAt(cosigned);
    if (!c) throw new LogReadError("LOG_NO_CHECKPOINT", "the log has not signed a checkpoint yet");
    return this.#withCosignatures(c);
  }

  /**
   * The checkpoint to prove entry `index` in: the published one (latestCheckpoint) when it covers the
   * entry, else the latest signed — a record logged since the quorum last cosigned is still provable.
   */
  async checkpointCovering(index: number): Promise<StoredCheckpoint> {
    const published = await this.latestCheckpoint();
    if (index < published.size) return published;
    const latest = await this.store.latestCheckpoint();
    return latest && latest.size > published.size ? this.#withCosignatures(latest) : published;
  }

  /** The stored checkpoint of this size with its collected cosignatures; undefined if there is none. */
  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    const c = await this.store.checkpointAt(size);
    return c && this.#withCosignatures(c);
  }

  async #withCosignatures(c: StoredCheckpoint): Promise<StoredCheckpoint> {
    const lines = (await this.store.cosignaturesAt(c.size)).map((r) => r.line);
    return lines.length === 0 ? c : { ...c, note: addSignatures(c.note, lines) };
  }

  async entry(index: number): Promise<LogLeaf> {
    const [leaf] = await this.store.getLeaves(index, 1);
    if (!leaf) throw new LogReadError("LOG_ENTRY_NOT_FOUND", `no log entry at index ${index}`);
    return leaf;
  }

  async inclusionProof(index: number, size: number): Promise<InclusionProof> {
    await this.#checkSize(size);
    const plan = inclusionPlan(index, size);
    const hashes = await this.#assemble(plan, [{ level: 0, index }]);
    return { index, size, leafHash: hashes.extra[0]!, hashes: hashes.proof };
  }

  async consistencyProof(from: number, to: number): Promise<ConsistencyProof> {
    await this.#checkSize(to);
    // The empty tree is consistent with every tree, with an empty proof (C2SP tlog-witness).
    if (from === 0 && to >= 0) return { from, to, hashes: [] };
    const { proof } = await this.#assemble(consistencyPlan(from, to), []);
    return { from, to, hashes: proof };
  }

  /** MTH of the first `size` leaves. */
  async rootAt(size: number): Promise<Uint8Array> {
    await this.#checkSize(size);
    if (size === 0) return EMPTY_ROOT;
    const ids = rootPlan(size);
    return foldRange(ids, hashesFromMap(await this.store.getNodes(ids)));
  }

  /** The bytes of a hash tile (the concatenated hashes), at the width asked. */
  async tile(ref: TileRef): Promise<Uint8Array> {
    const r = resolveTileRequest(ref, await this.store.logSize());
    if (!r.found) throw new LogReadError("LOG_TILE_NOT_FOUND", `tile not available: ${r.reason}`);
    const { treeLevel, start, count } = r.coordinates;
    const nodes = await this.store.getNodeRange(treeLevel, start, count);
    if (nodes.length !== count) throw new LogReadError("LOG_TILE_NOT_FOUND", "tile hashes missing from the store");
    return Buffer.concat(nodes.map((n) => n.hash));
  }

  async entryBundle(ref: EntryBundleRef): Promise<Uint8Array> {
    const r = resolveEntryBundleRequest(ref, await this.store.logSize());
    if (!r.found) throw new LogReadError("LOG_TILE_NOT_FOUND", `entry bundle not available: ${r.reason}`);
    const leaves = await this.store.getLeaves(r.range.start, r.range.count);
    return encodeEntryBundle(leaves.map((l) => l.data));
  }

  async #checkSize(size: number): Promise<void> {
    const current = await this.store.logSize();
    if (size > current) throw new LogReadError("LOG_SIZE_BEYOND_TREE", `the log holds ${current} leaves, not ${size}`);
  }

  /** One batched read for the plan's nodes plus `extra` nodes wanted alongside. */
  async #assemble(plan: ProofPlan, extra: { level: number; index: number }[]): Promise<{ proof: Uint8Array[]; extra: Uint8Array[] }> {
    const hashOf = hashesFromMap(await this.store.getNodes([...planNodes(plan), ...extra]));
    return { proof: assembleProof(plan, hashOf), extra: extra.map(hashOf) };
  }
}
