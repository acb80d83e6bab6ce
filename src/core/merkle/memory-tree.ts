import { MerkleFrontier } from "./frontier.js";
import { hashLeaf } from "./hasher.js";
import { MerkleError } from "./merkle-errors.js";
import { assembleProof, consistencyPlan, foldRange, inclusionPlan, rootPlan } from "./proof-plan.js";
import type { NodeId } from "./node-id.js";
import { EMPTY_ROOT } from "./hasher.js";

/**
 * A whole tree in memory, every complete node kept per level: the same plans the stores serve, over
 * arrays. Used by offline verifiers (bundles), tests and benchmarks' reference checks.
 */
export class MemoryTree {
  readonly #levels: Uint8Array[][] = [[]];
  readonly #frontier = new MerkleFrontier();

  get size(): number {
    return this.#frontier.size;
  }

  /** Appends a leaf by its data; returns its index. */
  appendLeaf(leaf: Uint8Array): number {
    return this.appendLeafHash(hashLeaf(leaf));
  }

  appendLeafHash(leafHash: Uint8Array): number {
    const index = this.#frontier.size;
    this.#levels[0]!.push(leafHash);
    this.#frontier.push(leafHash, (id, hash) => {
      (this.#levels[id.level] ??= []).push(hash);
    });
    return index;
  }

  /** The hash of a complete node. */
  node = (id: NodeId): Uint8Array => {
    const h = this.#levels[id.level]?.[id.index];
    if (h === undefined) throw new RangeError(`node ${id.level}/${id.index} not complete`);
    return h;
  };

  rootAt(size: number = this.size): Uint8Array {
    this.#checkSize(size);
    return size === 0 ? EMPTY_ROOT : foldRange(rootPlan(size), this.node);
  }

  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#checkSize(size);
    return assembleProof(inclusionPlan(index, size), this.node);
  }

  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.#checkSize(size2);
    return assembleProof(consistencyPlan(size1, size2), this.node);
  }

  #checkSize(size: number): void {
    if (size > this.size) throw new MerkleError("MERKLE_INDEX_OUT_OF_RANGE", `tree has only ${this.size} leaves`);
  }
}
