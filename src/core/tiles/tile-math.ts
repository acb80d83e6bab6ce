/**
 * Which tiles and entry bundles exist for a tree size, and which Merkle node hashes / entries each holds
 * (C2SP tlog-tiles, "Merkle Tree" and "Partial Tiles").
 *
 * Everything is arithmetic on safe integers (Math.floor, *, /): bitwise operators would truncate sizes
 * past 2^32. Dividing by 256^L is exact in binary floating point, so Math.floor(s / 256^L) is exact too.
 */
import {
  TILE_HEIGHT,
  TILE_WIDTH,
  assertEntryBundleRef,
  assertTileRef,
  type EntryBundleRef,
  type TileRef,
} from "./tile-path.js";
import { TileError } from "./tile-errors.js";

/** The node hashes a tile holds: tree level 8·L, node indices start .. start+count-1 at that level. */
export interface TileCoordinates {
  treeLevel: number;
  start: number;
  count: number;
}

/** The entries an entry bundle holds: leaf indices start .. start+count-1. */
export interface EntryRange {
  start: number;
  count: number;
}

/** Why a tile or bundle request cannot be served from a tree of the given size. */
export type TileNotFoundReason =
  /** No hash (or entry) of this tile exists yet: the spec says "Empty tiles MUST NOT be served". */
  | "TILE_NOT_IN_TREE"
  /** The tile exists but holds fewer hashes than requested (e.g. the full tile while it is still partial). */
  | "TILE_TOO_NARROW";

/** Outcome of resolving a hash-tile request against a tree size. */
export type TileResolution =
  | { found: true; coordinates: TileCoordinates; currentWidth: number }
  | { found: false; reason: TileNotFoundReason; currentWidth: number };

/** Outcome of resolving an entry-bundle request against a tree size. */
export type EntryBundleResolution =
  | { found: true; range: EntryRange; currentWidth: number }
  | { found: false; reason: TileNotFoundReason; currentWidth: number };

function assertTreeSize(treeSize: number): void {
  // Tree sizes come from our own log, so a bad one is a programming error rather than a client error.
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new RangeError(`invalid tree size ${treeSize}`);
}

/** Number of Merkle node hashes at tree level 8·tileLevel in a tree of size treeSize: floor(s / 256^L). */
export function hashesAtLevel(treeSize: number, tileLevel: number): number {
  assertTreeSize(treeSize);
  assertTileRef({ level: tileLevel, index: 0, width: TILE_WIDTH });
  // Spec: tile hash i of tile n at level l is MTH(D[(n*256+i)*256**l : ...]), so only complete
  // 256^l-entry subtrees count; 256^L is a power of two, so the division is exact.
  return Math.floor(treeSize / Math.pow(TILE_WIDTH, tileLevel));
}

/**
 * Width (hashes held) of tile `index` at `level` for a tree of size `treeSize`: 256 when full, 1..255 for
 * the right-edge partial tile (spec: `floor(s / 256**l) mod 256`), 0 when the tile does not exist yet.
 */
export function tileWidth(treeSize: number, level: number, index: number): number {
  assertTileRef({ level, index, width: TILE_WIDTH });
  const count = hashesAtLevel(treeSize, level);
  const fullTiles = Math.floor(count / TILE_WIDTH);
  if (index < fullTiles) return TILE_WIDTH;
  // Compare before multiplying so a huge index never produces an unsafe product.
  if (index > fullTiles) return 0;
  return count - index * TILE_WIDTH;
}

function firstNode(index: number, width: number): number {
  // A tile whose last node index (256·N + W − 1) is not a safe integer cannot belong to any tree we can
  // size. Compare the index against an exact bound: computing 256·N + W − 1 itself could round back into
  // the safe range (2^53 + 1 − 1 evaluates to 2^53 − 1). MAX_SAFE − W + 1 is exact and dividing it by 256
  // is exact too.
  if (index > Math.floor((Number.MAX_SAFE_INTEGER - width + 1) / TILE_WIDTH)) {
    throw new TileError("TILE_PATH_MALFORMED", "tile index out of the safe integer range", {
      details: { index, width },
    });
  }
  return index * TILE_WIDTH;
}

/** The node hashes tile `ref` holds: tree level 8·L, node indices 256·N .. 256·N+W-1 (spec, "Merkle Tree"). */
export function tileCoordinates(ref: TileRef): TileCoordinates {
  assertTileRef(ref);
  return { treeLevel: ref.level * TILE_HEIGHT, start: firstNode(ref.index, ref.width), count: ref.width };
}

/** The entries bundle `ref` holds: leaf indices 256·N .. 256·N+W-1 (same start index as the level-0 tile). */
export function entryBundleRange(ref: EntryBundleRef): EntryRange {
  assertEntryBundleRef(ref);
  return { start: firstNode(ref.index, ref.width), count: ref.width };
}

/**
 * Resolves a hash-tile request against the current tree size. A request is servable whenever the tile now
 * holds at least `ref.width` hashes, and the answer is its first `ref.width` hashes. Why: the spec says logs
 * "MUST serve partial tiles corresponding to tree sizes for which a checkpoint was produced" and only "MAY
 * delete" them once the full tile exists, while clients "MAY fetch the full tile in parallel as a fallback";
 * each tile hash is the root of a complete subtree, so the first W hashes never change as the tree grows
 * and a width-W request made from an older checkpoint is still answered correctly. A request for more
 * hashes than exist (including the full tile while it is partial) is TILE_TOO_NARROW; a tile with no
 * hashes yet is TILE_NOT_IN_TREE ("Empty tiles MUST NOT be served").
 */
export function resolveTileRequest(ref: TileRef, treeSize: number): TileResolution {
  assertTileRef(ref);
  const currentWidth = tileWidth(treeSize, ref.level, ref.index);
  if (currentWidth === 0) return { found: false, reason: "TILE_NOT_IN_TREE", currentWidth };
  if (ref.width > currentWidth) return { found: false, reason: "TILE_TOO_NARROW", currentWidth };
  return { found: true, coordinates: tileCoordinates(ref), currentWidth };
}

/** Resolves an entry-bundle request like `resolveTileRequest` at level 0: servable when ≥ `ref.width` entries exist. */
export function resolveEntryBundleRequest(ref: EntryBundleRef, treeSize: number): EntryBundleResolution {
  assertEntryBundleRef(ref);
  const currentWidth = tileWidth(treeSize, 0, ref.index);
  if (currentWidth === 0) return { found: false, reason: "TILE_NOT_IN_TREE", currentWidth };
  if (ref.width > currentWidth) return { found: false, reason: "TILE_TOO_NARROW", currentWidth };
  return { found: true, range: entryBundleRange(ref), currentWidth };
}

/** Whether a tree of size `treeSize` can serve tile `ref` (see `resolveTileRequest` for the rule). */
export function isTileAvailable(ref: TileRef, treeSize: number): boolean {
  return resolveTileRequest(ref, treeSize).found;
}
