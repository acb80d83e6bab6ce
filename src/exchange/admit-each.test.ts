import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import { NodeHarness } from "../testing/node-harness.js";
import { admitEach, type ObjectOutcome } from "./admit-each.js";

const codeOf = (o: ObjectOutcome): string | undefined => ("error" in o ? o.error.code : undefined);

const DAY = 86_400_000;

test("admitEach: per-object outcomes in order through the real admission, dependent records kept in order", async () => {
  const h = await NodeHarness.start();
  try {
    const a = await h.party("sender");
    const b = await h.party("receiver");
    const now = h.clock.now();
    const registered = await h.logSize(); // the parties' registrations and token events
    const warning = (name: string) => buildWarning(a, { at: now, name, recipients: [b.id], windowStart: now, windowEnd: now + DAY, probability: 0.5, tlp: "AMBER" });
    const w1 = warning("one");
    const w2 = warning("two");
    const ghost = warning("never posted");
    // Receipts for a warning that is not in the log fail the lifecycle check (after every object was
    // prepared); one receipt follows its warning in the same envelope and must succeed.
    const orphans = Array.from({ length: 150 }, () => buildReceipt(b, ghost, now));
    const good = buildReceipt(b, w1, now);
    const poster = await h.node.parties.require(a.id);
    const out1 = await admitEach(h.node.admission, poster, [w1, ...orphans.slice(0, 70), { type: "nonsense" }, w2]);
    assert.ok("ok" in out1[0]!);
    for (let i = 1; i <= 70; i++) assert.equal(codeOf(out1[i]!), "RECORD_AUTHOR_MISMATCH", `object ${i}`);
    assert.ok("error" in out1[71]!);
    assert.ok("ok" in out1[72]!);
    const receiver = await h.node.parties.require(b.id);
    const out2 = await admitEach(h.node.admission, receiver, [...orphans.slice(70), good, ...orphans.slice(0, 5)]);
    assert.equal(out2.length, 86);
    out2.forEach((o, i) => {
      if (i === 80) assert.ok("ok" in o, "the receipt of a logged warning is admitted");
      else assert.equal(codeOf(o), "RECORD_NOT_FOUND", `object ${i}`);
    });
    assert.equal(await h.logSize(), registered + 3, "two warnings and one receipt");
  } finally {
    await h.close();
  }
});
