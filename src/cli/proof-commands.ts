import { bytesEqual, fromBase64, fromHex, toHex } from "../core/crypto/bytes.js";
import { EMPTY_ROOT, hashLeaf, MerkleError, verifyConsistency, verifyInclusion } from "../core/merkle/index.js";
import { decodeRecordLeaf, leafCommitmentProblem, parseRecordProof, type RecordLeaf, type RecordProof } from "../verify/index.js";
import { LOG_KEY_OPTION, readInputText, readJsonFile, verifierKeyArg } from "./auditor-inputs.js";
import { checkCheckpointNote } from "./checkpoint-commands.js";
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
    summary: "Verify an RFC 9162 inclusion proof offline, against a root or a signed checkpoint, and that the leaf is a given record's.",
    description:
      "Give the proof as options, or --from a record proof as GET /api/v1/records/<id>/proof serves it (leaf, index, size, hashes, checkpoint); an option given beside --from overrides it. The tree is --root and --size, or a signed checkpoint (--checkpoint, or the one in --from) checked with --log-key. --record checks that the leaf commits to that record (its digest, id, version and kind). Exit 0 valid, 1 invalid (the reason printed: the proof, the checkpoint's signature, or the record), 2 malformed input.",
    options: {
      from: { type: "string", value: "PROOF", help: "a record proof file (GET /api/v1/records/<id>/proof), - for stdin" },
      "leaf-hash": { type: "string", value: HASH, help: "the leaf's hash (64 hex digits)" },
      leaf: { type: "string", value: "BASE64", help: "the leaf itself (its hash is computed; needed for --record)" },
      index: { type: "string", value: "N", help: "the leaf's index in the log" },
      size: { type: "string", value: "N", help: "the tree size the proof is for" },
      root: { type: "string", value: HASH, help: "the root hash at that size (64 hex digits)" },
      checkpoint: { type: "string", value: "FILE", help: "the signed checkpoint the proof is for, instead of --root and --size (needs --log-key)" },
      "log-key": LOG_KEY_OPTION,
      proof: { ...PROOF_OPTION, required: false },
      record: { type: "string", value: "FILE", help: "the signed record (STIX JSON): check that the leaf commits to it" },
    },
  },
  ({ values: v }, out) => {
    const from = v.from === undefined ? undefined : parseRecordProof(readJsonFile(v.from, "--from"));
    const leafBytes = leafArg(v.leaf, from);
    const given = v["leaf-hash"] === undefined ? undefined : hash(v["leaf-hash"], "leaf-hash");
    const leafHash = given ?? (leafBytes ? hashLeaf(leafBytes) : undefined);
    if (!leafHash) throw new UsageError("give the leaf: --leaf-hash, --leaf or --from");
    if (given && leafBytes && !bytesEqual(given, hashLeaf(leafBytes))) throw new UsageError("--leaf-hash is not the hash of the leaf given");
    const index = v.index !== undefined ? count(v.index, "index") : from ? from.index : count(undefined, "index");
    const proof = v.proof !== undefined ? proofList(v.proof) : from ? from.hashes.map((h) => fromHex(h)!) : proofList(undefined);
    // The tree: a root and size given, or a checkpoint whose signature the log key must verify.
    const checkpointFile = v.checkpoint;
    if (checkpointFile !== undefined && (v.root !== undefined || v.size !== undefined)) throw new UsageError("give --root and --size, or --checkpoint, not both");
    const note = checkpointFile !== undefined ? readInputText(checkpointFile) : v.root === undefined ? from?.checkpoint : undefined;
    let size: number;
    let root: Uint8Array;
    if (note !== undefined) {
      if (v["log-key"] === undefined) throw new UsageError("a checkpoint is believed only with the log's key: add --log-key VKEY (tocsin log key prints it)");
      const checked = checkCheckpointNote(note, checkpointFile ?? `${v.from} (checkpoint)`, verifierKeyArg(v["log-key"], "--log-key"));
      if (!checked.ok) {
        out(`invalid: checkpoint: ${checked.reason}\n`);
        return 1;
      }
      ({ size, rootHash: root } = checked.opened.checkpoint);
      if (from && v.proof === undefined && from.size !== size) throw new UsageError(`the proof in ${v.from} is for size ${from.size}, the checkpoint of size ${size}`);
      out(`checkpoint: ${checked.opened.checkpoint.origin}, size ${size}, root ${toHex(root)}: signed by the log key\n`);
    } else {
      size = v.size !== undefined ? count(v.size, "size") : from ? from.size : count(undefined, "size");
      root = hash(v.root, "root");
    }
    if (v.record !== undefined) {
      if (!leafBytes) throw new UsageError("--record needs the leaf itself: --leaf BASE64 or --from PROOF");
      const leaf = decodedLeaf(leafBytes);
      const problem = leafCommitmentProblem(leaf, readJsonFile(v.record, "--record"));
      if (problem) {
        out(`invalid: LEAF_COMMITMENT: ${problem}\n`);
        return 1;
      }
      out(`record: the leaf commits to ${leaf.kind} ${leaf.id} version ${leaf.modified}, logged at ${leaf.loggedAt}\n`);
    }
    return verdict(() => verifyInclusion(index, size, leafHash, proof, root), out);
  },
);

/** The leaf bytes from --leaf, else from the record proof; not base64 is bad input. */
function leafArg(value: string | undefined, from: RecordProof | undefined): Uint8Array | undefined {
  const text = value ?? from?.leaf;
  if (text === undefined) return undefined;
  const bytes = fromBase64(text);
  if (!bytes || bytes.length === 0) throw new UsageError(`${value !== undefined ? "--leaf" : "the proof's leaf"} must be base64 leaf bytes`);
  return bytes;
}

function decodedLeaf(bytes: Uint8Array): RecordLeaf {
  try {
    return decodeRecordLeaf(bytes);
  } catch (e) {
    throw new UsageError(`the leaf is not a Tocsin record leaf: ${(e as Error).message}`);
  }
}

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
