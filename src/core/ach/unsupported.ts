import type { Board, Level } from "./board.js";
import { cellMean, cellsOf } from "./cells.js";
import { SCALE_VALUE } from "./weights.js";

/** One evidence item that is, on balance, consistent with a hypothesis. */
export interface SupportItem {
  readonly evidence: string;
  readonly credibility: Level;
  readonly sourceGroup: string;
  /** The item's source group declared an interest in this hypothesis. */
  readonly interested: boolean;
  /** Independent and of at least medium credibility: support that counts against the flag. */
  readonly qualifies: boolean;
}

export interface UnsupportedFlag {
  readonly hypothesis: string;
  /** "Asserted without evidence". */
  readonly flagged: boolean;
  readonly reason: string;
  readonly support: readonly SupportItem[];
}

/**
 * Flags a hypothesis as "asserted without evidence" when its support consists only of statements by
 * interested parties: no evidence item that is consistent with it (its analysts' mean rating is above
 * neutral), of at least medium credibility, from a source group that declared no interest in it.
 */
export function unsupportedFlags(board: Board): UnsupportedFlag[] {
  const cells = cellsOf(board);
  const groups = new Map(board.sourceGroups.map((g) => [g.id, g]));
  return board.hypotheses.map((h) => {
    const support: SupportItem[] = [];
    for (const e of board.evidence) {
      const m = cellMean(cells.get(e.id)?.get(h.id), (r) => SCALE_VALUE[r]);
      if (m === undefined || m <= 0) continue;
      const interested = groups.get(e.sourceGroup)?.interestedIn.includes(h.id) ?? false;
      support.push({ evidence: e.id, credibility: e.credibility, sourceGroup: e.sourceGroup, interested, qualifies: !interested && e.credibility !== "low" });
    }
    const flagged = !support.some((s) => s.qualifies);
    return { hypothesis: h.id, flagged, reason: reasonOf(flagged, support, (g) => groups.get(g)?.name ?? g), support };
  });
}

function reasonOf(flagged: boolean, support: readonly SupportItem[], groupName: (id: string) => string): string {
  if (!flagged) {
    const q = support.filter((s) => s.qualifies).map((s) => `${s.evidence} (${s.credibility}, ${groupName(s.sourceGroup)})`);
    return `independent support: ${q.join(", ")}`;
  }
  if (support.length === 0) return "asserted without evidence: no evidence item is consistent with it";
  const why = support.map((s) => {
    const faults = [...(s.interested ? [`interested party: ${groupName(s.sourceGroup)}`] : []), ...(s.credibility === "low" ? ["low credibility"] : [])];
    return `${s.evidence} (${faults.join("; ")})`;
  });
  return `asserted without evidence: its only support is ${why.join(", ")}`;
}
