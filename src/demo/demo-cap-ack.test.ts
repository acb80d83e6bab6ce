import { test } from "node:test";
import assert from "node:assert/strict";
import { buildWarning } from "../client/record-builders.js";
import { NodeHarness } from "../testing/node-harness.js";
import { acknowledgeAsCapAck } from "./demo-cap-ack.js";

test("the demo's custodial recipient acknowledges as a CAP Ack: one receipt, signed by the node, that says it came as an Ack", async () => {
  const h = await NodeHarness.start();
  try {
    const source = await h.party("us-ic");
    const venue = await h.party("crocus-venue", { custodial: true });
    const t = h.clock.now();
    const w = buildWarning(source, { at: t, name: "advisory", recipients: [venue.id], windowStart: t, windowEnd: t + 3_600_000, probability: 0.5, tlp: "CLEAR" });
    assert.equal((await h.post(source, w)).statusCode, 201);
    h.clock.advance(60_000);
    assert.equal(await acknowledgeAsCapAck(h.node, venue.id, w, h.clock.now()), 1);
    const timeline = (await h.get(venue, `/api/v1/warnings/${w.id}/timeline`)).json();
    const receipt = timeline.entries.find((e: { kind: string }) => e.kind === "receipt");
    assert.equal(receipt.signer, "custodial");
    assert.match(receipt.says, /acknowledged as an OASIS CAP 1\.2 Ack: crocus-venue,crocus-venue-ack-\d+,/);
  } finally {
    await h.close();
  }
});
