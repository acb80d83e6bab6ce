import { dutyStatus, type DutyCase } from "./duty-rules.js";
import { WAIVER_GROUND_CODES } from "./waiver-grounds.js";

/**
 * A party's duty-to-warn record over the determinations a reader may see: how many it made, how many
 * ended in a warning or a waiver (by ground), how many were decided late, and how many were never
 * decided (their deadline passed with no decision) or are still open.
 */
export interface DutyTrackRecord {
  readonly determinations: number;
  readonly warned: number;
  readonly waived: number;
  /** Every ground of the closed list, with its count (0 included, so a reader sees what was never cited). */
  readonly waivedByGround: Readonly<Record<string, number>>;
  /** Decided at or after the deadline. */
  readonly late: number;
  /** Deadline passed, no decision. */
  readonly neverDecided: number;
  /** Deadline not yet passed, no decision. */
  readonly open: number;
  /** Escalated by the node. */
  readonly escalated: number;
}

export function dutyTrackRecord(cases: readonly DutyCase[], now: number): DutyTrackRecord {
  const byGround: Record<string, number> = Object.fromEntries(WAIVER_GROUND_CODES.map((g) => [g, 0]));
  let warned = 0;
  let waived = 0;
  let late = 0;
  let neverDecided = 0;
  let open = 0;
  let escalated = 0;
  for (const c of cases) {
    const s = dutyStatus(c, now);
    if (s.escalated) escalated++;
    if (s.state === "warned") warned++;
    if (s.state === "waived") {
      waived++;
      const g = c.decision!.ground!;
      byGround[g] = (byGround[g] ?? 0) + 1;
    }
    if ((s.state === "warned" || s.state === "waived") && s.late) late++;
    if (s.state === "overdue") neverDecided++;
    if (s.state === "open") open++;
  }
  return { determinations: cases.length, warned, waived, waivedByGround: byGround, late, neverDecided, open, escalated };
}
