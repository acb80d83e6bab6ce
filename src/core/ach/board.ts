/*
 * The attribution board (Analysis of Competing Hypotheses, Heuer ch. 8): competing hypotheses, the
 * evidence weighed against them, each analyst's rating of every cell, and comments. Plain data, as it
 * is signed into a board record; the scores are computed from it, never stored in it.
 */

/** Heuer's consistency scale: very consistent … very inconsistent, not applicable. A blank cell is no rating. */
export const RATINGS = ["CC", "C", "N", "I", "II", "NA"] as const;
export type Rating = (typeof RATINGS)[number];

/** Credibility of an evidence item, and its relevance to the question. */
export const LEVELS = ["low", "medium", "high"] as const;
export type Level = (typeof LEVELS)[number];

export interface Hypothesis {
  /** Short id shown in the matrix, e.g. "H1". */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /** Stated prior probability for the Bayesian view; all or none of a board's hypotheses state one. */
  readonly prior?: number;
}

/**
 * An upstream source: every evidence item that repeats one claim from it belongs to it, so that ten
 * reports of one claim count once. `interestedIn` lists the hypotheses the source has a stake in (it is
 * blamed or cleared by them, or takes credit) — declared by the analysts, on the record.
 */
export interface SourceGroup {
  readonly id: string;
  readonly name: string;
  readonly interestedIn: readonly string[];
  readonly note?: string;
}

/** Where an evidence item can be checked: a signed record, a log entry, or an outside reference. */
export interface EvidenceLink {
  readonly recordRef?: string;
  readonly logIndex?: number;
  readonly url?: string;
}

export interface EvidenceItem {
  readonly id: string;
  readonly description: string;
  /** Who reported it (the immediate source). */
  readonly source: string;
  /** The upstream source group it belongs to (a {@link SourceGroup} id). */
  readonly sourceGroup: string;
  /** When it was reported or observed: an ISO date or RFC 3339 time. */
  readonly date: string;
  readonly credibility: Level;
  readonly relevance: Level;
  readonly link?: EvidenceLink;
}

export interface CellRating {
  /** The analyst who rated (a name within the board's teams; several analysts may rate each cell). */
  readonly analyst: string;
  readonly evidence: string;
  readonly hypothesis: string;
  readonly rating: Rating;
}

export interface BoardComment {
  /** The party that wrote it (identity id). */
  readonly author: string;
  readonly analyst?: string;
  readonly at: string;
  readonly text: string;
  readonly evidence?: string;
  readonly hypothesis?: string;
}

export interface Board {
  /** Short handle, unique enough to type (`tocsin ach show crocus-attribution`). */
  readonly name: string;
  readonly title: string;
  /** Scope and caveats of the analysis. */
  readonly description?: string;
  /** The STIX ids the board attributes (an incident, a warning). */
  readonly subjectRefs: readonly string[];
  /** The owning party (identity id): it may edit and grant editing. */
  readonly owner: string;
  /** Parties the owner granted editing rights. */
  readonly editors: readonly string[];
  readonly hypotheses: readonly Hypothesis[];
  readonly sourceGroups: readonly SourceGroup[];
  readonly evidence: readonly EvidenceItem[];
  readonly ratings: readonly CellRating[];
  readonly comments: readonly BoardComment[];
}

/** May `party` save a new version of this board? */
export function mayEdit(board: Pick<Board, "owner" | "editors">, party: string): boolean {
  return board.owner === party || board.editors.includes(party);
}
