import { bytesEqual as blocksEqual, publicBytesEqual as bytesEqual } from "../core/crypto/bytes.js";
import { HASH_BYTES, MerkleFrontier, hashChildren, hashLeaf, pow2 } from "../core/merkle/index.js";
import { hashAt, hashLeavesInto, hashLevels, prefixSubtrees } from "../core/merkle/packed.js";
import { openCheckpoint, type NoteVerifier } from "../core/note/index.js";
import type { LogLeaf, LogStore, PackedLeaves, StoredCheckpoint } from "../store/store.js";
import type { AuditProblem } from "./audit.js";
import type { LeafRun, RecordAuditor, ThreadStep } from "./audit-records.js";

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
    emitted.length = 0;
    // A chunk whose every leaf and node is as stored is checked whole (below); one that is not, or that
    // the packed read cannot take, is audited leaf by leaf, which locates what is wrong.
    const block = await intactBlock(store, from, to - from);
    if (block !== undefined) {
      while (rootSizes[nextRoot] !== undefined && rootSizes[nextRoot]! <= to) {
        const size = rootSizes[nextRoot++]!;
        roots.push([size, frontier.rootWith(blockPrefixRoot(block.levels, size - from))]);
      }
      for (const [level, index] of prefixSubtrees(to - from)) frontier.pushSubtree(level, hashAt(block.levels[level]!, index), emit);
      expected = to;
      if (records) await records.checkLeaves(packedRun(from, block.packed), (p) => problems.push(p), (step) => threadSteps.push(step));
    } else {
      const leaves = await store.getLeaves(from, to - from);
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
      if (records) await records.checkLeaves(listedRun(leaves), (p) => problems.push(p), (step) => threadSteps.push(step));
    }
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
 * The chunk [from, from + count) recomputed from its packed leaves, when every leaf hash and every node
 * whose leaves all lie inside it is stored and equals the recomputed one; undefined otherwise. The
 * chunk starts at a multiple of a power of two ≥ count (a chunk of an aligned range), so its nodes are
 * the log's: level l holds ⌊count / 2^l⌋ of them, from index from / 2^l. A level is compared in one
 * call. Rows read out of order would give different nodes, so an intact block is in index order too.
 */
async function intactBlock(store: LogStore, from: number, count: number): Promise<{ packed: PackedLeaves; levels: Uint8Array[] } | undefined> {
  // A chunk of big leaves may pass an engine's limit for one value (SQLite: 1 GB): then, as for any
  // failure here, the leaf-by-leaf read runs instead and reports whatever is really wrong.
  const packed = await store.getPackedLeaves(from, count).catch(() => undefined);
  if (packed === undefined) return undefined;
  const leafHashes = new Uint8Array(packed.hashes.length);
  hashLeavesInto(packed.data, packed.ends, leafHashes);
  if (!blocksEqual(leafHashes, packed.hashes)) return undefined;
  const levels = hashLevels(leafHashes, count);
  for (let level = 1; level < levels.length; level++) {
    const stored = await store.getPackedNodes(level, from / pow2(level), levels[level]!.length / HASH_BYTES).catch(() => undefined);
    if (stored === undefined || !blocksEqual(stored, levels[level]!)) return undefined;
  }
  return { packed, levels };
}

/** MTH of the first `size` leaves of a block, from its levels: its aligned subtrees folded from the right. */
function blockPrefixRoot(levels: readonly Uint8Array[], size: number): Uint8Array {
  const parts = prefixSubtrees(size).map(([level, index]) => hashAt(levels[level]!, index));
  let acc = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) acc = hashChildren(parts[i]!, acc);
  return acc;
}

function packedRun(start: number, packed: PackedLeaves): LeafRun {
  return { start, count: packed.ends.length, data: (i) => packed.data.subarray(i === 0 ? 0 : packed.ends[i - 1]!, packed.ends[i]!) };
}

function listedRun(leaves: readonly LogLeaf[]): LeafRun {
  return { start: leaves[0]!.index, count: leaves.length, data: (i) => leaves[i]!.data };
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
