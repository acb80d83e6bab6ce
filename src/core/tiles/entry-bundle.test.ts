import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_BYTES } from "./entry-bundle.js";
import { TileError } from "./tile-errors.js";

const isCode = (code: string) => (e: unknown) => e instanceof TileError && e.code === code;

describe("entry bundles", () => {
  it("frames each entry with a big-endian uint16 length", () => {
    const bundle = encodeEntryBundle([new Uint8Array([0xaa]), new Uint8Array(0), new Uint8Array(0x0102).fill(7)]);
    assert.deepEqual([...bundle.subarray(0, 5)], [0x00, 0x01, 0xaa, 0x00, 0x00]);
    assert.deepEqual([...bundle.subarray(5, 7)], [0x01, 0x02]);
    assert.equal(bundle.length, 3 + 2 + 2 + 0x0102);
  });

  it("round-trips arbitrary entries", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 40 }), (entries) => {
        const decoded = decodeEntryBundle(encodeEntryBundle(entries), { expectedCount: entries.length });
        assert.deepEqual(decoded, entries);
      }),
    );
  });

  it("round-trips an entry of exactly MAX_ENTRY_BYTES and the empty bundle", () => {
    const big = new Uint8Array(MAX_ENTRY_BYTES).fill(0x5a);
    const bundle = encodeEntryBundle([big]);
    assert.deepEqual([...bundle.subarray(0, 2)], [0xff, 0xff]);
    assert.deepEqual(decodeEntryBundle(bundle), [big]);
    assert.deepEqual(encodeEntryBundle([]), new Uint8Array(0));
    assert.deepEqual(decodeEntryBundle(new Uint8Array(0)), []);
  });

  it("rejects an entry over 65535 bytes with LOG_ENTRY_TOO_LARGE", () => {
    assert.throws(
      () => encodeEntryBundle([new Uint8Array(1), new Uint8Array(MAX_ENTRY_BYTES + 1)]),
      isCode("LOG_ENTRY_TOO_LARGE"),
    );
  });

  it("rejects truncated length prefixes and bodies with ENTRY_BUNDLE_MALFORMED", () => {
    assert.throws(() => decodeEntryBundle(new Uint8Array([0x00])), isCode("ENTRY_BUNDLE_MALFORMED"));
    assert.throws(() => decodeEntryBundle(new Uint8Array([0x00, 0x02, 0x01])), isCode("ENTRY_BUNDLE_MALFORMED"));
    assert.throws(
      () => decodeEntryBundle(new Uint8Array([0x00, 0x01, 0x01, 0x00])),
      isCode("ENTRY_BUNDLE_MALFORMED"),
    );
  });

  it("rejects every strict prefix of a non-empty bundle that cuts inside an entry", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 50 }), { minLength: 1, maxLength: 10 }),
        fc.nat(),
        (entries, cut) => {
          const bundle = encodeEntryBundle(entries);
          const boundaries = new Set<number>();
          let offset = 0;
          for (const e of entries) boundaries.add((offset += 2 + e.length));
          const at = cut % bundle.length;
          if (at === 0 || boundaries.has(at)) return; // a cut on an entry boundary is a shorter valid bundle
          assert.throws(() => decodeEntryBundle(bundle.subarray(0, at)), isCode("ENTRY_BUNDLE_MALFORMED"));
        },
      ),
    );
  });

  it("checks the expected entry count", () => {
    const bundle = encodeEntryBundle([new Uint8Array([1]), new Uint8Array([2])]);
    assert.equal(decodeEntryBundle(bundle, { expectedCount: 2 }).length, 2);
    assert.throws(() => decodeEntryBundle(bundle, { expectedCount: 3 }), isCode("ENTRY_BUNDLE_MALFORMED"));
  });

  it("returns copies that do not alias the input", () => {
    const bundle = encodeEntryBundle([new Uint8Array([9])]);
    const [entry] = decodeEntryBundle(bundle);
    bundle[2] = 0;
    assert.deepEqual(entry, new Uint8Array([9]));
  });
});
