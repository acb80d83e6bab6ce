import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEntries } from "./cluster-appender.js";

test("a hand-over whose entries are not the wire form is refused with a domain code, not a transport one", () => {
  for (const body of [null, {}, { entries: [] }, { entries: [{ leaf: 7 }] }, { entries: [{ leaf: "AA==", tombstone: "zz" }] }, { entries: [{ leaf: "AA==", record: { digest: "zz" } }] }]) {
    assert.throws(() => decodeEntries(body), { code: "CLUSTER_ENTRIES_MALFORMED" }, JSON.stringify(body));
  }
  assert.equal(decodeEntries({ entries: [{ leaf: "AAE=" }] })[0]!.leaf.length, 2);
});
