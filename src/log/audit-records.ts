import { publicBytesEqual as bytesEqual, toHex } from "../core/crypto/bytes.js";
import { sha256Utf8 } from "../core/crypto/sha256.js";
import { decodeRecordLeaf, ThreadPositionCheck, type RecordLeaf } from "../core/record/index.js";
import { warningRefOf } from "../core/record/record-kind.js";
import { stixIdType } from "../core/record/stix-syntax.js";
import type { RecordAuditStore, StoredRecord, StoredTombstone } from "../store/store.js";
import type { AuditProblem } from "./audit.js";

/*
 * The record half of `log audit`: what the node serves must be what the log committed to.
 *
 * For each leaf the Merkle audit has just recomputed, the auditor reads the record and tombstone rows
 * that name its index and checks, in both directions:
 *  - a record leaf has its record row at that index, whose digest, id, modified, kind, author,
 *    custodial and logged_at are the leaf's, whose type is its id's, whose body hashes (SHA-256 of the
 *    stored canonical JSON) to that digest, and whose warning_ref is the one the body names;
 *  - a tombstone leaf has its tombstone row (at its index, or, for a repeated deletion of one version,
 *    at the first tombstone's), so the node does not serve a deleted version again;
 *  - no record or tombstone row names an index whose leaf is not its own, or an index beyond the log.
 * Leaves that are not record leaves (raw entries appended through the internal route) carry no rows.
 *
 *  - every record about a warning has its thread position (leaf v2 `seq`): the number of records about
 *    that warning logged before it, so positions are unique and dense (formats §2.7) — a node that
 *    numbered a thread wrongly signed a log whose bundles could hide records.
 * Rows are read by log index in pages of at most PAGE indices, so memory stays bounded by one page of
 * bodies whatever the log's size. Party keys are checked against the logged key history elsewhere
 * (audit-key-history.ts).
 */

const PAGE = 2_000;
/** Every v1 record leaf is JCS of an object: it starts with '{'. Raw entries rarely do, and skip the parse. */
const OPEN_BRACE = 0x7b;

/** Leaves start .. start + count - 1 of the log, each one's data by its position in the run. */
export interface LeafRun {
  readonly start: number;
  readonly count: number;
  data(i: number): Uint8Array;
}

export type RecordProblemKind = "record-missing" | "record-mismatch" | "record-body" | "record-orphan" | "tombstone-missing" | "tombstone-orphan" | "thread-position";

/**
 * A record leaf's place in its thread, for the thread check: [entry, the leaf's warning, its position,
 * the warning its record row names]. Plain values, so a range audited on another thread can hand them
 * to the one that counts positions in log order.
 */
export type ThreadStep = readonly [index: number, warning: string | undefined, seq: number | undefined, about: string | undefined];

/**
 * Thread positions are counted across the whole log, so they are checked in log order, from entry 0,
 * even when ranges of the log are audited in parallel (audit-range.ts): one counter per warning seen,
 * memory grows with the number of warnings, not of records.
 */
export class ThreadAuditor {
  readonly #threads = new ThreadPositionCheck();

  check([index, warning, seq, about]: ThreadStep, report: (p: AuditProblem) => void): void {
    const broken = this.#threads.add(index, { warning, seq }, about);
    if (broken !== undefined) report(problem("thread-position", index, broken));
  }
}

/** The record rows of runs of leaves; each record leaf's thread step goes to `onThread`, in log order. */
export class RecordAuditor {
  constructor(private readonly store: RecordAuditStore) {}

  /** Checks the rows of a contiguous run of leaves (in log order) against them. */
  async checkLeaves(run: LeafRun, report: (p: AuditProblem) => void, onThread: (step: ThreadStep) => void): Promise<void> {
    for (let at = 0; at < run.count; at += PAGE) {
      const start = run.start + at;
      const end = run.start + Math.min(run.count, at + PAGE);
      const records = byIndex(await this.store.recordsByLogIndex(start, end, end - start));
      const tombstones = byIndex(await this.store.tombstonesByLogIndex(start, end, end - start));
      for (let index = start; index < end; index++) {
        const leaf = { index, data: run.data(index - run.start) };
        const decoded = recordLeafIn(leaf.data);
        const row = records.get(leaf.index);
        const tomb = tombstones.get(leaf.index);
        if (decoded === undefined) {
          if (row) report(problem("record-orphan", leaf.index, `record ${row.id} (${toHex(row.digest)}) names entry ${leaf.index}, which is not a record leaf`));
          if (tomb) report(problem("tombstone-orphan", leaf.index, `a tombstone row names entry ${leaf.index}, which is not a tombstone leaf`));
        } else if (decoded.kind === "tombstone") {
          if (row) report(problem("record-orphan", leaf.index, `record ${row.id} (${toHex(row.digest)}) names entry ${leaf.index}, a tombstone leaf`));
          await this.#checkTombstone(leaf.index, decoded, tomb, report);
        } else {
          if (tomb) report(problem("tombstone-orphan", leaf.index, `a tombstone row names entry ${leaf.index}, which logs a ${decoded.kind}, not a deletion`));
          checkRecord(leaf.index, decoded, row, report);
          // A v2 leaf names its warning itself (a row that disagrees is a record mismatch, reported above);
          // a v1 leaf's warning comes from its record row.
          onThread([leaf.index, decoded.warning, decoded.seq, decoded.warning === undefined ? row?.warningRef : undefined]);
        }
      }
    }
  }

  /** After the last leaf: rows that name an index outside the log [0, size). */
  async checkBeyond(size: number, report: (p: AuditProblem) => void, limit: number): Promise<void> {
    const outside: [number, number][] = [
      [Number.MIN_SAFE_INTEGER, 0],
      [size, Number.MAX_SAFE_INTEGER],
    ];
    for (const [start, end] of outside) {
      for (const r of await this.store.recordsByLogIndex(start, end, limit)) {
        report(problem("record-orphan", Math.max(0, Math.min(r.logIndex, size)), `record ${r.id} (${toHex(r.digest)}) names entry ${r.logIndex}, outside the log's ${size} entries`));
      }
      for (const t of await this.store.tombstonesByLogIndex(start, end, limit)) {
        report(problem("tombstone-orphan", Math.max(0, Math.min(t.logIndex, size)), `a tombstone row of ${toHex(t.digest)} names entry ${t.logIndex}, outside the log's ${size} entries`));
      }
    }
  }

  async #checkTombstone(index: number, leaf: RecordLeaf, tomb: StoredTombstone | undefined, report: (p: AuditProblem) => void): Promise<void> {
    if (tomb !== undefined) {
      if (toHex(tomb.digest) !== leaf.digest) {
        report(problem("tombstone-orphan", index, `entry ${index} deletes ${leaf.digest}, but its tombstone row names ${toHex(tomb.digest)}`));
      }
      return;
    }
    // A second deletion of one version is logged but keeps the first tombstone row.
    const first = await this.store.tombstoneOf(new Uint8Array(Buffer.from(leaf.digest, "hex")));
    if (first === undefined || first.logIndex >= index) {
      report(problem("tombstone-missing", index, `entry ${index} deletes ${leaf.id} version ${leaf.modified} (${leaf.digest}), but the database does not mark it deleted`));
    }
  }
}

function checkRecord(index: number, leaf: RecordLeaf, row: StoredRecord | undefined, report: (p: AuditProblem) => void): void {
  if (row === undefined) {
    report(problem("record-missing", index, `entry ${index} logs ${leaf.kind} ${leaf.id} version ${leaf.modified} (${leaf.digest}), but no record row holds it`));
    return;
  }
  const differs: string[] = [];
  if (toHex(row.digest) !== leaf.digest) differs.push(`digest ${toHex(row.digest)} (logged ${leaf.digest})`);
  if (row.id !== leaf.id) differs.push(`id ${row.id} (logged ${leaf.id})`);
  if (row.modified !== leaf.modified) differs.push(`modified ${row.modified} (logged ${leaf.modified})`);
  if (row.kind !== leaf.kind) differs.push(`kind ${row.kind} (logged ${leaf.kind})`);
  if (row.author !== leaf.author) differs.push(`author ${row.author} (logged ${leaf.author})`);
  if (row.custodial !== leaf.custodial) differs.push(`custodial ${row.custodial} (logged ${leaf.custodial})`);
  if (row.loggedAt !== leaf.loggedAt) differs.push(`logged_at ${row.loggedAt} (logged ${leaf.loggedAt})`);
  if (row.type !== stixIdType(leaf.id)) differs.push(`type ${row.type}`);
  if (differs.length > 0) {
    report(problem("record-mismatch", index, `entry ${index}: the record row disagrees with the logged leaf: ${differs.join(", ")}`));
    return;
  }
  // The body is stored as the canonical JSON whose SHA-256 is the record's digest: one changed
  // character changes the hash.
  if (!bytesEqual(sha256Utf8(row.body), row.digest)) {
    report(problem("record-body", index, `entry ${index}: the stored body of ${row.id} version ${row.modified} does not hash to its logged digest ${leaf.digest}`));
    return;
  }
  // The digest vouches for the body; warning_ref (which thread, hence which audience, the record
  // belongs to) is a column derived from it and must say what the body says.
  const ref = warningRefOf(JSON.parse(row.body));
  if (ref !== row.warningRef) {
    report(problem("record-mismatch", index, `entry ${index}: the record row files ${row.id} under warning ${row.warningRef ?? "(none)"}, but its body is about ${ref ?? "no warning"}`));
  }
}

/** The record leaf in these bytes, or undefined for a raw entry (or bytes that are no valid leaf). */
function recordLeafIn(data: Uint8Array): RecordLeaf | undefined {
  if (data[0] !== OPEN_BRACE) return undefined;
  try {
    return decodeRecordLeaf(data);
  } catch {
    return undefined;
  }
}

function byIndex<T extends { logIndex: number }>(rows: readonly T[]): Map<number, T> {
  return new Map(rows.map((r) => [r.logIndex, r]));
}

function problem(kind: RecordProblemKind, entry: number, message: string): AuditProblem {
  return { kind, entry, message };
}
