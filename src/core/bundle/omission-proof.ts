import { bytesEqual, fromBase64, fromHex } from "../crypto/index.js";
import { hashLeaf, verifyConsistency, verifyInclusion } from "../merkle/index.js";
import { openCheckpoint, parseVerifierKey, type NoteVerifier } from "../note/index.js";
import { decodeRecordLeaf, isPlainObject, leafCommitmentProblem, warningRefOf, type RecordLeaf } from "../record/index.js";
import { BundleError } from "./bundle-errors.js";
import type { AccountabilityBundle } from "./bundle-format.js";
import { openThreadStatement, threadDigest, type ThreadStatement } from "./thread-statement.js";

/*
 * Holding the exporter to its word (docs/formats.md §3.2). A bundle's thread statement is the log's
 * signed claim "these N entries are every record about warning W among the first S log entries". Whoever
 * holds a record about W — its log leaf and an inclusion proof, as `GET /api/v1/records/<id>/proof`
 * serves them — can test the claim: if the leaf is in the log before S and not among the N, the log
 * signed a falsehood, and the statement, the leaf and the proofs together show it to anyone, offline.
 */

/** What a record's holder brings: its leaf and where the log proved it (the records API's proof, or parts of it). */
export interface RecordProof {
  readonly index: number;
  /** The leaf bytes, base64. */
  readonly leaf: string;
  /** The tree size the inclusion proof is for, and its hashes (hex). */
  readonly size: number;
  readonly hashes: readonly string[];
  /** The signed checkpoint of `size`; may be left out when `size` is the statement's own checkpoint. */
  readonly checkpoint?: string | undefined;
  /** The signed record: shows what a v1 leaf (which names no warning) is about. */
  readonly record?: Record<string, unknown> | undefined;
  /** A consistency proof (hex) between `size` and the statement's checkpoint, when they differ. */
  readonly consistency?: readonly string[] | undefined;
}

export type OmissionVerdict =
  /** Proven: the log holds a record about the warning before the statement's checkpoint that the statement leaves out. */
  | "omitted"
  /** Proven: the log signed two different trees of one size (the record's checkpoint and the statement's). */
  | "forked"
  /** The bundle holds the record: no omission. */
  | "listed"
  /** The record is not about the bundle's warning. */
  | "not-about"
  /** The record was logged at or after the statement's checkpoint: the statement says nothing about it. */
  | "after"
  /** The evidence does not prove anything (it does not verify, or something is missing: said in `message`). */
  | "unproven";

export interface OmissionCheck {
  readonly verdict: OmissionVerdict;
  readonly message: string;
  readonly index: number;
  /** The record's leaf, when it decoded. */
  readonly leaf?: RecordLeaf | undefined;
}

const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isHexList = (v: unknown): v is string[] => Array.isArray(v) && v.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h));

function malformed(message: string): BundleError {
  return new BundleError("OMISSION_PROOF_MALFORMED", message);
}

/** Checks the shape of a record proof (hostile input); OMISSION_PROOF_MALFORMED names what is wrong. */
export function parseRecordProof(json: unknown): RecordProof {
  if (!isPlainObject(json)) throw malformed("a record proof is a JSON object");
  const p = json as Record<string, unknown>;
  if (!isIndex(p.index)) throw malformed("index must be a log index");
  if (typeof p.leaf !== "string") throw malformed("leaf must be the base64 leaf bytes");
  if (!isIndex(p.size)) throw malformed("size must be a tree size");
  if (!isHexList(p.hashes)) throw malformed("hashes must be a list of 64-hex-digit hashes");
  if (p.checkpoint !== undefined && typeof p.checkpoint !== "string") throw malformed("checkpoint must be a signed note");
  if (p.record !== undefined && !isPlainObject(p.record)) throw malformed("record must be a signed STIX object");
  if (p.consistency !== undefined && !isHexList(p.consistency)) throw malformed("consistency must be a list of 64-hex-digit hashes");
  return p as unknown as RecordProof;
}

const message = (e: unknown): string => {
  const x = e as { code?: string; message?: string };
  return x.code ? `${x.code}: ${x.message}` : String(x.message ?? e);
};

const hexes = (list: readonly string[]): Uint8Array[] => list.map((h) => fromHex(h)!);

/**
 * Tests a bundle's thread statement against one record proof. Pure. Trusts only the log key
 * (`logKey`, else the bundle's own, which the caller should say): the statement, the record's
 * checkpoint and the proofs must all verify under it before anything is concluded.
 */
export function checkOmission(bundle: AccountabilityBundle, proof: RecordProof, options: { logKey?: NoteVerifier | undefined } = {}): OmissionCheck {
  const { index } = proof;
  const unproven = (why: string, leaf?: RecordLeaf): OmissionCheck => ({ verdict: "unproven", message: why, index, leaf });
  let logKey: NoteVerifier;
  try {
    logKey = options.logKey ?? parseVerifierKey(bundle.log.verifier_key);
  } catch (e) {
    return unproven(`the bundle's log key does not parse: ${message(e)}`);
  }
  // 1. The exporter's claim.
  if (bundle.thread_statement === undefined) return unproven("the bundle carries no thread statement: there is no claim to hold the exporter to (and the bundle does not audit)");
  let statement: ThreadStatement;
  try {
    statement = openThreadStatement(bundle.thread_statement, logKey);
  } catch (e) {
    return unproven(`the bundle's thread statement does not verify: ${message(e)}`);
  }
  if (statement.warning !== bundle.warning) return unproven("the thread statement is about another warning than the bundle");
  // 2. The record's leaf, in a tree the log signed.
  const bytes = fromBase64(proof.leaf);
  if (!bytes) return unproven("the leaf is not base64");
  let leaf: RecordLeaf;
  try {
    leaf = decodeRecordLeaf(bytes);
  } catch (e) {
    return unproven(`the leaf does not decode: ${message(e)}`);
  }
  let root: Uint8Array;
  if (proof.checkpoint !== undefined) {
    try {
      const opened = openCheckpoint(proof.checkpoint, logKey);
      if (opened.checkpoint.size !== proof.size) return unproven(`the checkpoint is of size ${opened.checkpoint.size}, the inclusion proof of size ${proof.size}`, leaf);
      root = opened.checkpoint.rootHash;
    } catch (e) {
      return unproven(`the record's checkpoint does not verify with the log key: ${message(e)}`, leaf);
    }
  } else if (proof.size === statement.size) root = statement.root;
  else return unproven(`no checkpoint for the inclusion proof of size ${proof.size} (only the statement's, of size ${statement.size}, may be left out)`, leaf);
  try {
    verifyInclusion(index, proof.size, hashLeaf(bytes), hexes(proof.hashes), root);
  } catch (e) {
    return unproven(`the inclusion proof does not verify: ${message(e)}`, leaf);
  }
  // Two signed trees of one size with different roots: the log forked, whatever the record is about.
  if (proof.size === statement.size && !bytesEqual(root, statement.root)) {
    return {
      verdict: "forked",
      message: `the log signed two different trees of size ${proof.size}: the record's checkpoint and the thread statement's (a forked log)`,
      index,
      leaf,
    };
  }
  // 3. Is it about the warning, and before the statement's checkpoint? (Answered from its own verified tree.)
  let about: string | undefined = leaf.warning;
  if (about === undefined) {
    if (proof.record === undefined) return unproven("the leaf (v1) does not name its warning: add the signed record (\"record\") to show what it is about", leaf);
    const problem = leafCommitmentProblem(leaf, proof.record);
    if (problem) return unproven(`the record given is not the one the leaf commits to: ${problem}`, leaf);
    try {
      about = warningRefOf(proof.record);
    } catch (e) {
      return unproven(`the record given is not a record: ${message(e)}`, leaf);
    }
  }
  const what = `${leaf.kind} ${leaf.id} (log index ${index})`;
  if (about !== bundle.warning) return { verdict: "not-about", message: `${what} is not about warning ${bundle.warning}`, index, leaf };
  if (index >= statement.size) {
    return { verdict: "after", message: `${what} was logged after checkpoint ${statement.size}, which the thread statement speaks of`, index, leaf };
  }
  // 4. The record's tree and the statement's are one log.
  if (proof.size !== statement.size) {
    const [small, large] = proof.size < statement.size ? [{ size: proof.size, root }, statement] : [statement, { size: proof.size, root }];
    if (proof.consistency === undefined) {
      return unproven(
        `the record was proven in the tree of size ${proof.size}, the statement speaks of size ${statement.size}: add "consistency", the proof from /log/proof/consistency?from=${small.size}&to=${large.size}`,
        leaf,
      );
    }
    try {
      verifyConsistency(small.size, large.size, small.root, large.root, hexes(proof.consistency));
    } catch (e) {
      return unproven(`the consistency proof between sizes ${small.size} and ${large.size} does not verify: ${message(e)}`, leaf);
    }
  }
  // 5. The statement's list, which the bundle spells out (its entries must hash to the statement's digest).
  const listed = [...bundle.records.map((r) => ({ index: r.index, leaf: r.leaf })), ...(bundle.withheld ?? [])].sort((a, b) => a.index - b.index);
  const hashes: Uint8Array[] = [];
  for (const e of listed) {
    const b = fromBase64(e.leaf);
    if (!b) return unproven("a leaf of the bundle is not base64: audit the bundle first", leaf);
    hashes.push(hashLeaf(b));
  }
  if (hashes.length !== statement.count || !bytesEqual(threadDigest(hashes), statement.digest)) {
    return unproven("the bundle's entries are not the ones its thread statement lists: audit the bundle first", leaf);
  }
  const mine = hashLeaf(bytes);
  if (hashes.some((h) => bytesEqual(h, mine))) return { verdict: "listed", message: `${what} is in the bundle`, index, leaf };
  const position = leaf.seq === undefined ? "" : `, thread position ${leaf.seq}`;
  return {
    verdict: "omitted",
    message:
      `OMISSION PROVEN: ${what}${position} is about warning ${bundle.warning} and in the log before checkpoint ${statement.size}, ` +
      `but the log's signed thread statement lists ${statement.count} records about the warning up to that checkpoint without it`,
    index,
    leaf,
  };
}
