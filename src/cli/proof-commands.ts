import { parseArgs } from "node:util";
import { bytesEqual, fromHex } from "../core/crypto/bytes.js";
import { EMPTY_ROOT, MerkleError, verifyConsistency, verifyInclusion } from "../core/merkle/index.js";
import { UsageError } from "./cli-errors.js";

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

function parse(argv: string[], names: string[]): Record<string, string | undefined> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [n, { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Record<string, string | undefined>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
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

export function verifyInclusionCommand(argv: string[], out: (s: string) => void): number {
  const v = parse(argv, ["leaf-hash", "index", "size", "root", "proof"]);
  const leafHash = hash(v["leaf-hash"], "leaf-hash");
  const index = count(v.index, "index");
  const size = count(v.size, "size");
  const root = hash(v.root, "root");
  const proof = proofList(v.proof);
  return verdict(() => verifyInclusion(index, size, leafHash, proof, root), out);
}

export function verifyConsistencyCommand(argv: string[], out: (s: string) => void): number {
  const v = parse(argv, ["size1", "size2", "root1", "root2", "proof"]);
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
}
