import { publicBytesEqual as bytesEqual } from "../core/crypto/bytes.js";
import { MerkleFrontier, hashLeaf, pow2 } from "../core/merkle/index.js";
import { openCheckpoint, type NoteVerifier } from "../core/note/index.js";
import type { LogStore, StoredCheckpoint } from "../store/store.js";
import type { AuditProblem } from "./audit.js";
import type { RecordAuditor, ThreadStep } from "./audit-records.js";

/*
 * One range of the log, audited on its own: the part of `log audit` that can run on several threads at
 * once. A range starts at a multiple of its width (a power of two), so every tree node whose leaves lie
 * inside it is a node of the whole tree, recomputed and compared here; the nodes above the ranges, the
 * roots of checkpoints that end inside a range, and thread positions (counted from entry 0) are put
 * together in log order by audit.ts from what each range returns.
 */

/** Leaves read per query: memory stays bounded by one chunk whatever the range's width. */
const CHUNK = 16_384;

export interface RangeRequest {
  readonly start: number;
  readonly end: number;
  /** The stored checkpoints whose size lies in (start, end]: their signatures are checked here. */
  readonly checkpoints: readonly StoredCheckpoint[];
  /** Check each leaf's record and tombstone rows too. */
  readonly records: boolean;
}

/** What auditing a range found; plain data, so it crosses threads. */
export interface RangeAudit {
  readonly start: number;
  /** Leaves audited: end - start, or up to the first missing one, where the audit of the log stops. */
  readonly leaves: number;
  readonly missing: boolean;
  /** Leaves, records, then nodes, chunk by chunk (the order of a sequential audit). */
  readonly problems: AuditProblem[];
  readonly threadSteps: ThreadStep[];
  /**
   * MTH of the range's own leaves [start, size) at each checkpoint size in the range whose signature
   * verified, and at the range's end: with the nodes before the range, the root of the whole log there.
   */
  readonly roots: [size: number, root: Uint8Array][];
  /** A leaf or node inside the range is wrong: nodes above it that differ are its consequence. */
  readonly damaged: boolean;
}

export async function auditRange(store: LogStore, verifier: NoteVerifier, req: RangeRequest, records: RecordAuditor | undefined): Promise<RangeAudit> {
  const problems: AuditProblem[] = [];
  const threadSteps: ThreadStep[] = [];
  const roots: [number, Uint8Array][] = [];
  const rootSizes = signedSizes(req.checkpoints, verifier, problems);
  if (rootSizes.at(-1) !== req.end) rootSizes.push(req.end);
  const frontier = new MerkleFrontier();
  // Leaves whose stored hash disagrees with their data, ascending. The tree is recomputed from the data,
  // so every ancestor of such a leaf disagrees with its stored hash too: those are consequences, not
  // separate corruption, and are left out so the report names the damaged entry itself.
  const badLeaves: number[] = [];
  // Likewise nodes found wrong (a leaf rewritten together with its leaf hash shows first as its level-1
  // parent, and would otherwise be reported as the highest such ancestor). Few: each is a problem.
  const badNodes: { first: number; last: number }[] = [];
  const covered = (first: number, last: number): boolean => anyWithin(badLeaves, first, last) || badNodes.some((b) => b.first >= first && b.last <= last);
  // Completed nodes by level (level 1 up), global indices: the range is aligned, so a node of the
  // range's own tree at (level, i) is the log's node (level, i + start / 2^level).
  const emitted: { first: number; hashes: Uint8Array[] }[] = [];
  const emit = (id: { level: number; index: number }, hash: Uint8Array): void => {
    const level = (emitted[id.level] ??= { first: id.index + req.start / pow2(id.level), hashes: [] });
    level.hashes.push(hash);
  };
  let nextRoot = 0;
  let expected = req.start;
  for (let from = req.start; from < req.end; from = expected) {
    const to = Math.min(req.end, from + CHUNK);
    const leaves = await store.getLeaves(from, to - from);
    emitted.length = 0;
    for (const leaf of leaves) {
      if (leaf.index !== expected) break;
      const computed = hashLeaf(leaf.data);
      if (!bytesEqual(computed, leaf.hash)) {
        badLeaves.push(leaf.index);
        problems.push({ kind: "leaf-hash", entry: leaf.index, message: `entry ${leaf.index}: stored leaf hash does not match its data` });
      }
      frontier.push(computed, emit);
      expected++;
      if (rootSizes[nextRoot] === expected) roots.push([rootSizes[nextRoot++]!, frontier.root()]);
    }
    if (expected !== to) {
      problems.push({ kind: "leaf-missing", entry: expected, message: `entry ${expected} is missing` });
      return { start: req.start, leaves: expected - req.start, missing: true, problems, threadSteps, roots, damaged: true };
    }
    if (records) await records.checkLeaves(leaves, (p) => problems.push(p), (step) => threadSteps.push(step));
    for (let level = 1; level < emitted.length; level++) {
      const { first, hashes } = emitted[level] ?? { first: 0, hashes: [] };
      if (hashes.length === 0) continue;
      // Rows come in index order, some perhaps missing: walked by index, so a missing row is reported
      // as missing, not as every later node shifted.
      const stored = await store.getNodeRange(level, first, hashes.length);
      for (let i = 0, row = 0; i < hashes.length; i++) {
        while (row < stored.length && stored[row]!.index < first + i) row++;
        const problem = compareNode(level, first + i, hashes[i]!, stored[row]?.index === first + i ? stored[row]!.hash : undefined, covered);
        if (problem === undefined) continue;
        if (problem.kind === "node-hash") badNodes.push({ first: problem.entry, last: problem.entry + pow2(level) - 1 });
        problems.push(problem);
      }
    }
  }
  return { start: req.start, leaves: expected - req.start, missing: false, problems, threadSteps, roots, damaged: badLeaves.length > 0 || badNodes.length > 0 };
}

/**
 * A recomputed node against its stored hash: missing, different, or fine. A differing node above
 * damage already reported (`covered`) is its consequence and not reported again.
 */
export function compareNode(
  level: number,
  nodeIndex: number,
  computed: Uint8Array,
  stored: Uint8Array | undefined,
  covered: (first: number, last: number) => boolean,
): AuditProblem | undefined {
  const entry = nodeIndex * pow2(level);
  const last = entry + pow2(level) - 1;
  const where = `node ${level}/${nodeIndex} (entries ${entry}..${last})`;
  if (stored === undefined) return { kind: "node-missing", entry, level, nodeIndex, message: `${where} is missing` };
  if (bytesEqual(stored, computed) || covered(entry, last)) return undefined;
  const hint = level === 1 ? " (its leaves hash to their data: one of them was rewritten together with its leaf hash, or the node was)" : "";
  return { kind: "node-hash", entry, level, nodeIndex, message: `${where}: stored hash differs${hint}` };
}

/**
 * Checks each checkpoint's signature by the log key and that the signed note says what its stored
 * columns say; returns the sizes (ascending) whose root is then to be compared with the log's.
 */
function signedSizes(checkpoints: readonly StoredCheckpoint[], verifier: NoteVerifier, problems: AuditProblem[]): number[] {
  const sizes: number[] = [];
  for (const c of checkpoints) {
    const problem = checkpointSignatureProblem(c, verifier);
    if (problem) problems.push(problem);
    else if (sizes.at(-1) !== c.size) sizes.push(c.size);
  }
  return sizes;
}

/** A stored checkpoint must carry the log key's valid signature over exactly its stored size and root. */
export function checkpointSignatureProblem(c: StoredCheckpoint, verifier: NoteVerifier): AuditProblem | undefined {
  const entry = Math.max(0, c.size - 1);
  let signed;
  try {
    signed = openCheckpoint(c.note, verifier).checkpoint;
  } catch (e) {
    return { kind: "checkpoint-signature", entry, message: `checkpoint of size ${c.size}: ${(e as Error).message}` };
  }
  if (signed.size !== c.size || !bytesEqual(signed.rootHash, c.root)) {
    return { kind: "checkpoint-signature", entry, message: `checkpoint of size ${c.size}: signed note and stored columns disagree` };
  }
  return undefined;
}

/** Whether the ascending `sorted` holds a value in [first, last] (binary search: a damaged log may have many). */
function anyWithin(sorted: readonly number[], first: number, last: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < first) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= last;
}
