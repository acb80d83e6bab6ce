import { bytesEqual } from "../crypto/index.js";
import type { NoteVerifier } from "../note/index.js";
import type { RecordLeaf } from "../record/index.js";
import type { AuditProblem } from "./audit-bundle.js";
import { openThreadStatement, threadDigest, type ThreadStatement } from "./thread-statement.js";

/*
 * Is the bundle the whole thread of its warning? (docs/formats.md §3.1.) Two independent checks:
 *
 * - positions: every record about a warning is logged with its place in the warning's thread (leaf v2,
 *   `warning` and `seq`); the bundle's entries — records and withheld leaves, which are proven to be in
 *   the log — must hold every position from 0 on, each once, in log order. A record left out of the
 *   middle leaves a hole that the log itself (not the exporter) names.
 * - the statement: the log's signed word that the thread up to checkpoint S has exactly N entries with
 *   these leaf hashes. It covers what positions cannot: records after the last one the bundle holds.
 *   Only the holder of the log key can sign it, so an edited bundle cannot lower N, and a false one is
 *   evidence against the log (src/core/bundle/omission-proof.ts).
 */

/** One log entry of the bundle about its warning: a record, or a leaf withheld under TLP. */
export interface ThreadEntry {
  readonly index: number;
  readonly leaf: RecordLeaf;
  readonly leafHash: Uint8Array;
  /** The warning the record's own content is about (undefined for a withheld leaf). */
  readonly about: string | undefined;
  /** How the audit names the entry. */
  readonly subject: string;
}

export interface ThreadCheckInput {
  readonly warning: string;
  /** The bundle's `thread_statement` (a signed note), if any. */
  readonly statement: string | undefined;
  /** The log key the auditor trusts (pinned or the bundle's); undefined when it could not be read. */
  readonly logKey: NoteVerifier | undefined;
  /** Root hashes of the bundle's verified checkpoints, by size. */
  readonly roots: ReadonlyMap<number, Uint8Array>;
  /** Every entry of the bundle whose leaf decoded (the others already fail the audit). */
  readonly entries: readonly ThreadEntry[];
}

/** What the audit could establish about the thread. */
export interface ThreadSummary {
  /** Entries about the warning in the bundle (records and withheld leaves). */
  readonly entries: number;
  /** Of them, logged before thread positions existed (leaf v1): the audit cannot see a gap among them. */
  readonly legacy: number;
  /** The verified statement's count and checkpoint size; undefined when there is none that verified. */
  readonly statement: { readonly count: number; readonly size: number } | undefined;
  /** True when positions and statement both hold: the bundle holds every record about the warning up to `statement.size`. */
  readonly complete: boolean;
}

const message = (e: unknown): string => {
  const x = e as { code?: string; message?: string };
  return x.code ? `${x.code}: ${x.message}` : String(x.message ?? e);
};

/** A short list of positions: "3", "3, 5", "3, 5, 6 … (12 in all)". */
function positionsText(list: readonly number[]): string {
  const shown = list.slice(0, 10).join(", ");
  return list.length > 10 ? `${shown} … (${list.length} in all)` : shown;
}

/** Checks the thread's positions and the log's signed statement; pure, collects every problem. */
export function checkThread(input: ThreadCheckInput): { problems: AuditProblem[]; notes: string[]; summary: ThreadSummary } {
  const problems: AuditProblem[] = [];
  const notes: string[] = [];
  const fail = (subject: string, msg: string): void => void problems.push({ check: "thread", subject, message: msg });
  const threadSubject = `thread of ${input.warning}`;
  const sorted = [...input.entries].sort((a, b) => a.index - b.index);

  // The statement, if the log signed one for this warning and a checkpoint the bundle proves.
  let statement: ThreadStatement | undefined;
  if (input.statement === undefined) {
    fail(threadSubject, "no signed thread statement: the bundle cannot show that it holds every record about the warning (records after the last one it holds would go unseen)");
  } else if (input.logKey) {
    try {
      const s = openThreadStatement(input.statement, input.logKey);
      const root = input.roots.get(s.size);
      if (s.warning !== input.warning) fail("thread statement", `speaks of warning ${s.warning}, not of the bundle's`);
      else if (!root) fail("thread statement", `speaks of checkpoint ${s.size}, which is not a verified checkpoint of the bundle`);
      else if (!bytesEqual(root, s.root)) fail("thread statement", `names another root for checkpoint ${s.size} than the checkpoint the log signed`);
      else statement = s;
    } catch (e) {
      fail("thread statement", message(e));
    }
  }

  // Positions: a v2 leaf is the thread's seq-th entry, so it must come after exactly seq entries.
  let legacy = 0;
  let positioned = false;
  const bySeq = new Map<number, ThreadEntry>();
  let highest = -1;
  sorted.forEach((e, position) => {
    if (statement && e.index >= statement.size) fail(e.subject, `logged after checkpoint ${statement.size}, the one the thread statement speaks of`);
    if (e.leaf.warning === undefined || e.leaf.seq === undefined) {
      if (positioned) fail(e.subject, "logged without a thread position (leaf v1) after the warning's thread had positions");
      else legacy++;
      return;
    }
    positioned = true;
    if (e.leaf.warning !== input.warning) {
      fail(e.subject, `its log leaf puts it in the thread of ${e.leaf.warning}`);
      return;
    }
    if (e.about !== undefined && e.about !== e.leaf.warning) fail(e.subject, "its log leaf names another warning than the record does");
    const twin = bySeq.get(e.leaf.seq);
    if (twin) {
      fail(e.subject, `claims thread position ${e.leaf.seq}, as log index ${twin.index} does`);
      return;
    }
    bySeq.set(e.leaf.seq, e);
    highest = Math.max(highest, e.leaf.seq);
    if (e.leaf.seq < position) fail(e.subject, `is thread position ${e.leaf.seq} but follows ${position} entries of the thread`);
  });
  const expected = Math.max(highest + 1, statement?.count ?? 0, sorted.length);
  const missing: number[] = [];
  if (positioned || statement) for (let seq = legacy; seq < expected; seq++) if (!bySeq.has(seq)) missing.push(seq);
  if (missing.length > 0) {
    fail(
      threadSubject,
      `thread position${missing.length === 1 ? "" : "s"} ${positionsText(missing)} missing: the log holds ${missing.length === 1 ? "a record" : "records"} about the warning that the bundle leaves out` +
        (statement ? ` (the log's statement counts ${statement.count} up to checkpoint ${statement.size}; the bundle holds ${sorted.length})` : ""),
    );
  } else if (statement && statement.count !== sorted.length) {
    fail(threadSubject, `the log's statement counts ${statement.count} records about the warning up to checkpoint ${statement.size}; the bundle holds ${sorted.length}`);
  }
  if (statement && statement.count === sorted.length && !bytesEqual(threadDigest(sorted.map((e) => e.leafHash)), statement.digest)) {
    fail(threadSubject, "the bundle's entries are not the ones the log's statement lists (thread digest differs)");
  }
  if (legacy > 0) {
    notes.push(
      `${legacy} record${legacy === 1 ? "" : "s"} about the warning ${legacy === 1 ? "was" : "were"} logged before thread positions (leaf v1): a record left out among them is not seen by the audit, ` +
        "but the log's signed thread statement lets anyone holding it prove the omission (tocsin audit --against)",
    );
  }
  return {
    problems,
    notes,
    summary: {
      entries: sorted.length,
      legacy,
      statement: statement ? { count: statement.count, size: statement.size } : undefined,
      complete: statement !== undefined && problems.length === 0,
    },
  };
}
