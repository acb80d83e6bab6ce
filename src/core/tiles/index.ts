export { TileError } from "./tile-errors.js";
export type { TileErrorCode } from "./tile-errors.js";
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  MAX_TILE_LEVEL,
  assertTileRef,
  assertEntryBundleRef,
  formatTileIndex,
  parseTileIndex,
  formatTilePath,
  formatEntryBundlePath,
  parseTilePath,
} from "./tile-path.js";
export type { TileRef, EntryBundleRef, ParsedTilePath } from "./tile-path.js";
export {
  hashesAtLevel,
  tileWidth,
  tileCoordinates,
  entryBundleRange,
  resolveTileRequest,
  resolveEntryBundleRequest,
  isTileAvailable,
} from "./tile-math.js";
export type {
  TileCoordinates,
  EntryRange,
  TileNotFoundReason,
  TileResolution,
  EntryBundleResolution,
} from "./tile-math.js";
export { MAX_ENTRY_BYTES, encodeEntryBundle, decodeEntryBundle } from "./entry-bundle.js";
