import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditBundle, parseBundle } from "../core/bundle/index.js";
import { dutySentence } from "../core/report/index.js";
import { partyReader } from "../core/tlp/index.js";
import { ExchangeReads } from "../exchange/exchange-reads.js";
import { parseConfig } from "../node/config.js";
import { openNode } from "../node/node.js";
import { DEMO_START, loadDemoScenario } from "./demo-scenario.js";
import { ScriptedClock } from "./scripted-clock.js";

/*
 * The demo's duty to warn: the determination behind the 6 March warning, warned in sanitised form within
 * its deadline, acknowledged and dismissed by the FSB; a SYNTHETIC waiver on a source-protection ground,
 * sealed and revealed to the review office; a SYNTHETIC determination never decided and escalated. The
 * report's section is printed (TOCSIN_SHOW_DUTY=1) for the closing note.
 */
test("the demo's duty to warn: warned and acknowledged, waived and revealed, never decided and escalated; in the report and the bundle", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-demo-duty-"));
  const clock = new ScriptedClock(DEMO_START);
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0 }), { clock });
  try {
    const summary = (await loadDemoScenario(node, clock))!;
    const usIc = (await node.parties.require("us-ic")).id;
    const review = (await node.parties.require("us-ic-review")).id;
    const ruFsb = (await node.parties.require("ru-fsb")).id;
    const reads = new ExchangeReads({ store: node.store, parties: node.parties, records: node.records, log: node.reader, logKey: node.signer });
    const now = clock.now();
    const cases = await reads.duty.cases(partyReader(usIc), now);
    const byId = new Map(cases.map((c) => [c.id, c]));
    const warned = byId.get(summary.duty.determination)!;
    assert.equal(warned.state, "warned");
    assert.equal(warned.late, false, "warned within its deadline");
    assert.equal(warned.decision?.warnings[0]?.linkVerified, true);
    assert.deepEqual(warned.decision?.warnings.map((w) => w.id), [summary.warnings[0]!.id, summary.warnings[1]!.id], "the 6 March warning and the 7 March advisory");
    assert.ok(warned.decision?.warnings.every((w) => w.linkVerified));
    assert.deepEqual(warned.decision?.warnings[0]?.acknowledgements.map((a) => a.party), [ruFsb]);
    assert.equal(warned.decision?.warnings[0]?.assessments[0]?.opinion, "strongly-disagree");
    const venue = (await node.parties.require("crocus-venue")).id;
    assert.deepEqual(warned.decision?.warnings[1]?.acknowledgements.map((a) => [a.party, a.via]), [[ruFsb, "receipt"], [venue, "cap-ack"]], "the venue acknowledged as a CAP Ack");
    const waived = byId.get(summary.duty.waived)!;
    assert.deepEqual([waived.state, waived.decision?.ground, waived.decision?.sealed], ["waived", "endangers-sources-methods", true]);
    assert.deepEqual(waived.reveals.map((r) => [r.reviewers, r.opens]), [[[review], true]]);
    const escalated = byId.get(summary.duty.escalated)!;
    assert.deepEqual([escalated.state, escalated.escalatedAt], ["overdue", "2024-02-27T08:01:00.000Z"]);

    // The FSB sees none of the determinations; the review office sees all three.
    assert.equal((await reads.duty.cases(partyReader(ruFsb), now)).length, 0);
    assert.equal((await reads.duty.cases(partyReader(review), now)).length, 3);

    // The report of the 6 March warning, as the source sees it: its bundle proves the determination and the link.
    const { bundle, input } = await reads.report(partyReader(usIc), summary.warnings[0]!.id, new Date(now));
    const audit = auditBundle(parseBundle(JSON.parse(JSON.stringify(bundle))));
    assert.ok(audit.ok, JSON.stringify(audit.problems));
    assert.equal(audit.duty?.decision?.linkVerified, true);
    const lines = [input.duty!.thisWarning!, ...input.duty!.source!.cases].map(dutySentence);
    assert.match(lines[0]!, /^the duty to warn: determined on 2024-03-05 18:00:00 UTC, warned on 2024-03-06 06:00:00 UTC \(sanitised, delivered via tocsin .*, acknowledged by .*FSB.* at 2024-03-06 09:30:00 UTC, dismissed by .*FSB.*\), decision logged 2024-03-07 18:20:00 UTC, approved by US IC duty-to-warn review office \(illustrative\); the warning's commitment to the determination verifies$/);
    assert.ok(lines.some((l) => /acknowledged by Crocus City Hall venue security office \(illustrative\) at 2024-03-07 20:30:00 UTC \(as a CAP Ack\)/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /waived on 2024-02-12 15:00:00 UTC on ground endangers-sources-methods .*approved by US IC duty-to-warn review office \(illustrative\); reasons sealed, revealed to US IC duty-to-warn review office/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /never decided by its deadline 2024-02-27 08:00:00 UTC; escalated by the node at 2024-02-27 08:01:00 UTC/.test(l)), lines.join("\n"));
    assert.deepEqual(
      [input.duty!.source!.record.determinations, input.duty!.source!.record.warned, input.duty!.source!.record.waived, input.duty!.source!.record.neverDecided, input.duty!.source!.record.escalated],
      [3, 1, 1, 1, 1],
    );
    if (process.env.TOCSIN_SHOW_DUTY) process.stdout.write(`\n${lines.map((l) => `- ${l}.`).join("\n")}\n`);
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
