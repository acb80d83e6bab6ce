import { isStixId, isTimestamp } from "../record/stix-syntax.js";
import { AchError, type AchErrorCode } from "./ach-errors.js";
import { LEVELS, RATINGS, type Board, type BoardComment, type CellRating, type EvidenceItem, type EvidenceLink, type Hypothesis, type Level, type Rating, type SourceGroup } from "./board.js";

/*
 * The wire form of a board (snake_case JSON, as in the board record's extension and the API) and its
 * validation. Every refusal is a coded AchError whose `details.field` points at the offending value,
 * so the API can say exactly what is wrong and store nothing.
 */

export const BOARD_LIMITS = { hypotheses: 50, evidence: 500, sourceGroups: 200, ratings: 100_000, comments: 5_000, text: 4_000, short: 300 } as const;

const NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;
const SHORT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PRIOR_SUM_TOLERANCE = 1e-6;

type Json = Record<string, unknown>;

function fail(code: AchErrorCode, field: string, message: string): never {
  throw new AchError(code, message, { details: { field } });
}

function obj(v: unknown, field: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail("ACH_BOARD_INVALID", field, `${field} must be an object`);
  return v as Json;
}

function onlyKeys(o: Json, field: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail("ACH_BOARD_INVALID", `${field}/${k}`, `unknown property ${k} in ${field}`);
}

function text(v: unknown, field: string, max: number = BOARD_LIMITS.text, code: AchErrorCode = "ACH_BOARD_INVALID"): string {
  if (typeof v !== "string" || v.trim() === "") fail(code, field, `${field} must be a non-empty string`);
  if (v.length > max) fail("ACH_BOARD_INVALID", field, `${field} is longer than ${max} characters`);
  return v;
}

function optText(v: unknown, field: string, max?: number): string | undefined {
  return v === undefined ? undefined : text(v, field, max);
}

function arr(v: unknown, field: string, max: number): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail("ACH_BOARD_INVALID", field, `${field} must be an array`);
  if (v.length > max) fail("ACH_BOARD_INVALID", field, `${field} has more than ${max} entries`);
  return v;
}

function shortId(v: unknown, field: string): string {
  if (typeof v !== "string" || !SHORT_ID.test(v)) fail("ACH_BOARD_INVALID", field, `${field} must be 1–32 characters of A-Z, a-z, 0-9, _ . - (starting with a letter or digit)`);
  return v;
}

function identity(v: unknown, field: string): string {
  if (!isStixId(v, "identity")) fail("ACH_BOARD_INVALID", field, `${field} must be an identity id`);
  return v as string;
}

/** An ISO date (YYYY-MM-DD) or an RFC 3339 UTC time; refuses impossible dates. */
function evidenceDate(v: unknown, field: string): string {
  const ok = typeof v === "string" && ((DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v) || isTimestamp(v));
  if (!ok) fail("ACH_BOARD_INVALID", field, `${field} must be a date (YYYY-MM-DD) or an RFC 3339 UTC time`);
  return v as string;
}

export function parseLevel(v: unknown, field: string): Level {
  if (!(LEVELS as readonly unknown[]).includes(v)) fail("ACH_LEVEL_INVALID", field, `${field} must be one of ${LEVELS.join(", ")}`);
  return v as Level;
}

export function parseRating(v: unknown, field: string): Rating {
  if (!(RATINGS as readonly unknown[]).includes(v)) fail("ACH_RATING_INVALID", field, `${field} must be one of ${RATINGS.join(", ")} (leave a cell out for blank)`);
  return v as Rating;
}

function link(v: unknown, field: string): EvidenceLink | undefined {
  if (v === undefined) return undefined;
  const o = obj(v, field);
  onlyKeys(o, field, ["record_ref", "log_index", "url"]);
  const out: { recordRef?: string; logIndex?: number; url?: string } = {};
  if (o.record_ref !== undefined) {
    if (!isStixId(o.record_ref)) fail("ACH_BOARD_INVALID", `${field}/record_ref`, "record_ref must be a STIX id");
    out.recordRef = o.record_ref as string;
  }
  if (o.log_index !== undefined) {
    if (!Number.isSafeInteger(o.log_index) || (o.log_index as number) < 0) fail("ACH_BOARD_INVALID", `${field}/log_index`, "log_index must be a non-negative integer");
    out.logIndex = o.log_index as number;
  }
  if (o.url !== undefined) {
    let ok = false;
    try {
      ok = typeof o.url === "string" && o.url.length <= 2000 && ["http:", "https:"].includes(new URL(o.url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) fail("ACH_BOARD_INVALID", `${field}/url`, "url must be an http(s) URL");
    out.url = o.url as string;
  }
  if (Object.keys(out).length === 0) fail("ACH_BOARD_INVALID", field, "a link names a record_ref, a log_index or a url");
  return out;
}

function unique(ids: readonly string[], field: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) fail("ACH_DUPLICATE_ID", `${field}/${i}/id`, `${id} is used twice`);
    seen.add(id);
  });
}

export function parseHypothesis(v: unknown, field: string): Hypothesis {
  const o = obj(v, field);
  onlyKeys(o, field, ["id", "title", "description", "prior"]);
  const h: { id: string; title: string; description?: string; prior?: number } = { id: shortId(o.id, `${field}/id`), title: text(o.title, `${field}/title`, BOARD_LIMITS.short) };
  const d = optText(o.description, `${field}/description`);
  if (d !== undefined) h.description = d;
  if (o.prior !== undefined) {
    if (typeof o.prior !== "number" || !(o.prior > 0 && o.prior <= 1)) fail("ACH_PRIORS_INVALID", `${field}/prior`, "a prior is a probability in (0, 1]");
    h.prior = o.prior;
  }
  return h;
}

export function parseSourceGroup(v: unknown, field: string): SourceGroup {
  const o = obj(v, field);
  onlyKeys(o, field, ["id", "name", "interested_in", "note"]);
  const interested = arr(o.interested_in, `${field}/interested_in`, BOARD_LIMITS.hypotheses).map((x, i) => shortId(x, `${field}/interested_in/${i}`));
  const g: { id: string; name: string; interestedIn: string[]; note?: string } = {
    id: shortId(o.id, `${field}/id`),
    name: text(o.name, `${field}/name`, BOARD_LIMITS.short),
    interestedIn: [...new Set(interested)],
  };
  const note = optText(o.note, `${field}/note`);
  if (note !== undefined) g.note = note;
  return g;
}

export function parseEvidence(v: unknown, field: string): EvidenceItem {
  const o = obj(v, field);
  onlyKeys(o, field, ["id", "description", "source", "source_group", "date", "credibility", "relevance", "link"]);
  const e: { -readonly [K in keyof EvidenceItem]: EvidenceItem[K] } = {
    id: shortId(o.id, `${field}/id`),
    description: text(o.description, `${field}/description`),
    source: text(o.source, `${field}/source`, BOARD_LIMITS.short, "ACH_EVIDENCE_SOURCE_MISSING"),
    sourceGroup: text(o.source_group, `${field}/source_group`, 32, "ACH_EVIDENCE_SOURCE_MISSING"),
    date: evidenceDate(o.date, `${field}/date`),
    credibility: parseLevel(o.credibility, `${field}/credibility`),
    relevance: parseLevel(o.relevance, `${field}/relevance`),
  };
  const l = link(o.link, `${field}/link`);
  if (l) e.link = l;
  return e;
}

export function parseCellRating(v: unknown, field: string): CellRating {
  const o = obj(v, field);
  onlyKeys(o, field, ["analyst", "evidence", "hypothesis", "rating"]);
  return {
    analyst: text(o.analyst, `${field}/analyst`, 64),
    evidence: shortId(o.evidence, `${field}/evidence`),
    hypothesis: shortId(o.hypothesis, `${field}/hypothesis`),
    rating: parseRating(o.rating, `${field}/rating`),
  };
}

export function parseComment(v: unknown, field: string): BoardComment {
  const o = obj(v, field);
  onlyKeys(o, field, ["author_ref", "analyst", "at", "text", "evidence", "hypothesis"]);
  if (!isTimestamp(o.at)) fail("ACH_BOARD_INVALID", `${field}/at`, "at must be an RFC 3339 UTC time");
  const c: { -readonly [K in keyof BoardComment]: BoardComment[K] } = { author: identity(o.author_ref, `${field}/author_ref`), at: o.at as string, text: text(o.text, `${field}/text`) };
  if (o.analyst !== undefined) c.analyst = text(o.analyst, `${field}/analyst`, 64);
  if (o.evidence !== undefined) c.evidence = shortId(o.evidence, `${field}/evidence`);
  if (o.hypothesis !== undefined) c.hypothesis = shortId(o.hypothesis, `${field}/hypothesis`);
  return c;
}

/** The board's own fields in wire form (the extension adds the version chain). */
export const BOARD_WIRE_KEYS = ["name", "title", "description", "subject_refs", "owner_ref", "editor_refs", "hypotheses", "source_groups", "evidence", "ratings", "comments"] as const;

/** Parses and fully checks a board in wire form; a coded AchError on the first problem. */
export function parseBoard(v: unknown, extraKeys: readonly string[] = []): Board {
  const o = obj(v, "board");
  onlyKeys(o, "board", [...BOARD_WIRE_KEYS, ...extraKeys]);
  const name = o.name;
  if (typeof name !== "string" || !NAME.test(name)) fail("ACH_BOARD_INVALID", "name", "name must be 2–63 characters of a-z, 0-9 and -");
  const subjects = arr(o.subject_refs, "subject_refs", 50);
  if (subjects.length === 0) fail("ACH_BOARD_INVALID", "subject_refs", "a board names what it attributes: subject_refs (an incident, a warning)");
  subjects.forEach((s, i) => {
    if (!isStixId(s)) fail("ACH_BOARD_INVALID", `subject_refs/${i}`, "subject_refs must be STIX ids");
  });
  const owner = identity(o.owner_ref, "owner_ref");
  const editors = arr(o.editor_refs, "editor_refs", 100).map((x, i) => identity(x, `editor_refs/${i}`));
  const description = optText(o.description, "description");
  const board: Board = {
    name,
    title: text(o.title, "title", BOARD_LIMITS.short),
    ...(description !== undefined ? { description } : {}),
    subjectRefs: [...new Set(subjects as string[])],
    owner,
    editors: [...new Set(editors)].filter((e) => e !== owner),
    hypotheses: arr(o.hypotheses, "hypotheses", BOARD_LIMITS.hypotheses).map((x, i) => parseHypothesis(x, `hypotheses/${i}`)),
    sourceGroups: arr(o.source_groups, "source_groups", BOARD_LIMITS.sourceGroups).map((x, i) => parseSourceGroup(x, `source_groups/${i}`)),
    evidence: arr(o.evidence, "evidence", BOARD_LIMITS.evidence).map((x, i) => parseEvidence(x, `evidence/${i}`)),
    ratings: arr(o.ratings, "ratings", BOARD_LIMITS.ratings).map((x, i) => parseCellRating(x, `ratings/${i}`)),
    comments: arr(o.comments, "comments", BOARD_LIMITS.comments).map((x, i) => parseComment(x, `comments/${i}`)),
  };
  checkBoard(board);
  return board;
}

/** The cross-references of a board: unique ids, known references, priors all-or-none summing to 1. */
export function checkBoard(b: Board): void {
  unique(b.hypotheses.map((h) => h.id), "hypotheses");
  unique(b.evidence.map((e) => e.id), "evidence");
  unique(b.sourceGroups.map((g) => g.id), "source_groups");
  const hs = new Set(b.hypotheses.map((h) => h.id));
  const es = new Set(b.evidence.map((e) => e.id));
  const gs = new Set(b.sourceGroups.map((g) => g.id));
  b.sourceGroups.forEach((g, i) =>
    g.interestedIn.forEach((h, j) => {
      if (!hs.has(h)) fail("ACH_UNKNOWN_REFERENCE", `source_groups/${i}/interested_in/${j}`, `no hypothesis ${h}`);
    }),
  );
  b.evidence.forEach((e, i) => {
    if (!gs.has(e.sourceGroup)) fail("ACH_UNKNOWN_REFERENCE", `evidence/${i}/source_group`, `no source group ${e.sourceGroup}: declare it in source_groups`);
  });
  const cells = new Set<string>();
  b.ratings.forEach((r, i) => {
    if (!es.has(r.evidence)) fail("ACH_UNKNOWN_REFERENCE", `ratings/${i}/evidence`, `no evidence item ${r.evidence}`);
    if (!hs.has(r.hypothesis)) fail("ACH_UNKNOWN_REFERENCE", `ratings/${i}/hypothesis`, `no hypothesis ${r.hypothesis}`);
    const key = `${r.analyst}\u0000${r.evidence}\u0000${r.hypothesis}`;
    if (cells.has(key)) fail("ACH_DUPLICATE_ID", `ratings/${i}`, `${r.analyst} rated ${r.evidence} × ${r.hypothesis} twice`);
    cells.add(key);
  });
  b.comments.forEach((c, i) => {
    if (c.evidence !== undefined && !es.has(c.evidence)) fail("ACH_UNKNOWN_REFERENCE", `comments/${i}/evidence`, `no evidence item ${c.evidence}`);
    if (c.hypothesis !== undefined && !hs.has(c.hypothesis)) fail("ACH_UNKNOWN_REFERENCE", `comments/${i}/hypothesis`, `no hypothesis ${c.hypothesis}`);
  });
  const stated = b.hypotheses.filter((h) => h.prior !== undefined);
  if (stated.length > 0) {
    if (stated.length !== b.hypotheses.length) fail("ACH_PRIORS_INVALID", "hypotheses", "state a prior for every hypothesis or for none (none: uniform)");
    const sum = stated.reduce((s, h) => s + h.prior!, 0);
    if (Math.abs(sum - 1) > PRIOR_SUM_TOLERANCE) fail("ACH_PRIORS_INVALID", "hypotheses", `priors sum to ${sum}, not 1`);
  }
}

/** A board in wire form (the inverse of {@link parseBoard}; absent fields and empty lists left out, as STIX wants). */
export function boardToWire(b: Board): Json {
  return withoutEmptyLists({
    name: b.name,
    title: b.title,
    ...(b.description !== undefined ? { description: b.description } : {}),
    subject_refs: [...b.subjectRefs],
    owner_ref: b.owner,
    editor_refs: [...b.editors],
    hypotheses: b.hypotheses.map((h) => ({ id: h.id, title: h.title, ...(h.description !== undefined ? { description: h.description } : {}), ...(h.prior !== undefined ? { prior: h.prior } : {}) })),
    source_groups: b.sourceGroups.map((g) => ({ id: g.id, name: g.name, interested_in: [...g.interestedIn], ...(g.note !== undefined ? { note: g.note } : {}) })),
    evidence: b.evidence.map((e) => ({
      id: e.id,
      description: e.description,
      source: e.source,
      source_group: e.sourceGroup,
      date: e.date,
      credibility: e.credibility,
      relevance: e.relevance,
      ...(e.link
        ? {
            link: {
              ...(e.link.recordRef !== undefined ? { record_ref: e.link.recordRef } : {}),
              ...(e.link.logIndex !== undefined ? { log_index: e.link.logIndex } : {}),
              ...(e.link.url !== undefined ? { url: e.link.url } : {}),
            },
          }
        : {}),
    })),
    ratings: b.ratings.map((r) => ({ analyst: r.analyst, evidence: r.evidence, hypothesis: r.hypothesis, rating: r.rating })),
    comments: b.comments.map((c) => ({
      author_ref: c.author,
      ...(c.analyst !== undefined ? { analyst: c.analyst } : {}),
      at: c.at,
      text: c.text,
      ...(c.evidence !== undefined ? { evidence: c.evidence } : {}),
      ...(c.hypothesis !== undefined ? { hypothesis: c.hypothesis } : {}),
    })),
  });
}

/** STIX 2.1 §3.1: a list property is never empty; an empty list is left out (parseBoard reads it as empty). */
function withoutEmptyLists(v: Json): Json {
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (Array.isArray(x)) {
      if (x.length > 0) out[k] = x.map((y) => (typeof y === "object" && y !== null && !Array.isArray(y) ? withoutEmptyLists(y as Json) : y));
    } else out[k] = typeof x === "object" && x !== null ? withoutEmptyLists(x as Json) : x;
  }
  return out;
}
