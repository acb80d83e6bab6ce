import { publicBytesEqual as bytesEqual, toHex } from "../core/crypto/bytes.js";
import { MerkleFrontier, hashLeaf, pow2 } from "../core/merkle/index.js";
import { formatVerifierKey, openCheckpoint, type NoteVerifier } from "../core/note/index.js";
import type { LogStore, RecordAuditStore, StoredCheckpoint } from "../store/store.js";
import { RecordAuditor, type RecordProblemKind } from "./audit-records.js";

/** One thing wrong with a stored log, located as precisely as the damage allows. */
export interface AuditProblem {
  readonly kind:
    | "leaf-missing"
    | "leaf-hash"
    | "node-missing"
    | "node-hash"
    | "checkpoint-signature"
    | "checkpoint-root"
    | "checkpoint-beyond-log"
    | "checkpoint-missing"
    | "leaf-beyond-head"
    | "log-key"
    | RecordProblemKind;
  /** The first log entry the problem touches (0 for a problem of the whole log, such as its key). */
  readonly entry: number;
  readonly level?: number;
  readonly nodeIndex?: number;
  readonly message: string;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly leaves: number;
  readonly checkpoints: number;
  /** Problems in log order; the first one names the first corrupted entry. */
  readonly problems: AuditProblem[];
  readonly seconds: number;
}

export interface AuditOptions {
  /** The log's public key: checkpoints must carry its valid signature. */
  readonly verifier: NoteVerifier;
  readonly chunk?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stop after this many problems. */
  readonly maxProblems?: number;
  /** Check the record and tombstone rows against their leaves (default: when the store has them). */
  readonly records?: boolean;
}

/**
 * Recomputes the whole log from its leaves and compares every stored hash with it: each leaf hash,
 * each interior node, and the root of every stored checkpoint (whose signature must verify with the
 * log key). Checkpoints that all equal roots of prefixes of the one recomputed tree are, by
 * construction, mutually consistent; one that signs a different root for its size — a fork — fails.
 *
 * Beyond the tree: the newest checkpoint must cover every entry (the node signs one per batch, or at
 * the end of each interval and at every start and stop, so entries no checkpoint covers mean a deleted
 * checkpoint — or a node audited while running with --checkpoint-interval); no leaf may lie beyond the
 * log head; the log key and origin recorded in `meta` must be the trusted key's. And, on a store with
 * records, every record and tombstone row must be what its leaf logged (audit-records.ts).
 *
 * Streams in chunks, holding only the tree's right edge in memory: O(n) hashes, O(log n) memory.
 */
export async function auditLog(store: LogStore, options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const chunk = options.chunk ?? 20_000;
  const maxProblems = options.maxProblems ?? 100;
  const total = await store.logSize();
  const problems: AuditProblem[] = [];
  const full = () => problems.length >= maxProblems;
  const report = (p: AuditProblem): void => void problems.push(p);
  const frontier = new MerkleFrontier();
  const records = options.records !== false && isRecordAuditStore(store) ? new RecordAuditor(store) : undefined;
  await checkLogKey(store, options.verifier, report);
  // Leaves whose stored hash disagrees with their data, ascending. The tree is recomputed from the
  // data, so every ancestor of such a leaf disagrees with its stored hash too: those are consequences,
  // not separate corruption, and are left out so the report names the damaged entry itself.
  const badLeaves: number[] = [];
  const coversBadLeaf = (first: number, last: number): boolean => {
    let lo = 0;
    let hi = badLeaves.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (badLeaves[mid]! < first) lo = mid + 1;
      else hi = mid;
    }
    return lo < badLeaves.length && badLeaves[lo]! <= last;
  };
  // Likewise nodes found wrong: their ancestors are wrong as a consequence (a leaf rewritten together
  // with its leaf hash shows first as its level-1 parent, and would otherwise be reported as the
  // highest such ancestor — entry 0 of a large subtree). Few, as each is a reported problem.
  const badNodes: { first: number; last: number }[] = [];
  const coversBadNode = (first: number, last: number): boolean => badNodes.some((b) => b.first >= first && b.last <= last);

  const checkpoints = await allCheckpoints(store);
  let nextCheckpoint = 0;
  const checkCheckpointsUpTo = (size: number): void => {
    while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint]!.size <= size) {
      const c = checkpoints[nextCheckpoint++]!;
      checkCheckpoint(c, c.size === frontier.size ? frontier.root() : undefined, options.verifier, problems);
    }
  };
  checkCheckpointsUpTo(0);

  for (let start = 0; start < total && !full(); ) {
    // End chunks at checkpoint sizes so each checkpoint is compared with the root at exactly its size.
    const boundary = checkpoints[nextCheckpoint]?.size;
    const end = Math.min(total, start + chunk, boundary !== undefined && boundary > start ? boundary : Infinity);
    const leaves = await store.getLeaves(start, end - start);
    const emitted = new Map<number, { first: number; hashes: Uint8Array[] }>();
    let expected = start;
    for (const leaf of leaves) {
      if (leaf.index !== expected) {
        problems.push({ kind: "leaf-missing", entry: expected, message: `entry ${expected} is missing` });
        break;
      }
      const computed = hashLeaf(leaf.data);
      if (!bytesEqual(computed, leaf.hash)) {
        badLeaves.push(leaf.index);
        problems.push({ kind: "leaf-hash", entry: leaf.index, message: `entry ${leaf.index}: stored leaf hash does not match its data` });
      }
      frontier.push(computed, (id, hash) => {
        const level = emitted.get(id.level) ?? { first: id.index, hashes: [] };
        level.hashes.push(hash);
        emitted.set(id.level, level);
      });
      expected++;
    }
    if (expected !== end) {
      if (problems.at(-1)?.kind !== "leaf-missing") problems.push({ kind: "leaf-missing", entry: expected, message: `entry ${expected} is missing` });
      break;
    }
    if (records && leaves.length > 0) await records.checkLeaves(leaves, report);
    for (const [level, { first, hashes }] of [...emitted].sort((a, b) => a[0] - b[0])) {
      // Aligned by index, so a missing row is reported as missing, not as every later node shifted.
      const stored = new Map((await store.getNodeRange(level, first, hashes.length)).map((n) => [n.index, n.hash]));
      for (let i = 0; i < hashes.length; i++) {
        const nodeIndex = first + i;
        const storedHash = stored.get(nodeIndex);
        const entry = nodeIndex * pow2(level);
        const last = entry + pow2(level) - 1;
        const where = `node ${level}/${nodeIndex} (entries ${entry}..${last})`;
        if (storedHash !== undefined && (coversBadLeaf(entry, last) || coversBadNode(entry, last))) continue;
        if (storedHash === undefined) problems.push({ kind: "node-missing", entry, level, nodeIndex, message: `${where} is missing` });
        else if (!bytesEqual(storedHash, hashes[i]!)) {
          badNodes.push({ first: entry, last });
          const hint = level === 1 ? " (its leaves hash to their data: one of them was rewritten together with its leaf hash, or the node was)" : "";
          problems.push({ kind: "node-hash", entry, level, nodeIndex, message: `${where}: stored hash differs${hint}` });
        }
      }
    }
    start = end;
    checkCheckpointsUpTo(frontier.size);
    options.onProgress?.(start, total);
  }
  for (const c of checkpoints.slice(nextCheckpoint)) {
    if (c.size > total) problems.push({ kind: "checkpoint-beyond-log", entry: total, message: `checkpoint of size ${c.size} is beyond the log's ${total} entries` });
  }
  if (!full()) {
    const covered = checkpoints.reduce((m, c) => Math.max(m, c.size), 0);
    if (covered < total) {
      problems.push({
        kind: "checkpoint-missing",
        entry: covered,
        message: `entries ${covered}..${total - 1} are covered by no signed checkpoint (the newest is of size ${covered}): a checkpoint was deleted, or the node is running with a checkpoint interval or crashed before signing (start it once, then audit again)`,
      });
    }
    const beyond = await store.getLeaves(total, 1);
    if (beyond.length > 0) problems.push({ kind: "leaf-beyond-head", entry: total, message: `entry ${beyond[0]!.index} is stored beyond the log head's size ${total}` });
    if (records) await records.checkBeyond(total, report, maxProblems);
  }
  problems.sort((a, b) => a.entry - b.entry);
  attributeNodesToEntries(problems);
  return {
    ok: problems.length === 0,
    leaves: frontier.size,
    checkpoints: checkpoints.length,
    problems,
    seconds: (performance.now() - started) / 1000,
  };
}

function checkCheckpoint(c: StoredCheckpoint, root: Uint8Array | undefined, verifier: NoteVerifier, problems: AuditProblem[]): void {
  const entry = Math.max(0, c.size - 1);
  let signed;
  try {
    signed = openCheckpoint(c.note, verifier).checkpoint;
  } catch (e) {
    problems.push({ kind: "checkpoint-signature", entry, message: `checkpoint of size ${c.size}: ${(e as Error).message}` });
    return;
  }
  if (signed.size !== c.size || !bytesEqual(signed.rootHash, c.root)) {
    problems.push({ kind: "checkpoint-signature", entry, message: `checkpoint of size ${c.size}: signed note and stored columns disagree` });
    return;
  }
  if (root === undefined) return; // beyond the log: reported at the end
  if (!bytesEqual(signed.rootHash, root)) {
    problems.push({
      kind: "checkpoint-root",
      entry,
      message: `checkpoint of size ${c.size} signs root ${toHex(signed.rootHash)}, but the log's root at that size is ${toHex(root)}: not consistent with the log`,
    });
  }
}

async function allCheckpoints(store: LogStore): Promise<StoredCheckpoint[]> {
  const out: StoredCheckpoint[] = [];
  for (let after = -1; ; ) {
    const page = await store.listCheckpoints(after, 10_000);
    out.push(...page);
    if (page.length < 10_000) return out;
    after = page[page.length - 1]!.size;
  }
}

/** Record rows make a rewritten entry exact where the tree alone narrows it to a node's range. */
function attributeNodesToEntries(problems: AuditProblem[]): void {
  const exact = problems.filter((p) => p.kind.startsWith("record-") || p.kind.startsWith("tombstone-"));
  let moved = false;
  for (const p of problems) {
    if (p.kind !== "node-hash" || p.level === undefined) continue;
    const last = p.entry + pow2(p.level) - 1;
    const inside = exact.filter((x) => x.entry >= p.entry && x.entry <= last);
    if (inside.length === 1) {
      (p as { entry: number }).entry = inside[0]!.entry;
      moved = true;
    }
  }
  if (moved) problems.sort((a, b) => a.entry - b.entry);
}

/**
 * `meta` names the log's key and origin; bundles and the node's start-up read them. They must be the
 * key the auditor trusts (--key, or the key file): a replaced key there would have bundles name a
 * key the operator chose. A database with no key recorded yet (a node never started) has none to compare.
 */
async function checkLogKey(store: LogStore, verifier: NoteVerifier, report: (p: AuditProblem) => void): Promise<void> {
  const vkey = await store.getMeta("log.vkey");
  const origin = await store.getMeta("log.origin");
  if (vkey !== undefined && vkey !== formatVerifierKey(verifier)) {
    report({ kind: "log-key", entry: 0, message: `the database names log key ${vkey}, not the trusted ${formatVerifierKey(verifier)}` });
  } else if (origin !== undefined && origin !== verifier.name) {
    report({ kind: "log-key", entry: 0, message: `the database names log origin ${origin}, not the trusted key's ${verifier.name}` });
  }
}

function isRecordAuditStore(store: LogStore): store is LogStore & RecordAuditStore {
  const s = store as Partial<RecordAuditStore>;
  return typeof s.recordsByLogIndex === "function" && typeof s.tombstonesByLogIndex === "function" && typeof s.tombstoneOf === "function";
}
