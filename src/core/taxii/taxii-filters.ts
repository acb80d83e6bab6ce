import type { TocsinError } from "../errors/tocsin-error.js";
import { taxiiQueryError } from "./taxii-query-error.js";
import { parseTimestampUs } from "./date-added.js";

/*
 * The TAXII 2.1 query parameters (§3.5 "Filtering"): added_after (exclusive), limit, next, and
 * match[<field>] where a comma separates alternatives (OR) and different fields combine with AND.
 * match[version] takes `first`, `last`, `all` or timestamps; its default is `last`. Parsing is strict:
 * an unknown parameter or a malformed value is a 400 naming the parameter.
 */

export const DEFAULT_PAGE_LIMIT = 1000;
export const MAX_PAGE_LIMIT = 10_000;

export interface VersionMatch {
  readonly all?: boolean;
  readonly first?: boolean;
  readonly last?: boolean;
  readonly modified?: readonly string[];
}

export interface TaxiiFilters {
  /** Microseconds; objects added strictly after. */
  readonly addedAfterUs?: number;
  readonly limit: number;
  readonly next?: string;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly versions: VersionMatch;
  readonly specVersions?: readonly string[];
  /** The filters in a canonical text form (without `next` and `limit`), for the page-token fingerprint. */
  readonly canonical: string;
}

export type FilterName = "added_after" | "limit" | "next" | "match[id]" | "match[type]" | "match[version]" | "match[spec_version]";

const STIX_ID = /^[a-z0-9][a-z0-9-]{0,249}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const STIX_TYPE = /^[a-z0-9][a-z0-9-]{1,249}$/;
const SPEC_VERSION = /^[0-9]+\.[0-9]+$/;
const LIMIT = /^[1-9][0-9]{0,8}$/;

function bad(parameter: string, why: string): TocsinError {
  return taxiiQueryError(parameter, `${parameter} ${why}`);
}

/** The alternatives of one parameter: repeated keys and commas both separate them. */
function list(value: unknown, parameter: string): string[] {
  const raw = Array.isArray(value) ? value.join(",") : String(value);
  const items = raw.split(",").map((s) => s.trim());
  if (items.some((s) => s.length === 0)) throw bad(parameter, "has an empty value");
  return items;
}

function single(value: unknown, parameter: string): string {
  if (Array.isArray(value)) throw bad(parameter, "is given more than once");
  return String(value);
}

/** Parses the query of a TAXII request; `allowed` lists the parameters this endpoint takes. */
export function parseTaxiiFilters(query: unknown, allowed: readonly FilterName[]): TaxiiFilters {
  const q = (query ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(q)) {
    if (!(allowed as readonly string[]).includes(k)) throw bad(k, "is not a filter of this endpoint");
  }
  let addedAfterUs: number | undefined;
  if (q.added_after !== undefined) addedAfterUs = parseTimestampUs(single(q.added_after, "added_after"), "added_after");
  let limit = DEFAULT_PAGE_LIMIT;
  if (q.limit !== undefined) {
    const v = single(q.limit, "limit");
    if (!LIMIT.test(v)) throw bad("limit", "must be a positive integer");
    // The server may return fewer than asked (TAXII 2.1 §3.4): larger limits are capped, not refused.
    limit = Math.min(Number(v), MAX_PAGE_LIMIT);
  }
  const next = q.next === undefined ? undefined : single(q.next, "next");
  const ids = q["match[id]"] === undefined ? undefined : list(q["match[id]"], "match[id]");
  if (ids?.some((id) => !STIX_ID.test(id))) throw bad("match[id]", "must list STIX identifiers");
  const types = q["match[type]"] === undefined ? undefined : list(q["match[type]"], "match[type]");
  if (types?.some((t) => !STIX_TYPE.test(t))) throw bad("match[type]", "must list STIX types");
  const specVersions = q["match[spec_version]"] === undefined ? undefined : list(q["match[spec_version]"], "match[spec_version]");
  if (specVersions?.some((v) => !SPEC_VERSION.test(v))) throw bad("match[spec_version]", "must list versions like 2.1");
  let versions: VersionMatch = { last: true };
  if (q["match[version]"] !== undefined) {
    const items = list(q["match[version]"], "match[version]");
    const modified: string[] = [];
    let all = false, first = false, last = false;
    for (const v of items) {
      if (v === "all") all = true;
      else if (v === "first") first = true;
      else if (v === "last") last = true;
      else {
        parseTimestampUs(v, "match[version]");
        for (const spelling of timestampSpellings(v)) if (!modified.includes(spelling)) modified.push(spelling);
      }
    }
    versions = all ? { all } : { first, last, ...(modified.length > 0 ? { modified } : {}) };
  }
  // limit is left out: a client may change its page size between pages.
  const canonical = JSON.stringify([
    addedAfterUs ?? null,
    ids ? [...ids].sort() : null,
    types ? [...types].sort() : null,
    versions.all ? "all" : [versions.first ?? false, versions.last ?? false, versions.modified ? [...versions.modified].sort() : null],
    specVersions ? [...specVersions].sort() : null,
  ]);
  return {
    ...(addedAfterUs !== undefined ? { addedAfterUs } : {}),
    limit,
    ...(next !== undefined ? { next } : {}),
    ...(ids ? { ids } : {}),
    ...(types ? { types } : {}),
    versions,
    ...(specVersions ? { specVersions } : {}),
    canonical,
  };
}

/**
 * Every way to write the same instant with 0 to 9 fractional digits. A version is stored as its author
 * wrote `modified` ("…:49.175Z"), while clients echo it at their own precision (the OASIS client
 * sends microseconds, "…:49.175000Z"); matching every spelling compares instants, exactly, in SQL.
 */
export function timestampSpellings(ts: string): string[] {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(ts);
  if (!m) return [ts];
  const digits = (m[2] ?? "").replace(/0+$/, "");
  if (digits.length > 9) return [ts];
  const out = digits.length === 0 ? [`${m[1]}Z`] : [];
  for (let n = Math.max(1, digits.length); n <= 9; n++) out.push(`${m[1]}.${digits.padEnd(n, "0")}Z`);
  return out;
}
