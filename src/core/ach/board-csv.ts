import type { BoardAnalysis } from "./analyse.js";
import type { Board } from "./board.js";
import { cellsOf } from "./cells.js";

/*
 * A board as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line
 * break): the matrix with hypotheses as columns and evidence as rows, then rows for the scores, ranks,
 * posteriors and flags. A cell all analysts agree on shows the rating; otherwise each analyst's, as
 * "analyst-1:C analyst-2:N". Numbers have 4 decimals.
 */

function field(v: string | number): string {
  const s = typeof v === "number" ? fixed(v) : v;
  // A leading = + - @ would be run as a formula by spreadsheets (CSV injection): quote it behind a '.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === "string" ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const fixed = (n: number): string => (Math.abs(n) < 5e-5 ? "0.0000" : n.toFixed(4));

/** The text of a cell: one rating, each analyst's when they differ, empty when blank. */
export function cellText(ratings: ReadonlyMap<string, string> | undefined): string {
  if (!ratings || ratings.size === 0) return "";
  const values = [...ratings.values()];
  if (values.every((r) => r === values[0])) return values[0]!;
  return [...ratings].map(([a, r]) => `${a}:${r}`).join(" ");
}

export function boardCsv(board: Board, analysis: BoardAnalysis): string {
  const hs = board.hypotheses.map((h) => h.id);
  const cells = cellsOf(board);
  const lead = ["evidence", "description", "source", "source_group", "date", "credibility", "relevance", "link"];
  const pad = lead.map(() => "");
  const rows: (string | number)[][] = [[...lead, ...hs, "diagnosticity"]];
  board.evidence.forEach((e, i) => {
    const link = e.link?.recordRef ?? (e.link?.logIndex !== undefined ? `log:${e.link.logIndex}` : (e.link?.url ?? ""));
    rows.push([e.id, e.description, e.source, e.sourceGroup, e.date, e.credibility, e.relevance, link, ...hs.map((h) => cellText(cells.get(e.id)?.get(h))), analysis.diagnosticity[i]!.weighted]);
  });
  const byH = <T>(f: (h: string) => T): T[] => hs.map(f);
  rows.push(["hypothesis", ...pad.slice(1), ...byH((h) => board.hypotheses.find((x) => x.id === h)!.title), ""]);
  rows.push(["inconsistency", ...pad.slice(1), ...byH((h) => analysis.scores.find((s) => s.hypothesis === h)!.score), ""]);
  rows.push(["rank", ...pad.slice(1), ...byH((h) => String(analysis.scores.find((s) => s.hypothesis === h)!.rank)), ""]);
  rows.push(["posterior", ...pad.slice(1), ...byH((h) => analysis.bayes.posteriors[h]!), ""]);
  rows.push(["flag", ...pad.slice(1), ...byH((h) => {
    const f = analysis.flags.find((x) => x.hypothesis === h)!;
    return f.flagged ? f.reason : "";
  }), ""]);
  return rows.map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}
