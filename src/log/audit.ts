import { publicBytesEqual as bytesEqual, toHex } from "../core/crypto/bytes.js";
import { availableParallelism } from "node:os";
import { EMPTY_ROOT, MerkleFrontier, pow2 } from "../core/merkle/index.js";
import { formatVerifierKey, type NoteVerifier } from "../core/note/index.js";
import type { StoreLocation } from "../store/open-store.js";
import type { LogStore, RecordAuditStore, StoredCheckpoint } from "../store/store.js";
import { RecordAuditor, ThreadAuditor, type RecordProblemKind } from "./audit-records.js";
import { checkpointSignatureProblem, compareNode, type RangeAudit, type RangeRequest } from "./audit-range.js";
import { inlineRangeAuditor, threadRangeAuditors } from "./range-auditors.js";

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
  readonly onProgress?: (done: number, total: number) => void;
  /** Stop after this many problems. */
  readonly maxProblems?: number;
  /** Check the record and tombstone rows against their leaves (default: when the store has them). */
  readonly records?: boolean;
  /**
   * Audit ranges of the log on `threads` worker threads (default: the machine's parallelism), each
   * opening the store at `at` itself; without it, one range at a time on this thread.
   */
  readonly parallel?: { readonly at: StoreLocation; readonly threads?: number };
  /** Entries per range: 2^rangeLevel (default 16), so each range is a subtree of the log (audit-range.ts). */
  readonly rangeLevel?: number;
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
 * The log is cut into aligned ranges (2^16 entries), audited on worker threads when `parallel` is given
 * (audit-range.ts); here their results are put together in log order: the nodes above the ranges, the
 * checkpoint roots, the thread positions. O(n) hashes; memory O(log n) plus the ranges in flight.
 */
export async function auditLog(store: LogStore, options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const maxProblems = options.maxProblems ?? 100;
  const total = await store.logSize();
  const problems: AuditProblem[] = [];
  const full = () => problems.length >= maxProblems;
  const report = (p: AuditProblem): void => void problems.push(p);
  const recordStore = options.records !== false && isRecordAuditStore(store) ? store : undefined;
  const threads = new ThreadAuditor();
  const rangeLevel = options.rangeLevel ?? 16;
  const RANGE = pow2(rangeLevel);
  await checkLogKey(store, options.verifier, report);

  const checkpoints = await allCheckpoints(store);
  for (const c of checkpoints.filter((c) => c.size === 0)) {
    const problem = checkpointSignatureProblem(c, options.verifier);
    if (problem) problems.push(problem);
    else if (!bytesEqual(c.root, EMPTY_ROOT)) problems.push(rootProblem(c, EMPTY_ROOT));
  }
  const ranges: RangeRequest[] = [];
  for (let start = 0, next = 0; start < total; start += RANGE) {
    const end = Math.min(total, start + RANGE);
    while (checkpoints[next] !== undefined && checkpoints[next]!.size <= start) next++;
    const first = next;
    while (checkpoints[next] !== undefined && checkpoints[next]!.size <= end) next++;
    ranges.push({ start, end, checkpoints: checkpoints.slice(first, next), records: recordStore !== undefined });
  }

  const threadCount = Math.min(ranges.length, options.parallel?.threads ?? availableParallelism());
  const auditors =
    options.parallel !== undefined && threadCount > 1
      ? await threadRangeAuditors(options.parallel.at, options.verifier, recordStore !== undefined, threadCount)
      : inlineRangeAuditor(store, options.verifier, recordStore && new RecordAuditor(recordStore));
  // The nodes above the ranges: a frontier whose leaves are the ranges' roots.
  const upper = new MerkleFrontier();
  const damagedRanges: number[] = [];
  const badUpper: { first: number; last: number }[] = [];
  const coveredAbove = (first: number, last: number): boolean =>
    damagedRanges.some((r) => r * RANGE >= first && r * RANGE <= last) || badUpper.some((b) => b.first >= first && b.last <= last);
  let audited = 0;
  try {
    // Ranges in flight at once: enough to keep every thread busy while this one puts results together.
    const window = auditors.parallelism * 2;
    const pending = new Map<number, Promise<RangeAudit>>();
    const dispatch = (i: number): void => {
      const p = auditors.audit(ranges[i]!);
      p.catch(() => undefined); // awaited in order below; a later range's failure must not go unhandled
      pending.set(i, p);
    };
    for (let i = 0; i < Math.min(window, ranges.length); i++) dispatch(i);
    for (let i = 0; i < ranges.length && !full(); i++) {
      const range = await pending.get(i)!;
      pending.delete(i);
      if (i + window < ranges.length) dispatch(i + window);
      problems.push(...range.problems);
      for (const step of range.threadSteps) threads.check(step, report);
      audited += range.leaves;
      if (range.damaged) damagedRanges.push(i);
      const roots = new Map(range.roots);
      for (const c of ranges[i]!.checkpoints) {
        const local = roots.get(c.size);
        if (local === undefined) continue; // its signature failed (reported), or it lies beyond a missing entry
        const root = upper.rootWith(local);
        if (!bytesEqual(c.root, root)) problems.push(rootProblem(c, root));
      }
      if (range.missing) break;
      if (range.leaves === RANGE) {
        const nodes: { level: number; index: number; hash: Uint8Array }[] = [];
        upper.push(roots.get(range.start + RANGE)!, (id, hash) => nodes.push({ level: rangeLevel + id.level, index: id.index, hash }));
        for (const n of nodes) {
          const stored = (await store.getNodeRange(n.level, n.index, 1))[0]?.hash;
          const problem = compareNode(n.level, n.index, n.hash, stored, coveredAbove);
          if (problem?.kind === "node-hash") badUpper.push({ first: problem.entry, last: problem.entry + pow2(n.level) - 1 });
          if (problem) problems.push(problem);
        }
      }
      options.onProgress?.(range.start + range.leaves, total);
    }
  } finally {
    await auditors.close();
  }
  for (const c of checkpoints) {
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
    if (recordStore) await new RecordAuditor(recordStore).checkBeyond(total, report, maxProblems);
  }
  problems.sort((a, b) => a.entry - b.entry);
  attributeNodesToEntries(problems);
  return {
    ok: problems.length === 0,
    leaves: audited,
    checkpoints: checkpoints.length,
    problems,
    seconds: (performance.now() - started) / 1000,
  };
}

function rootProblem(c: StoredCheckpoint, root: Uint8Array): AuditProblem {
  return {
    kind: "checkpoint-root",
    entry: Math.max(0, c.size - 1),
    message: `checkpoint of size ${c.size} signs root ${toHex(c.root)}, but the log's root at that size is ${toHex(root)}: not consistent with the log`,
  };
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
