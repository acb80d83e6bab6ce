export { EMPTY_ROOT, HASH_BYTES, hashChildren, hashLeaf } from "./hasher.js";
export { MAX_TREE_SIZE, isTreeSize, nodeKey, nodeStart, pow2, rangeNodes, splitPoint } from "./node-id.js";
export type { NodeId } from "./node-id.js";
export { MerkleError } from "./merkle-errors.js";
export type { MerkleErrorCode } from "./merkle-errors.js";
export {
  assembleProof,
  consistencyPlan,
  foldRange,
  hashesFromMap,
  inclusionPlan,
  planNodes,
  rootPlan,
} from "./proof-plan.js";
export type { NodeHashes, ProofPlan } from "./proof-plan.js";
export { isPowerOfTwo, rootFromInclusionProof, rootsFromConsistencyPath, verifyConsistency, verifyInclusion } from "./verify.js";
export { MerkleFrontier } from "./frontier.js";
export { MemoryTree } from "./memory-tree.js";
