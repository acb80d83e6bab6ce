/**
 * Entry bundle codec (C2SP tlog-tiles, "Log entries"): "Entry bundles are sequences of big-endian uint16
 * length-prefixed log entries". Pure byte handling, no Buffer, so it runs anywhere.
 */
import { TileError } from "./tile-errors.js";

/** Largest entry a bundle can frame: the uint16 length prefix tops out at 65535. */
export const MAX_ENTRY_BYTES = 65535;

const LENGTH_PREFIX_BYTES = 2;

/** Concatenates each entry as a big-endian uint16 length then its bytes; throws LOG_ENTRY_TOO_LARGE past 65535 bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const length = (entries[i] as Uint8Array).length;
    if (length > MAX_ENTRY_BYTES) {
      // Silently truncating the length would corrupt every later entry in the bundle.
      throw new TileError("LOG_ENTRY_TOO_LARGE", "entry does not fit a uint16 length prefix", {
        details: { entry: i, length, max: MAX_ENTRY_BYTES },
      });
    }
    total += LENGTH_PREFIX_BYTES + length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const entry of entries) {
    // Big-endian by arithmetic (lengths fit 16 bits, but we keep the codebase free of bitwise ops on sizes).
    out[offset] = Math.floor(entry.length / 256);
    out[offset + 1] = entry.length % 256;
    out.set(entry, offset + LENGTH_PREFIX_BYTES);
    offset += LENGTH_PREFIX_BYTES + entry.length;
  }
  return out;
}

/**
 * Splits a bundle back into entries (fresh copies, not views of `bytes`). Throws ENTRY_BUNDLE_MALFORMED if a
 * length prefix or an entry body is cut short, or if `expectedCount` is given and the entry count differs
 * (a bundle of width W must hold exactly W entries).
 */
export function decodeEntryBundle(bytes: Uint8Array, options: { expectedCount?: number } = {}): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < LENGTH_PREFIX_BYTES) {
      throw new TileError("ENTRY_BUNDLE_MALFORMED", "truncated entry length prefix", {
        details: { entry: entries.length, offset },
      });
    }
    const length = (bytes[offset] as number) * 256 + (bytes[offset + 1] as number);
    const start = offset + LENGTH_PREFIX_BYTES;
    if (bytes.length - start < length) {
      throw new TileError("ENTRY_BUNDLE_MALFORMED", "truncated entry body", {
        details: { entry: entries.length, offset, length, available: bytes.length - start },
      });
    }
    entries.push(bytes.slice(start, start + length));
    offset = start + length;
  }
  if (options.expectedCount !== undefined && entries.length !== options.expectedCount) {
    throw new TileError("ENTRY_BUNDLE_MALFORMED", "entry bundle holds the wrong number of entries", {
      details: { expected: options.expectedCount, actual: entries.length },
    });
  }
  return entries;
}
