import { test } from "node:test";
import assert from "node:assert/strict";
import { EnvelopeBuffers } from "./envelope-buffers.js";

test("envelope buffers: one given back serves the next page that fits; a taken one is never handed out twice", () => {
  const buffers = new EnvelopeBuffers(2, 1 << 20);
  const a = buffers.take(10_000);
  assert.ok(a.length >= 10_000);
  const b = buffers.take(10_000);
  assert.notEqual(a, b, "two pages in flight have two buffers");
  buffers.give(a);
  buffers.give(a);
  assert.equal(buffers.idle, 1, "giving one back twice keeps it once");
  assert.equal(buffers.take(9_000), a);
  assert.equal(buffers.idle, 0);
  const c = buffers.take(a.length + 1);
  assert.notEqual(c, a);
  assert.ok(c.length > a.length, "a page larger than every idle buffer gets a new one");
});

test("envelope buffers: the smallest that fits is taken; at most `keep` are held, the larger ones; a huge one is let go", () => {
  const buffers = new EnvelopeBuffers(2, 1 << 20);
  const small = buffers.take(4_000);
  const middle = buffers.take(40_000);
  const large = buffers.take(400_000);
  buffers.give(large);
  buffers.give(small);
  buffers.give(middle);
  assert.equal(buffers.idle, 2);
  assert.equal(buffers.take(1_000), middle, "the small one was dropped for the middle one");
  assert.equal(buffers.take(1_000), large);
  const huge = buffers.take(2 << 20);
  buffers.give(huge);
  assert.equal(buffers.idle, 0, "a buffer over the largest kept is not held");
});
