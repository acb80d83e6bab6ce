import { bytesEqual, fromBase64, toHex } from "../crypto/index.js";
import { isPowerOfTwo, rootsFromConsistencyPath } from "../merkle/index.js";
import { isTocsinError } from "../errors/tocsin-error.js";
import { formatVerifierKey, openCheckpoint, parseVerifierKey, type Checkpoint, type NoteVerifier } from "../note/index.js";
import { WitnessError } from "./witness-errors.js";

/**
 * Offline proof that a log showed two histories (a split view): two checkpoints both signed by the
 * log's key that cannot be one history. Either they have one size and two roots (`same-size`), or a
 * consistency path from the smaller to the larger leads to the larger's root but to another root than
 * the smaller's (`inconsistent`): under a collision-resistant hash the path's nodes are the larger
 * tree's, so it proves what that tree's root was at the smaller size.
 */
export interface SplitViewEvidence {
  /** The log's verifier key (signed-note vkey, Ed25519): both checkpoints verify under it. */
  readonly logKey: string;
  /** The two signed checkpoint notes, smaller size first (either first at one size). */
  readonly checkpoints: readonly [string, string];
  /**
   * `inconsistent` only: the consistency path from the smaller size to the larger — the RFC 9162 proof
   * with, when the smaller size is a power of two, the node covering its leaves at the front.
   */
  readonly consistencyPath?: readonly Uint8Array[];
}

/** What a verified piece of evidence shows. */
export interface SplitView {
  readonly kind: "same-size" | "inconsistent";
  readonly origin: string;
  readonly checkpoints: readonly [Checkpoint, Checkpoint];
  /** Identifies the fork whoever detects it (the two roots and sizes): one alarm per fork. */
  readonly forkKey: string;
}

function invalid(message: string, cause?: unknown): WitnessError {
  return new WitnessError("ALARM_INVALID", message, cause === undefined ? {} : { cause });
}

/**
 * Verifies split-view evidence with nothing but itself (and, for a caller who knows the log, the key
 * it trusts: `trustedKey` must then be the evidence's key). Throws ALARM_INVALID when it proves nothing.
 */
export function verifySplitView(evidence: SplitViewEvidence, trustedKey?: string): SplitView {
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(evidence.logKey);
  } catch (e) {
    throw invalid("the log key is not a signed-note verifier key", e);
  }
  if (verifier.type !== "ed25519") throw invalid("the log key is not an Ed25519 note key (type 0x01)");
  if (trustedKey !== undefined && trustedKey !== evidence.logKey) throw invalid("the evidence is about another log key than the one trusted");
  const [a, b] = evidence.checkpoints.map((note, i) => {
    try {
      return openCheckpoint(note, verifier, verifier.name).checkpoint;
    } catch (e) {
      throw invalid(`checkpoint ${i + 1} is not signed by the log key`, e);
    }
  }) as [Checkpoint, Checkpoint];
  if (a.size === b.size) {
    if (bytesEqual(a.rootHash, b.rootHash)) throw invalid("the two checkpoints are one tree (same size, same root)");
    if (evidence.consistencyPath !== undefined && evidence.consistencyPath.length > 0) throw invalid("same-size evidence carries no consistency path");
    return { kind: "same-size", origin: a.origin, checkpoints: [a, b], forkKey: forkKeyOf(a, b) };
  }
  if (a.size > b.size) throw invalid("the smaller checkpoint comes first");
  if (evidence.consistencyPath === undefined) throw invalid("checkpoints of two sizes need a consistency path");
  let roots: { root1: Uint8Array; root2: Uint8Array };
  try {
    roots = rootsFromConsistencyPath(a.size, b.size, evidence.consistencyPath);
  } catch (e) {
    throw invalid("the consistency path is not a path between the two sizes", e);
  }
  if (!bytesEqual(roots.root2, b.rootHash)) throw invalid("the consistency path does not lead to the larger checkpoint's root");
  if (bytesEqual(roots.root1, a.rootHash)) throw invalid("the consistency path shows the checkpoints consistent");
  return { kind: "inconsistent", origin: a.origin, checkpoints: [a, b], forkKey: forkKeyOf(a, b) };
}

/** The fork's identity: origin, both sizes and roots in a fixed order (so both sides of a detection agree). */
function forkKeyOf(a: Checkpoint, b: Checkpoint): string {
  const parts = [`${a.size}:${toHex(a.rootHash)}`, `${b.size}:${toHex(b.rootHash)}`].sort();
  return `${a.origin}\n${parts.join("\n")}`;
}

/**
 * Evidence from a checkpoint held (cosigned or seen) and another of the same log, when they prove a
 * split view: the same size with another root, or a standard consistency proof (RFC 9162, from the
 * smaller size to the larger) that leads to the larger's root but not the smaller's. Undefined when
 * they do not (consistent, or a proof that proves nothing — not about the larger tree, or from a
 * power-of-two size, where the proof leaves out the very node that would differ).
 */
export function splitViewOf(
  logKey: NoteVerifier,
  held: { readonly note: string; readonly checkpoint: Checkpoint },
  other: { readonly note: string; readonly checkpoint: Checkpoint },
  proof: readonly Uint8Array[] = [],
): SplitViewEvidence | undefined {
  const [small, large] = held.checkpoint.size <= other.checkpoint.size ? [held, other] : [other, held];
  const vkey = formatVerifierKey(logKey);
  if (small.checkpoint.size === large.checkpoint.size) {
    if (bytesEqual(small.checkpoint.rootHash, large.checkpoint.rootHash)) return undefined;
    return { logKey: vkey, checkpoints: [held.note, other.note] };
  }
  if (small.checkpoint.size === 0 || isPowerOfTwo(small.checkpoint.size) || proof.length === 0) return undefined;
  try {
    const roots = rootsFromConsistencyPath(small.checkpoint.size, large.checkpoint.size, proof);
    if (!bytesEqual(roots.root2, large.checkpoint.rootHash) || bytesEqual(roots.root1, small.checkpoint.rootHash)) return undefined;
  } catch (e) {
    if (isTocsinError(e)) return undefined;
    throw e;
  }
  return { logKey: vkey, checkpoints: [small.note, large.note], consistencyPath: proof };
}

/**
 * The evidence in an alarm record (or in a bare evidence object of the same members): what `tocsin
 * alarm verify` checks. ALARM_INVALID when the members are missing or of the wrong type.
 */
export function splitViewEvidenceOf(record: unknown): SplitViewEvidence {
  const o = record as Record<string, unknown> | null;
  const bad = (what: string) => new WitnessError("ALARM_INVALID", `not a witness alarm: ${what}`);
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw bad("not a JSON object");
  if (typeof o.log_key !== "string") throw bad("log_key is missing");
  const cps = o.checkpoints;
  if (!Array.isArray(cps) || cps.length !== 2 || !cps.every((c): c is string => typeof c === "string")) throw bad("checkpoints must be two signed notes");
  const path = o.consistency_path;
  if (path !== undefined && (!Array.isArray(path) || !path.every((h) => typeof h === "string"))) throw bad("consistency_path must be base64 hashes");
  const hashes = (path as string[] | undefined)?.map((h) => {
    const b = fromBase64(h);
    if (b === undefined || b.length !== 32) throw bad("a consistency_path entry is not base64 of 32 bytes");
    return b;
  });
  return { logKey: o.log_key, checkpoints: [cps[0]!, cps[1]!], ...(hashes !== undefined ? { consistencyPath: hashes } : {}) };
}
