import { analyseBoard, boardCsv, renderBoard } from "../core/ach/index.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import type { StoredBoardVersion } from "../exchange/board-versions.js";
import type { ExchangeReads } from "../exchange/exchange-reads.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation, withNodeReadSide } from "./node-options.js";

/*
 * `tocsin ach show BOARD [--data DIR] [--db URL] [--version N]` and `tocsin ach export BOARD --csv
 * [--data DIR] [--db URL] [--version N]`: a board read straight from the node's database (like `log
 * audit`, an operator's command: whoever holds the database sees every record, so no TLP applies here).
 * BOARD is the board's name, its id, or the id of any of its versions.
 */

const BOARD_OPTIONS = {
  version: { type: "string", value: "N", help: "that version of the board (default: the latest)" },
  data: DATA_OPTION,
  db: DB_OPTION,
} as const;

async function withBoard<T>(
  values: { version: string | undefined; data: string; db: string | undefined },
  positionals: string[],
  fn: (v: StoredBoardVersion, all: StoredBoardVersion[], reads: ExchangeReads) => Promise<T>,
): Promise<T> {
  if (positionals.length !== 1) throw new UsageError("name one BOARD (its name or id)");
  const version = values.version === undefined ? undefined : Number(values.version);
  if (version !== undefined && !(Number.isSafeInteger(version) && version > 0)) throw new UsageError("--version must be a positive integer");
  return withNodeReadSide(nodeLocation(values), async (reads) => {
    try {
      const versions = await reads.boardVersionsForOperator(positionals[0]!);
      const v = version === undefined ? versions.at(-1)! : versions.find((x) => x.version.version === version);
      if (!v) throw new UsageError(`the board has no version ${version} (it has ${versions.length})`);
      return await fn(v, versions, reads);
    } catch (e) {
      if (isTocsinError(e)) throw new UsageError(`${e.code}: ${e.message}`);
      throw e;
    }
  });
}

/** `tocsin ach show BOARD`: the matrix with scores, flags, linchpins, disagreements and comments. */
export const achShowCommand = defineCommand(
  {
    name: "ach show",
    summary: "Render an attribution board (ACH): matrix, scores, flags, linchpins, disagreements, history.",
    positionals: "BOARD",
    options: BOARD_OPTIONS,
  },
  ({ values, positionals }, out) =>
    withBoard(values, positionals, async (v, versions, reads) => {
      const names = await reads.partySlugs();
      const name = (id: string): string => names.get(id) ?? id;
      const versionLine =
        `version ${v.version.version} of ${versions.length} · saved ${v.version.modified} by ${name(v.record.author)}` +
        `${v.record.custodial ? " (node-signed)" : ""} · log entry ${v.record.logIndex} · digest ${v.digest.slice(0, 16)}…`;
      const notes = new Map<string, string>();
      const size = await reads.logSize();
      for (const e of v.version.board.evidence) {
        if (e.link?.recordRef !== undefined) {
          const r = await reads.latestVersionForOperator(e.link.recordRef);
          notes.set(e.id, r ? `${r.kind} by ${name(r.author)}, log entry ${r.logIndex}` : "not on this node");
        } else if (e.link?.logIndex !== undefined) notes.set(e.id, e.link.logIndex < size ? "in this log" : "beyond this log");
      }
      out(renderBoard(v.version.board, analyseBoard(v.version.board), { versionLine, partyName: name, linkNote: (id) => notes.get(id) }));
      out("\nHistory\n");
      for (const x of versions) out(`  v${x.version.version}  ${x.version.modified}  ${name(x.record.author).padEnd(14)} log ${String(x.record.logIndex).padStart(6)}  ${x.version.change ?? ""}\n`);
      return 0;
    }),
);

/** `tocsin ach export BOARD --csv`: the matrix, scores and flags as CSV on stdout. */
export const achExportCommand = defineCommand(
  {
    name: "ach export",
    summary: "An attribution board as CSV (RFC 4180) on stdout: the matrix, then scores, ranks, posteriors, flags.",
    positionals: "BOARD",
    options: { csv: { type: "boolean", help: "CSV (the one format; required)" }, ...BOARD_OPTIONS },
  },
  ({ values, positionals }, out) => {
    if (!values.csv) throw new UsageError("ach export needs a format: --csv");
    return withBoard(values, positionals, async (v) => {
      out(boardCsv(v.version.board, analyseBoard(v.version.board)));
      return 0;
    });
  },
);
