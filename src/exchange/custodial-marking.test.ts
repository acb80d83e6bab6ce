import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReceipt, buildWarning } from "../client/record-builders.js";
import { main } from "../cli/main.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";

/*
 * Node-signed is never mistaken for party-signed (issue 10, deliver 6). A custodial party holds no
 * key: the node signs its records for it. The timeline API, `tocsin audit` (text and --json) and the
 * report say so in words, per record and in a summary; the node's own escalations say they are the
 * node's.
 */
test("custodial records are marked as signed by the node on behalf of the party: timeline API, audit text and JSON, report", async () => {
  const HOUR = 3_600_000;
  const t0 = Date.parse("2024-05-01T08:00:00.000Z");
  const h = await NodeHarness.start({ clock: new TestClock(t0) });
  const dir = mkdtempSync(join(tmpdir(), "tocsin-custodial-"));
  try {
    const sender = await h.party("sender");
    const venue = await h.party("venue", { custodial: true });
    assert.equal(venue.seed, undefined, "a custodial party holds no key");
    const warning = buildWarning(sender, { at: t0, name: "Drone over the venue", recipients: [venue.id], windowStart: t0, windowEnd: t0 + 24 * HOUR, probability: 0.4, deadlines: { assessment: t0 + 2 * HOUR }, tlp: "AMBER" });
    assert.equal((await h.post(sender, warning)).statusCode, 201);
    h.clock.advance(HOUR);
    const receipt = buildReceipt(venue, warning, h.clock.now(), "AMBER"); // unsigned: the node signs it
    const posted = await h.post(venue, receipt);
    assert.equal(posted.statusCode, 201, posted.body);
    assert.equal(posted.json().records[0].custodial, true);
    h.clock.advance(2 * HOUR);
    assert.equal(await h.node.escalator.tick(), 1, "the missed assessment deadline is escalated by the node");

    // The timeline API: a field and a phrase per record.
    const timeline = await h.get(sender, `/api/v1/warnings/${warning.id}/timeline`);
    assert.equal(timeline.statusCode, 200, timeline.body);
    const entries = timeline.json().entries as { kind: string; custodial: boolean; signer: string; signedBy: string }[];
    assert.deepEqual(
      entries.map((e) => [e.kind, e.custodial, e.signer, e.signedBy]),
      [
        ["warning", false, "party", "signed by SENDER with its own key"],
        ["receipt", true, "custodial", "signed by the node on behalf of VENUE (custodial)"],
        ["escalation", true, "node", "signed by the node (its own record)"],
      ],
    );

    // tocsin audit: each record, and a summary line; the same in --json.
    const bundle = join(dir, "bundle.json");
    assert.equal(await main(["export-bundle", "--warning", warning.id, "--out", bundle, "--data", h.dir], () => {}), 0);
    const text: string[] = [];
    assert.equal(await main(["audit", bundle], (s) => void text.push(s)), 0);
    const out = text.join("");
    assert.match(out, /receipt\s+VENUE: .*\n\s+signature verified, signed by the node on behalf of VENUE \(custodial\);/);
    assert.match(out, /warning\s+SENDER: .*\n\s+signature verified, signed by SENDER with its own key;/);
    assert.match(out, /escalation\s+.*\n\s+signature verified, signed by the node \(its own record\);/);
    assert.match(out, /signers: 1 record signed by their authors' own keys; 1 signed by the node on behalf of VENUE \(custodial: they prove what the node was told, not that the party signed them\); 1 the node's own \(escalations\)\n/);
    const json: string[] = [];
    assert.equal(await main(["audit", bundle, "--json"], (s) => void json.push(s)), 0);
    const audit = JSON.parse(json.join(""));
    assert.deepEqual(
      audit.timeline.map((e: { kind: string; signer: string; signedBy: string }) => [e.kind, e.signer, e.signedBy]),
      [
        ["warning", "party", "signed by SENDER with its own key"],
        ["receipt", "custodial", "signed by the node on behalf of VENUE (custodial)"],
        ["escalation", "node", "signed by the node (its own record)"],
      ],
    );
    assert.deepEqual([audit.custody.partySigned, audit.custody.custodial, audit.custody.nodeOwn, audit.custody.custodialAuthors], [1, 1, 1, ["VENUE"]]);

    // The report: the row says it, and the summary line under the timeline.
    const html: string[] = [];
    assert.equal(await main(["report", "--warning", warning.id, "--format", "html", "--data", h.dir], (s) => void html.push(s)), 0);
    const page = html.join("");
    assert.match(page, /VENUE<br><span class="custodial">signed by the node on behalf of VENUE \(custodial\)<\/span>/);
    assert.match(page, /Signers: 1 record signed by their authors&#39; own keys; 1 signed by the node on behalf of VENUE \(custodial/);
    assert.doesNotMatch(page, /SENDER<br><span class="custodial">/, "a party-signed row is not marked custodial");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await h.close();
  }
});
