import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatEntryBundlePath,
  formatTileIndex,
  formatTilePath,
  parseTileIndex,
  parseTilePath,
  TILE_WIDTH,
} from "./tile-path.js";
import { TileError } from "./tile-errors.js";

function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TileError && e.code === code);
}

// Indices across the whole safe range, with explicit weight above 2^32 where bitwise ops would break.
const anyIndex = fc.oneof(
  fc.nat({ max: 1_000_000 }),
  fc.maxSafeNat(),
  fc.bigInt({ min: 2n ** 32n, max: BigInt(Number.MAX_SAFE_INTEGER) }).map(Number),
  fc.constantFrom(0, 999, 1000, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER),
);
const anyWidth = fc.integer({ min: 1, max: TILE_WIDTH });

describe("formatTileIndex / parseTileIndex", () => {
  it("encodes the spec example 1234067 as x001/x234/067", () => {
    assert.equal(formatTileIndex(1234067), "x001/x234/067");
    assert.equal(parseTileIndex("x001/x234/067"), 1234067);
  });

  it("zero-pads short and boundary indices", () => {
    assert.equal(formatTileIndex(0), "000");
    assert.equal(formatTileIndex(5), "005");
    assert.equal(formatTileIndex(999), "999");
    assert.equal(formatTileIndex(1000), "x001/000");
    assert.equal(formatTileIndex(2 ** 32), "x004/x294/x967/296");
    assert.equal(formatTileIndex(Number.MAX_SAFE_INTEGER), "x009/x007/x199/x254/x740/991");
  });

  it("round-trips every safe index", () => {
    fc.assert(
      fc.property(anyIndex, (n) => {
        const s = formatTileIndex(n);
        assert.match(s, /^(?:x[0-9]{3}\/)*[0-9]{3}$/);
        assert.equal(parseTileIndex(s), n);
      }),
    );
  });

  it("rejects non-canonical or out-of-range index spellings", () => {
    for (const bad of [
      "",
      "5",
      "05",
      "0005",
      "x005",
      "001/234",
      "x001/x234",
      "x01/234",
      "x0001/234",
      "/005",
      "005/",
      "x001//005",
      "y001/005",
      "X001/005",
      "x000/005",
      "x00a/005",
      "+05",
      " 05",
      "x009/x007/x199/x254/x740/992",
      "x001/x000/x000/x000/x000/x000/000",
    ]) {
      assertCode(() => parseTileIndex(bad), "TILE_PATH_MALFORMED");
    }
  });

  it("refuses to format an index that is not a safe non-negative integer", () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity]) {
      assertCode(() => formatTileIndex(bad), "TILE_PATH_MALFORMED");
    }
  });
});

describe("formatTilePath / parseTilePath", () => {
  it("formats spec-shaped paths", () => {
    assert.equal(formatTilePath({ level: 0, index: 1234, width: 7 }), "tile/0/x001/234.p/7");
    assert.equal(formatTilePath({ level: 0, index: 1234067, width: 256 }), "tile/0/x001/x234/067");
    assert.equal(formatTilePath({ level: 63, index: 5, width: 255 }), "tile/63/005.p/255");
    assert.equal(formatEntryBundlePath({ index: 1234067, width: 256 }), "tile/entries/x001/x234/067");
    assert.equal(formatEntryBundlePath({ index: 0, width: 1 }), "tile/entries/000.p/1");
  });

  it("parses hash and entry paths", () => {
    assert.deepEqual(parseTilePath("tile/0/x001/234.p/7"), { kind: "hash", ref: { level: 0, index: 1234, width: 7 } });
    assert.deepEqual(parseTilePath("tile/2/005"), { kind: "hash", ref: { level: 2, index: 5, width: 256 } });
    assert.deepEqual(parseTilePath("tile/entries/x001/x234/067"), {
      kind: "entries",
      ref: { index: 1234067, width: 256 },
    });
    assert.deepEqual(parseTilePath("tile/entries/000.p/112"), { kind: "entries", ref: { index: 0, width: 112 } });
  });

  it("round-trips hash tile paths", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), anyIndex, anyWidth, (level, index, width) => {
        const ref = { level, index, width };
        assert.deepEqual(parseTilePath(formatTilePath(ref)), { kind: "hash", ref });
      }),
    );
  });

  it("round-trips entry bundle paths", () => {
    fc.assert(
      fc.property(anyIndex, anyWidth, (index, width) => {
        const ref = { index, width };
        assert.deepEqual(parseTilePath(formatEntryBundlePath(ref)), { kind: "entries", ref });
      }),
    );
  });

  it("rejects every malformed path kind with TILE_PATH_MALFORMED", () => {
    for (const bad of [
      // wrong or missing prefix (the accepted form is exactly `tile/...`)
      "",
      "tile",
      "tile/",
      "tile/0",
      "tile/0/",
      "/tile/0/000",
      "0/000",
      "tiles/0/000",
      "log/tile/0/000",
      // level
      "tile/64/000",
      "tile/00/000",
      "tile/01/000",
      "tile/-1/000",
      "tile/+1/000",
      "tile/1.0/000",
      "tile/x/000",
      "tile//000",
      "tile/100/000",
      // index
      "tile/0/5",
      "tile/0/x005",
      "tile/0/001/234",
      "tile/0/x000/005",
      "tile/0/x001//234",
      "tile/0/x009/x007/x199/x254/x740/992",
      "tile/entries/5",
      "tile/entries/",
      // width
      "tile/0/005.p/0",
      "tile/0/005.p/256",
      "tile/0/005.p/300",
      "tile/0/005.p/07",
      "tile/0/005.p/",
      "tile/0/005.p",
      "tile/0/005.p/x",
      "tile/0/005.p/-1",
      "tile/0/005.p/7/",
      "tile/0/005.p/7/8",
      "tile/0/005.q/7",
      "tile/0/005p/7",
      "tile/0/x005.p/7",
      "tile/0/x001.p/7/234",
      "tile/entries/005.p/0",
      "tile/entries/005.p/256",
      // trailing junk
      "tile/0/005/",
      "tile/0/005?x=1",
      "tile/entries/005/extra",
    ]) {
      assertCode(() => parseTilePath(bad), "TILE_PATH_MALFORMED");
    }
  });

  it("refuses to format invalid references", () => {
    assertCode(() => formatTilePath({ level: 64, index: 0, width: 256 }), "TILE_PATH_MALFORMED");
    assertCode(() => formatTilePath({ level: -1, index: 0, width: 256 }), "TILE_PATH_MALFORMED");
    assertCode(() => formatTilePath({ level: 0, index: 0, width: 0 }), "TILE_PATH_MALFORMED");
    assertCode(() => formatTilePath({ level: 0, index: 0, width: 257 }), "TILE_PATH_MALFORMED");
    assertCode(() => formatTilePath({ level: 0, index: -1, width: 1 }), "TILE_PATH_MALFORMED");
    assertCode(() => formatEntryBundlePath({ index: 0, width: 0 }), "TILE_PATH_MALFORMED");
    assertCode(() => formatEntryBundlePath({ index: 2 ** 53, width: 1 }), "TILE_PATH_MALFORMED");
  });

  it("never throws anything but TILE_PATH_MALFORMED on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseTilePath(s);
        } catch (e) {
          assert.ok(e instanceof TileError && e.code === "TILE_PATH_MALFORMED");
        }
      }),
    );
  });
});
