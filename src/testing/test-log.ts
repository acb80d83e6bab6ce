import { MemoryTree } from "../core/merkle/index.js";
import { signCheckpoint, type NoteSigner } from "../core/note/index.js";
import { formatAddCheckpointRequest } from "../core/witness/index.js";

/** A log outside the witness: leaves in memory, checkpoints signed with its own key. */
export class TestLog {
  readonly tree = new MemoryTree();
  readonly leaves: Uint8Array[] = [];
  constructor(readonly signer: NoteSigner) {}
  grow(n: number, salt = ""): this {
    for (let i = 0; i < n; i++) {
      const leaf = new TextEncoder().encode(`${salt}leaf ${this.tree.size}`);
      this.leaves.push(leaf);
      this.tree.appendLeaf(leaf);
    }
    return this;
  }
  /** Another branch with the same history so far. */
  clone(): TestLog {
    const t = new TestLog(this.signer);
    for (const l of this.leaves) {
      t.leaves.push(l);
      t.tree.appendLeaf(l);
    }
    return t;
  }
  checkpoint(size = this.tree.size): string {
    return signCheckpoint({ origin: this.signer.name, size, rootHash: this.tree.rootAt(size), extensions: [] }, this.signer);
  }
  request(old: number, size = this.tree.size): string {
    const proof = old === 0 || old === size ? [] : this.tree.consistencyProof(old, size);
    return formatAddCheckpointRequest({ oldSize: old, proof, checkpoint: this.checkpoint(size) });
  }
}

