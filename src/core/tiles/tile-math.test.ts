import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  entryBundleRange,
  hashesAtLevel,
  isTileAvailable,
  resolveEntryBundleRequest,
  resolveTileRequest,
  tileCoordinates,
  tileWidth,
} from "./tile-math.js";
import { TileError } from "./tile-errors.js";

/** Every tile of a level listed as [index, width], computed independently of `tileWidth`. */
function tilesOf(treeSize: number, level: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const count = hashesAtLevel(treeSize, level);
  for (let i = 0; i * 256 < count; i++) out.push([i, Math.min(256, count - i * 256)]);
  return out;
}

describe("hashesAtLevel / tileWidth", () => {
  it("matches the spec example of a tree of size 70,000", () => {
    // 273 full level-0 tiles, one partial of width 112, one full level-1 tile, a level-1 partial of
    // width 17 and a level-2 partial of width 1.
    const s = 70_000;
    assert.equal(hashesAtLevel(s, 0), 70_000);
    for (const i of [0, 100, 272]) assert.equal(tileWidth(s, 0, i), 256);
    assert.equal(tileWidth(s, 0, 273), 112);
    assert.equal(tileWidth(s, 0, 274), 0);
    assert.equal(tileWidth(s, 1, 0), 256);
    assert.equal(tileWidth(s, 1, 1), 17);
    assert.equal(tileWidth(s, 1, 2), 0);
    assert.equal(tileWidth(s, 2, 0), 1);
    assert.equal(tileWidth(s, 3, 0), 0);
    assert.equal(tilesOf(s, 0).length, 274);
  });

  it("matches the spec example of a tree of size 256", () => {
    assert.equal(tileWidth(256, 0, 0), 256);
    assert.equal(tileWidth(256, 0, 1), 0);
    assert.equal(tileWidth(256, 1, 0), 1);
    assert.equal(tileWidth(256, 2, 0), 0);
  });

  it("handles sizes around tile boundaries", () => {
    assert.equal(tileWidth(0, 0, 0), 0);
    assert.equal(tileWidth(1, 0, 0), 1);
    assert.equal(tileWidth(255, 0, 0), 255);
    assert.equal(tileWidth(255, 1, 0), 0);
    assert.equal(tileWidth(257, 0, 0), 256);
    assert.equal(tileWidth(257, 0, 1), 1);
    assert.equal(tileWidth(257, 1, 0), 1);
    assert.equal(tileWidth(65536, 0, 255), 256);
    assert.equal(tileWidth(65536, 0, 256), 0);
    assert.equal(tileWidth(65536, 1, 0), 256);
    assert.equal(tileWidth(65536, 1, 1), 0);
    assert.equal(tileWidth(65536, 2, 0), 1);
    assert.equal(tileWidth(65537, 0, 256), 1);
    assert.equal(tileWidth(65537, 1, 0), 256);
    assert.equal(tileWidth(65537, 1, 1), 0);
    assert.equal(tileWidth(65537, 2, 0), 1);
  });

  it("is safe beyond 2^32 (no 32-bit truncation)", () => {
    const s = 2 ** 32 + 5;
    assert.equal(hashesAtLevel(s, 0), 2 ** 32 + 5);
    assert.equal(hashesAtLevel(s, 1), 2 ** 24);
    assert.equal(hashesAtLevel(s, 4), 1);
    assert.equal(hashesAtLevel(s, 5), 0);
    assert.equal(tileWidth(s, 0, 2 ** 24 - 1), 256);
    assert.equal(tileWidth(s, 0, 2 ** 24), 5);
    assert.equal(tileWidth(s, 0, 2 ** 24 + 1), 0);
    assert.equal(tileWidth(s, 1, 2 ** 16 - 1), 256);
    assert.equal(tileWidth(s, 1, 2 ** 16), 0);
    assert.equal(tileWidth(s, 2, 255), 256);
    assert.equal(tileWidth(s, 2, 256), 0);
    assert.equal(tileWidth(s, 3, 0), 256);
    assert.equal(tileWidth(s, 3, 1), 0);
    assert.equal(tileWidth(s, 4, 0), 1);
    const max = Number.MAX_SAFE_INTEGER; // 2^53 - 1
    assert.equal(hashesAtLevel(max, 6), 31); // floor((2^53-1) / 2^48)
    assert.equal(tileWidth(max, 6, 0), 31);
    assert.equal(tileWidth(max, 0, Math.floor(max / 256)), 255);
    assert.equal(tileWidth(max, 0, Number.MAX_SAFE_INTEGER), 0);
    assert.equal(tileWidth(max, 63, 0), 0);
  });

  it("agrees with the spec's `floor(s / 256**l) mod 256` partial width and sums to the level count", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 7 }), (s, level) => {
        const count = hashesAtLevel(s, level);
        assert.equal(count, Number(BigInt(s) / 256n ** BigInt(level)));
        const rightEdge = Math.floor(count / 256);
        assert.equal(tileWidth(s, level, rightEdge), Number((BigInt(s) / 256n ** BigInt(level)) % 256n));
        if (rightEdge > 0) assert.equal(tileWidth(s, level, rightEdge - 1), 256);
        assert.equal(tileWidth(s, level, rightEdge + 1), 0);
      }),
    );
  });

  it("lists consistent tile sets for small trees", () => {
    for (const s of [0, 1, 255, 256, 257, 65535, 65536, 65537, 70_000]) {
      for (let level = 0; level < 3; level++) {
        for (const [i, w] of tilesOf(s, level)) assert.equal(tileWidth(s, level, i), w);
        assert.equal(tileWidth(s, level, tilesOf(s, level).length), 0);
      }
    }
  });

  it("rejects invalid tree sizes and levels", () => {
    assert.throws(() => hashesAtLevel(-1, 0), RangeError);
    assert.throws(() => hashesAtLevel(2 ** 53, 0), RangeError);
    assert.throws(() => hashesAtLevel(1.5, 0), RangeError);
    const isMalformed = (e: unknown) => e instanceof TileError && e.code === "TILE_PATH_MALFORMED";
    assert.throws(() => hashesAtLevel(1, 64), isMalformed);
  });
});

describe("tileCoordinates / entryBundleRange", () => {
  it("maps a tile to tree level 8L and node indices 256N..256N+W-1", () => {
    assert.deepEqual(tileCoordinates({ level: 0, index: 0, width: 256 }), { treeLevel: 0, start: 0, count: 256 });
    assert.deepEqual(tileCoordinates({ level: 1, index: 1, width: 17 }), { treeLevel: 8, start: 256, count: 17 });
    assert.deepEqual(tileCoordinates({ level: 2, index: 2 ** 40, width: 3 }), {
      treeLevel: 16,
      start: 2 ** 48,
      count: 3,
    });
    assert.deepEqual(entryBundleRange({ index: 273, width: 112 }), { start: 69_888, count: 112 });
    assert.deepEqual(entryBundleRange({ index: 2 ** 24, width: 5 }), { start: 2 ** 32, count: 5 });
  });

  it("refuses tiles whose node indices leave the safe range", () => {
    const isMalformed = (e: unknown) => e instanceof TileError && e.code === "TILE_PATH_MALFORMED";
    assert.throws(() => tileCoordinates({ level: 0, index: Number.MAX_SAFE_INTEGER, width: 1 }), isMalformed);
    assert.throws(() => entryBundleRange({ index: 2 ** 45, width: 1 }), isMalformed);
    assert.doesNotThrow(() => entryBundleRange({ index: 2 ** 45 - 1, width: 256 }));
  });

  it("throws exactly when 256N + W - 1 exceeds MAX_SAFE_INTEGER (BigInt oracle)", () => {
    const near = fc.bigInt({ min: 2n ** 45n - 3n, max: 2n ** 45n + 3n }).map(Number);
    fc.assert(
      fc.property(fc.oneof(near, fc.maxSafeNat()), fc.integer({ min: 1, max: 256 }), (index, width) => {
        const overflows = BigInt(index) * 256n + BigInt(width) - 1n > BigInt(Number.MAX_SAFE_INTEGER);
        let threw = false;
        try {
          const r = entryBundleRange({ index, width });
          assert.equal(BigInt(r.start), BigInt(index) * 256n);
        } catch (e) {
          assert.ok(e instanceof TileError && e.code === "TILE_PATH_MALFORMED");
          threw = true;
        }
        assert.equal(threw, overflows);
      }),
    );
  });
});

describe("resolveTileRequest / isTileAvailable", () => {
  it("serves the current right-edge partial and any narrower width of it", () => {
    assert.deepEqual(resolveTileRequest({ level: 0, index: 273, width: 112 }, 70_000), {
      found: true,
      coordinates: { treeLevel: 0, start: 69_888, count: 112 },
      currentWidth: 112,
    });
    // A partial tile requested from an older checkpoint: first 50 hashes, which never change.
    assert.deepEqual(resolveTileRequest({ level: 0, index: 273, width: 50 }, 70_000), {
      found: true,
      coordinates: { treeLevel: 0, start: 69_888, count: 50 },
      currentWidth: 112,
    });
    // A partial whose tile has since become full is still servable.
    assert.equal(isTileAvailable({ level: 0, index: 0, width: 7 }, 70_000), true);
    assert.equal(isTileAvailable({ level: 1, index: 1, width: 17 }, 70_000), true);
  });

  it("reports a tile that holds fewer hashes than requested as TILE_TOO_NARROW", () => {
    assert.deepEqual(resolveTileRequest({ level: 0, index: 273, width: 256 }, 70_000), {
      found: false,
      reason: "TILE_TOO_NARROW",
      currentWidth: 112,
    });
    assert.equal(resolveTileRequest({ level: 0, index: 273, width: 113 }, 70_000).found, false);
    assert.equal(isTileAvailable({ level: 1, index: 0, width: 2 }, 256), false);
  });

  it("reports a tile with no hashes yet as TILE_NOT_IN_TREE", () => {
    assert.deepEqual(resolveTileRequest({ level: 0, index: 274, width: 1 }, 70_000), {
      found: false,
      reason: "TILE_NOT_IN_TREE",
      currentWidth: 0,
    });
    assert.equal(resolveTileRequest({ level: 0, index: 0, width: 1 }, 0).found, false);
    assert.equal(resolveTileRequest({ level: 1, index: 0, width: 1 }, 255).found, false);
    assert.equal(resolveTileRequest({ level: 0, index: Number.MAX_SAFE_INTEGER, width: 256 }, 2 ** 40).found, false);
  });

  it("finds a tile exactly when its requested width is at most the current width", () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat(),
        fc.integer({ min: 0, max: 7 }),
        fc.maxSafeNat(),
        fc.integer({ min: 1, max: 256 }),
        (s, level, rawIndex, width) => {
          // Bias the index towards tiles that exist so both branches are exercised.
          const count = hashesAtLevel(s, level);
          const index = rawIndex % (Math.floor(count / 256) + 2);
          const current = tileWidth(s, level, index);
          const r = resolveTileRequest({ level, index, width }, s);
          assert.equal(r.found, current > 0 && width <= current);
          assert.equal(r.currentWidth, current);
          if (r.found) {
            assert.equal(r.coordinates.start + r.coordinates.count <= count, true);
            assert.equal(r.coordinates.treeLevel, 8 * level);
          }
        },
      ),
    );
  });

  it("a tile available at size s stays available at every larger size", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), fc.integer({ min: 0, max: 3 }), (a, b, level) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const count = hashesAtLevel(small, level);
        if (count === 0) return;
        const index = Math.floor((count - 1) / 256);
        const ref = { level, index, width: tileWidth(small, level, index) };
        assert.equal(isTileAvailable(ref, small), true);
        assert.equal(isTileAvailable(ref, large), true);
      }),
    );
  });
});

describe("resolveEntryBundleRequest", () => {
  it("follows the level-0 tile widths", () => {
    assert.deepEqual(resolveEntryBundleRequest({ index: 273, width: 112 }, 70_000), {
      found: true,
      range: { start: 69_888, count: 112 },
      currentWidth: 112,
    });
    assert.deepEqual(resolveEntryBundleRequest({ index: 273, width: 256 }, 70_000), {
      found: false,
      reason: "TILE_TOO_NARROW",
      currentWidth: 112,
    });
    assert.deepEqual(resolveEntryBundleRequest({ index: 274, width: 1 }, 70_000), {
      found: false,
      reason: "TILE_NOT_IN_TREE",
      currentWidth: 0,
    });
    assert.deepEqual(resolveEntryBundleRequest({ index: 2 ** 24, width: 5 }, 2 ** 32 + 5), {
      found: true,
      range: { start: 2 ** 32, count: 5 },
      currentWidth: 5,
    });
  });
});
