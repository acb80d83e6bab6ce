import type { Board, Rating } from "./board.js";

/** Every analyst's rating of one evidence item against one hypothesis (blank cells are absent). */
export type CellRatings = ReadonlyMap<string, Rating>;

/** The ratings of a board by cell: `cellsOf(board).get(evidence)?.get(hypothesis)` → analyst → rating. */
export function cellsOf(board: Board): Map<string, Map<string, Map<string, Rating>>> {
  const out = new Map<string, Map<string, Map<string, Rating>>>();
  for (const r of board.ratings) {
    let row = out.get(r.evidence);
    if (!row) out.set(r.evidence, (row = new Map()));
    let cell = row.get(r.hypothesis);
    if (!cell) row.set(r.hypothesis, (cell = new Map()));
    cell.set(r.analyst, r.rating);
  }
  return out;
}

/** The ratings of a cell that bear on it: NA ("does not apply") and blanks are left out. */
export function applicable(cell: CellRatings | undefined): Exclude<Rating, "NA">[] {
  return [...(cell?.values() ?? [])].filter((r): r is Exclude<Rating, "NA"> => r !== "NA");
}

/** Mean of `f` over a cell's applicable ratings; undefined when none. */
export function cellMean(cell: CellRatings | undefined, f: (r: Exclude<Rating, "NA">) => number): number | undefined {
  const rs = applicable(cell);
  return rs.length === 0 ? undefined : rs.reduce((s, r) => s + f(r), 0) / rs.length;
}

/** Members of each source group, by group id. */
export function groupSizes(board: Board): Map<string, number> {
  const n = new Map<string, number>();
  for (const e of board.evidence) n.set(e.sourceGroup, (n.get(e.sourceGroup) ?? 0) + 1);
  return n;
}
