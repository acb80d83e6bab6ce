import { bytesEqual, fromHex } from "../core/crypto/bytes.js";
import { EMPTY_ROOT, MerkleError, verifyConsistency, verifyInclusion } from "../core/merkle/index.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";

function hash(value: string | undefined, flag: string): Uint8Array {
  const h = value === undefined ? undefined : fromHex(value);
  if (!h || h.length !== 32) throw new UsageError(`--${flag} must be 64 hex digits`);
  return h;
}

function count(value: string | undefined, flag: string): number {
  if (value === undefined || !/^(?:0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${flag} must be a non-negative decimal integer`);
  }
  return Number(value);
}

/** `--proof ''` is the empty proof; otherwise comma-separated 32-byte hex hashes. */
function proofList(value: string | undefined): Uint8Array[] {
  if (value === undefined) throw new UsageError("--proof is required ('' for an empty proof)");
  if (value === "") return [];
  return value.split(",").map((h, i) => hash(h, `proof (element ${i})`));
}

/** Runs a verification: 0 valid, 1 invalid (the reason printed). Malformed input throws UsageError (2). */
function verdict(run: () => void, out: (s: string) => void): number {
  try {
    run();
    out("valid\n");
    return 0;
  } catch (e) {
    if (e instanceof MerkleError) {
      out(`invalid: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

const HASH = "HEX";
const PROOF_OPTION = { type: "string", value: "HEX[,HEX…]", help: "the proof's hashes, comma-separated ('' for an empty proof)", required: true } as const;

export const verifyInclusionCommand = defineCommand(
  {
    name: "proof verify-inclusion",
    summary: "Verify an RFC 9162 inclusion proof offline.",
    description: "Exit 0 valid, 1 invalid (the reason printed), 2 malformed input.",
    options: {
      "leaf-hash": { type: "string", value: HASH, help: "the leaf's hash (64 hex digits)", required: true },
      index: { type: "string", value: "N", help: "the leaf's index in the log", required: true },
      size: { type: "string", value: "N", help: "the tree size the proof is for", required: true },
      root: { type: "string", value: HASH, help: "the root hash at that size (64 hex digits)", required: true },
      proof: PROOF_OPTION,
    },
  },
  ({ values: v }, out) => {
    const leafHash = hash(v["leaf-hash"], "leaf-hash");
    const index = count(v.index, "index");
    const size = count(v.size, "size");
    const root = hash(v.root, "root");
    const proof = proofList(v.proof);
    return verdict(() => verifyInclusion(index, size, leafHash, proof, root), out);
  },
);

export const verifyConsistencyCommand = defineCommand(
  {
    name: "proof verify-consistency",
    summary: "Verify an RFC 9162 consistency proof offline (equal sizes with different roots, a fork, are invalid).",
    description: "Exit 0 valid, 1 invalid (the reason printed), 2 malformed input.",
    options: {
      size1: { type: "string", value: "N", help: "the older tree size", required: true },
      size2: { type: "string", value: "N", help: "the newer tree size", required: true },
      root1: { type: "string", value: HASH, help: "the root hash at size1 (64 hex digits)", required: true },
      root2: { type: "string", value: HASH, help: "the root hash at size2 (64 hex digits)", required: true },
      proof: PROOF_OPTION,
    },
  },
  ({ values: v }, out) => {
    const size1 = count(v.size1, "size1");
    const size2 = count(v.size2, "size2");
    const root1 = hash(v.root1, "root1");
    const root2 = hash(v.root2, "root2");
    const proof = proofList(v.proof);
    // C2SP tlog-witness: the empty tree is consistent with every tree, with an empty proof.
    if (size1 === 0) {
      if (proof.length !== 0) {
        out("invalid: MERKLE_PROOF_WRONG_LENGTH: a proof from the empty tree must be empty\n");
        return 1;
      }
      if (!bytesEqual(root1, EMPTY_ROOT)) {
        out("invalid: MERKLE_ROOT_MISMATCH: the empty tree's root is SHA-256 of nothing\n");
        return 1;
      }
      return verdict(() => undefined, out);
    }
    return verdict(() => verifyConsistency(size1, size2, root1, root2, proof), out);
  },
);
