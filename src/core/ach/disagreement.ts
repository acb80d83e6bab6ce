import type { Board, Rating } from "./board.js";
import { cellsOf } from "./cells.js";
import { SCALE_VALUE } from "./weights.js";

/** Where analysts rate one cell differently. */
export interface CellDisagreement {
  readonly evidence: string;
  readonly hypothesis: string;
  /** Each analyst's rating of the cell. */
  readonly ratings: Readonly<Record<string, Rating>>;
  /** max − min of the analysts' CC 2 … II −2 values (NA left out); 0 when they agree. */
  readonly spread: number;
  /** Some analyst finds the cell consistent (C, CC) and another inconsistent (I, II), or one says NA and another rates it. */
  readonly conflict: boolean;
}

/** Cells rated by at least two analysts who do not all agree, in board order. */
export function disagreements(board: Board): CellDisagreement[] {
  const cells = cellsOf(board);
  const out: CellDisagreement[] = [];
  for (const e of board.evidence) {
    for (const h of board.hypotheses) {
      const cell = cells.get(e.id)?.get(h.id);
      if (!cell || cell.size < 2) continue;
      const rs = [...cell.values()];
      if (rs.every((r) => r === rs[0])) continue;
      const values = rs.filter((r) => r !== "NA").map((r) => SCALE_VALUE[r as Exclude<Rating, "NA">]);
      const spread = values.length < 2 ? 0 : Math.max(...values) - Math.min(...values);
      const conflict = (values.some((v) => v > 0) && values.some((v) => v < 0)) || (rs.includes("NA") && values.length > 0);
      out.push({ evidence: e.id, hypothesis: h.id, ratings: Object.fromEntries(cell), spread, conflict });
    }
  }
  return out;
}
