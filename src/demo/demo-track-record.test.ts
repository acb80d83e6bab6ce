import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditBundle, parseBundle } from "../core/bundle/index.js";
import { verifierFromSigner } from "../core/note/index.js";
import { ANONYMOUS_READER } from "../core/tlp/index.js";
import { TrackRecords } from "../exchange/track-records.js";
import { WarningIndex } from "../exchange/warning-index.js";
import { parseConfig } from "../node/config.js";
import { openNode } from "../node/node.js";
import { formatDemoBanner } from "./demo-banner.js";
import { DEMO_START, loadDemoScenario } from "./demo-scenario.js";
import { ScriptedClock } from "./scripted-clock.js";

test("demo: the synthetic sources' track records tell calibrated from over-confident; the FSB's record; journey 4 on the March warning", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-demo-record-"));
  const clock = new ScriptedClock(DEMO_START);
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0 }), { clock });
  try {
    const summary = (await loadDemoScenario(node, clock))!;
    const get = async (url: string, token?: string) => {
      const res = await node.app.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    // The synthetic history is TLP:CLEAR: anyone may see these records.
    const calibrated = (await get(`/api/v1/parties/synthetic-calibrated/track-record`)).asSource.overall;
    const overconfident = (await get(`/api/v1/parties/synthetic-overconfident/track-record`)).asSource.overall;
    assert.equal(calibrated.status, "scored");
    assert.equal(overconfident.status, "scored");
    assert.equal(calibrated.resolved + overconfident.resolved, summary.synthetic.warnings);
    assert.ok(calibrated.brier.value < overconfident.brier.value, `Brier ${calibrated.brier.value} < ${overconfident.brier.value}`);
    assert.ok(calibrated.reliability.decomposition.reliability < overconfident.reliability.decomposition.reliability);
    assert.ok(calibrated.reliability.ece < overconfident.reliability.ece);
    assert.ok(overconfident.brierSkill.value < 0, "stating 0.8–0.95 for events that occur 40 % of the time is worse than the base rate");
    assert.ok(calibrated.brier.ci[1] < overconfident.brier.ci[0], "the intervals do not even overlap");

    // A cold instance (an index built from the store on its first call) answers exactly as the API's, kept as the log grew.
    const cold = new TrackRecords(new WarningIndex({ store: node.store, nodeIdentity: (await node.parties.require("node")).id }), node.store, node.records);
    const party = await node.parties.require("synthetic-overconfident");
    // The API adds the party's duty-to-warn section (none for this source) beside the scores.
    const { dutyToWarn, ...scores } = await get(`/api/v1/parties/synthetic-overconfident/track-record`);
    assert.deepEqual(JSON.parse(JSON.stringify(await cold.trackRecord(ANONYMOUS_READER, party))), scores);
    assert.equal(dutyToWarn.determinations, 0);

    // us-ic has two resolved scenario warnings: too few to score. The FSB dismissed the one that came true.
    const usIc = summary.parties.find((p) => p.slug === "us-ic")!;
    const ruFsb = summary.parties.find((p) => p.slug === "ru-fsb")!;
    assert.equal((await get(`/api/v1/parties/us-ic/track-record`, usIc.token)).asSource.overall.status, "too-few-resolved");
    const fsb = (await get(`/api/v1/parties/ru-fsb/track-record`, ruFsb.token)).asRecipient.record;
    assert.ok(fsb.dismissedMaterialized.some((d: { warningId: string }) => d.warningId === summary.warnings[0]!.id));
    assert.ok(fsb.missedByKind.action >= 1 && fsb.missedByKind.assessment >= 1);

    // The banner points newcomers at the timeline, a track record, the report and the audit.
    const banner = formatDemoBanner(summary, "http://127.0.0.1:8080");
    assert.ok(banner.includes(`/api/v1/warnings/${summary.warnings[0]!.id}/timeline`));
    assert.ok(banner.includes("tocsin audit bundle.json"));

    // Journey 4: the bundle of the 6 March warning verifies offline against the log's key.
    const bundle = parseBundle(await get(`/api/v1/warnings/${summary.warnings[0]!.id}/bundle`, usIc.token));
    const audit = auditBundle(bundle, { logKey: verifierFromSigner(node.signer) });
    assert.deepEqual(audit.problems, []);
    assert.ok(audit.timeline.some((e) => e.kind === "assessment" && /strongly-disagree/.test(e.says)));
  } finally {
    clock.release();
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
