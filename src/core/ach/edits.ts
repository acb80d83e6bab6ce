import { isStixId } from "../record/stix-syntax.js";
import { AchError } from "./ach-errors.js";
import { mayEdit, type Board, type CellRating } from "./board.js";
import { checkBoard, parseComment, parseEvidence, parseHypothesis, parseLevel, parseRating, parseSourceGroup } from "./board-wire.js";

/*
 * Edits to a board, as the API receives them: a list of operations applied in order to the latest
 * version, all or nothing. The result is checked as a whole (checkBoard) before it can become a version.
 */

export const EDIT_OPS = [
  "set_title",
  "add_hypothesis",
  "remove_hypothesis",
  "set_priors",
  "add_source_group",
  "add_evidence",
  "update_evidence",
  "remove_evidence",
  "rate",
  "comment",
  "grant",
  "revoke",
] as const;
export type EditOp = (typeof EDIT_OPS)[number];

export interface EditContext {
  /** The editing party (identity id). */
  readonly party: string;
  /** RFC 3339 time of the edit (comments are stamped with it). */
  readonly at: string;
}

type Json = Record<string, unknown>;

function bad(field: string, message: string): never {
  throw new AchError("ACH_EDIT_INVALID", message, { details: { field } });
}

/** Applies `operations` to `board` as `ctx.party`; ACH_FORBIDDEN if it may not edit (or grant). */
export function applyEdits(board: Board, operations: unknown, ctx: EditContext): Board {
  if (!mayEdit(board, ctx.party)) throw new AchError("ACH_FORBIDDEN", "only the board's owner and the parties it granted may edit it");
  if (!Array.isArray(operations) || operations.length === 0) bad("operations", "operations must be a non-empty array");
  if (operations.length > 5000) bad("operations", "at most 5000 operations per edit");
  let b: Board = board;
  operations.forEach((raw, i) => {
    const f = `operations/${i}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad(f, `${f} must be an object`);
    b = applyOne(b, raw as Json, f, ctx);
  });
  checkBoard(b);
  return b;
}

function applyOne(b: Board, o: Json, f: string, ctx: EditContext): Board {
  const id = (): string => {
    if (typeof o.id !== "string") bad(`${f}/id`, "id is required");
    return o.id;
  };
  const need = <T extends { id: string }>(list: readonly T[], what: string): T => {
    const x = list.find((y) => y.id === id());
    if (!x) throw new AchError("ACH_UNKNOWN_REFERENCE", `no ${what} ${String(o.id)}`, { details: { field: `${f}/id` } });
    return x;
  };
  switch (o.op) {
    case "set_title":
      if (typeof o.title !== "string" || o.title.trim() === "" || o.title.length > 300) bad(`${f}/title`, "title must be 1–300 characters");
      return { ...b, title: o.title };
    case "add_hypothesis":
      return { ...b, hypotheses: [...b.hypotheses, parseHypothesis(o.hypothesis, `${f}/hypothesis`)] };
    case "remove_hypothesis": {
      const h = need(b.hypotheses, "hypothesis");
      return {
        ...b,
        hypotheses: b.hypotheses.filter((x) => x !== h),
        ratings: b.ratings.filter((r) => r.hypothesis !== h.id),
        comments: b.comments.filter((c) => c.hypothesis !== h.id),
        sourceGroups: b.sourceGroups.map((g) => ({ ...g, interestedIn: g.interestedIn.filter((x) => x !== h.id) })),
      };
    }
    case "set_priors": {
      if (o.priors === null) return { ...b, hypotheses: b.hypotheses.map(({ prior: _p, ...h }) => h) };
      if (typeof o.priors !== "object" || Array.isArray(o.priors) || o.priors === undefined) bad(`${f}/priors`, "priors maps each hypothesis id to a probability (null: uniform)");
      const priors = o.priors as Json;
      for (const k of Object.keys(priors)) {
        if (!b.hypotheses.some((h) => h.id === k)) throw new AchError("ACH_UNKNOWN_REFERENCE", `no hypothesis ${k}`, { details: { field: `${f}/priors/${k}` } });
      }
      return { ...b, hypotheses: b.hypotheses.map((h) => parseHypothesis({ id: h.id, title: h.title, description: h.description, prior: priors[h.id] }, `${f}/priors`)) };
    }
    case "add_source_group":
      return { ...b, sourceGroups: [...b.sourceGroups, parseSourceGroup(o.source_group, `${f}/source_group`)] };
    case "add_evidence":
      return { ...b, evidence: [...b.evidence, parseEvidence(o.evidence, `${f}/evidence`)] };
    case "update_evidence": {
      const e = need(b.evidence, "evidence item");
      const allowed = ["op", "id", "description", "source", "source_group", "date", "credibility", "relevance", "link"];
      for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(`${f}/${k}`, `update_evidence cannot change ${k}`);
      const merged = {
        id: e.id,
        description: o.description ?? e.description,
        source: o.source ?? e.source,
        source_group: o.source_group ?? e.sourceGroup,
        date: o.date ?? e.date,
        credibility: o.credibility === undefined ? e.credibility : parseLevel(o.credibility, `${f}/credibility`),
        relevance: o.relevance === undefined ? e.relevance : parseLevel(o.relevance, `${f}/relevance`),
        ...(o.link !== undefined && o.link !== null
          ? { link: o.link }
          : o.link === null || !e.link
            ? {}
            : { link: { ...(e.link.recordRef ? { record_ref: e.link.recordRef } : {}), ...(e.link.logIndex !== undefined ? { log_index: e.link.logIndex } : {}), ...(e.link.url ? { url: e.link.url } : {}) } }),
      };
      const updated = parseEvidence(merged, f);
      return { ...b, evidence: b.evidence.map((x) => (x === e ? updated : x)) };
    }
    case "remove_evidence": {
      const e = need(b.evidence, "evidence item");
      return { ...b, evidence: b.evidence.filter((x) => x !== e), ratings: b.ratings.filter((r) => r.evidence !== e.id), comments: b.comments.filter((c) => c.evidence !== e.id) };
    }
    case "rate": {
      if (typeof o.analyst !== "string" || o.analyst.trim() === "" || o.analyst.length > 64) bad(`${f}/analyst`, "analyst must be 1–64 characters");
      const cell = (r: CellRating): boolean => r.analyst === o.analyst && r.evidence === o.evidence && r.hypothesis === o.hypothesis;
      const rest = b.ratings.filter((r) => !cell(r));
      // A blank ("" or null) clears the analyst's rating of the cell.
      if (o.rating === "" || o.rating === null) return { ...b, ratings: rest };
      const rating = parseRating(o.rating, `${f}/rating`);
      if (typeof o.evidence !== "string" || typeof o.hypothesis !== "string") bad(f, "rate names an evidence item and a hypothesis");
      return { ...b, ratings: [...rest, { analyst: o.analyst, evidence: o.evidence, hypothesis: o.hypothesis, rating }] };
    }
    case "comment": {
      const c = parseComment({ author_ref: ctx.party, at: ctx.at, text: o.text, ...(o.analyst !== undefined ? { analyst: o.analyst } : {}), ...(o.evidence !== undefined ? { evidence: o.evidence } : {}), ...(o.hypothesis !== undefined ? { hypothesis: o.hypothesis } : {}) }, f);
      return { ...b, comments: [...b.comments, c] };
    }
    case "grant":
    case "revoke": {
      if (ctx.party !== b.owner) throw new AchError("ACH_FORBIDDEN", "only the board's owner grants or revokes editing rights");
      if (!isStixId(o.party, "identity")) bad(`${f}/party`, "party must be an identity id");
      const party = o.party as string;
      if (party === b.owner) bad(`${f}/party`, "the owner always has editing rights");
      const rest = b.editors.filter((e) => e !== party);
      return { ...b, editors: o.op === "grant" ? [...rest, party] : rest };
    }
    default:
      bad(`${f}/op`, `op must be one of ${EDIT_OPS.join(", ")}`);
  }
}
