/**
 * Canonical names of the C2SP tlog-tiles static assets (https://c2sp.org/tlog-tiles, "Merkle Tree" and
 * "Log entries"): `tile/<L>/<N>[.p/<W>]` for hash tiles and `tile/entries/<N>[.p/<W>]` for entry bundles.
 *
 * Path form: every path here is relative to the log prefix and STARTS WITH `tile/` (no leading slash, no
 * query). `formatTilePath`/`formatEntryBundlePath` produce that form and `parseTilePath` accepts exactly
 * that form, so a round trip is the identity. An HTTP route `/log/tile/*` calls
 * `parseTilePath("tile/" + wildcard)`.
 *
 * Parsing is strict: the spec gives one spelling per resource ("no additional leading zeroes", "zero-padded
 * 3-digit path elements"), and accepting aliases would let one tile live under several cache keys / file
 * names. Indices are handled with arithmetic only (never bitwise operators, which truncate to 32 bits).
 */
import { TileError } from "./tile-errors.js";

/** Tree levels spanned by one tile (spec: "a tile represents the entire subtree of height 8"). */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile, 2^TILE_HEIGHT (spec: "Full tiles MUST be exactly 256 hashes wide"). */
export const TILE_WIDTH = 256;
/** Highest tile level a path may name (spec: `<L>` "between 0 and 63"). */
export const MAX_TILE_LEVEL = 63;

/** A hash tile: level L (tree level 8·L), index N within the level, width 1..256 (256 = full). */
export interface TileRef {
  level: number;
  index: number;
  width: number;
}

/** An entry bundle: index N (entries 256·N ..), width 1..256 entries (256 = full). */
export interface EntryBundleRef {
  index: number;
  width: number;
}

/** What `parseTilePath` recognised. */
export type ParsedTilePath = { kind: "hash"; ref: TileRef } | { kind: "entries"; ref: EntryBundleRef };

function malformed(message: string, details: Record<string, unknown>): TileError {
  return new TileError("TILE_PATH_MALFORMED", message, { details });
}

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isLevel(l: number): boolean {
  return Number.isInteger(l) && l >= 0 && l <= MAX_TILE_LEVEL;
}

function isWidth(w: number): boolean {
  return Number.isInteger(w) && w >= 1 && w <= TILE_WIDTH;
}

/** Throws TILE_PATH_MALFORMED unless `ref` names a tile some path can spell (level 0..63, safe index, width 1..256). */
export function assertTileRef(ref: TileRef): void {
  if (!isLevel(ref.level) || !isIndex(ref.index) || !isWidth(ref.width)) {
    throw malformed("invalid tile reference", { level: ref.level, index: ref.index, width: ref.width });
  }
}

/** Throws TILE_PATH_MALFORMED unless `ref` names an entry bundle some path can spell (safe index, width 1..256). */
export function assertEntryBundleRef(ref: EntryBundleRef): void {
  if (!isIndex(ref.index) || !isWidth(ref.width)) {
    throw malformed("invalid entry bundle reference", { index: ref.index, width: ref.width });
  }
}

/** Encodes a tile index as 3-digit path elements, all but the last prefixed by `x` (1234067 → "x001/x234/067"). */
export function formatTileIndex(n: number): string {
  if (!isIndex(n)) throw malformed("tile index must be a safe non-negative integer", { index: n });
  // String(n) is the exact decimal for every safe integer (no exponent form below 1e21).
  const digits = String(n);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, "0");
  const parts: string[] = [];
  for (let i = 0; i < padded.length; i += 3) parts.push(padded.slice(i, i + 3));
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join("/");
}

const NON_FINAL_ELEMENT = /^x[0-9]{3}$/;
const FINAL_ELEMENT = /^[0-9]{3}$/;

/**
 * Decodes the `<N>` part of a tile path ("x001/x234/067" → 1234067). Strict: every non-final element is
 * `x` + 3 digits, the final one exactly 3 digits, no empty elements, no leading `x000` element (that would
 * be a second spelling of the same index), and the value must not exceed Number.MAX_SAFE_INTEGER.
 */
export function parseTileIndex(segments: string): number {
  const parts = segments.split("/");
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const last = i === parts.length - 1;
    if (!(last ? FINAL_ELEMENT : NON_FINAL_ELEMENT).test(part)) {
      throw malformed("tile index element is not canonical", { segments, element: part });
    }
    if (i === 0 && !last && part === "x000") {
      throw malformed("tile index has a redundant leading zero element", { segments });
    }
    n = n * 1000 + Number(last ? part : part.slice(1));
    // n*1000 may round once past 2^53, but rounding is monotonic so the comparison stays correct.
    if (n > Number.MAX_SAFE_INTEGER) throw malformed("tile index exceeds the safe integer range", { segments });
  }
  return n;
}

function widthSuffix(width: number): string {
  // Spec: the `.p/<W>` suffix "is only present for partial tiles".
  return width === TILE_WIDTH ? "" : `.p/${width}`;
}

/** Path of a hash tile relative to the log prefix, e.g. "tile/0/x001/234.p/7" or "tile/2/005". */
export function formatTilePath(ref: TileRef): string {
  assertTileRef(ref);
  return `tile/${ref.level}/${formatTileIndex(ref.index)}${widthSuffix(ref.width)}`;
}

/** Path of an entry bundle relative to the log prefix, e.g. "tile/entries/x001/234.p/7". */
export function formatEntryBundlePath(ref: EntryBundleRef): string {
  assertEntryBundleRef(ref);
  return `tile/entries/${formatTileIndex(ref.index)}${widthSuffix(ref.width)}`;
}

// Spec: `<L>` and `<W>` are decimal "with no additional leading zeroes"; `<W>` is 1..255.
const LEVEL = /^(?:0|[1-9][0-9]?)$/;
const PARTIAL_WIDTH = /^[1-9][0-9]{0,2}$/;

/**
 * Parses a path relative to the log prefix that starts with `tile/` ("tile/0/x001/234.p/7",
 * "tile/entries/005"). Throws TILE_PATH_MALFORMED for anything that is not the spec's canonical spelling:
 * other prefixes, empty elements, level outside 0..63 or with leading zeros, bad index elements, `.p/0`,
 * `.p/256`, widths with leading zeros, trailing elements.
 */
export function parseTilePath(path: string): ParsedTilePath {
  const parts = path.split("/");
  if (parts[0] !== "tile" || parts.length < 3) throw malformed("not a tile path", { path });
  const head = parts[1] as string;
  let rest = parts.slice(2);

  let width = TILE_WIDTH;
  const penultimate = rest.length >= 2 ? (rest[rest.length - 2] as string) : undefined;
  if (penultimate !== undefined && penultimate.endsWith(".p")) {
    const w = rest[rest.length - 1] as string;
    if (!PARTIAL_WIDTH.test(w) || Number(w) >= TILE_WIDTH) {
      throw malformed("partial tile width must be 1..255 without leading zeros", { path, width: w });
    }
    width = Number(w);
    rest = [...rest.slice(0, -2), penultimate.slice(0, -2)];
  }
  const index = parseIndexFor(path, rest.join("/"));

  if (head === "entries") return { kind: "entries", ref: { index, width } };
  if (!LEVEL.test(head) || Number(head) > MAX_TILE_LEVEL) {
    throw malformed("tile level must be 0..63 without leading zeros", { path, level: head });
  }
  return { kind: "hash", ref: { level: Number(head), index, width } };
}

function parseIndexFor(path: string, segments: string): number {
  try {
    return parseTileIndex(segments);
  } catch (e) {
    // Re-report with the whole path so logs show what the client asked for.
    if (e instanceof TileError) throw new TileError(e.code, e.message, { details: { path, ...e.details }, cause: e });
    throw e;
  }
}
