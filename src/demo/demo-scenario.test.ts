import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifierFromSigner } from "../core/note/index.js";
import { auditLog } from "../log/audit.js";
import { parseConfig } from "../node/config.js";
import { openNode } from "../node/node.js";
import { formatDemoBanner } from "./demo-banner.js";
import { main } from "../cli/main.js";

const banner0 = (summary: Parameters<typeof formatDemoBanner>[0]): string => formatDemoBanner(summary, "http://127.0.0.1:8080");
import { DEMO_LABEL, DEMO_START, demoClockFor, loadDemoScenario } from "./demo-scenario.js";
import { ScriptedClock } from "./scripted-clock.js";

test("the demo scenario loads into an empty node: the March 2024 timeline, escalations, an auditable log", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-demo-"));
  const clock = new ScriptedClock(DEMO_START);
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0 }), { clock });
  try {
    const started = performance.now();
    const summary = await loadDemoScenario(node, clock);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(summary, "loaded into an empty node");
    assert.ok(seconds < 20, `loaded in ${seconds.toFixed(2)} s`);
    assert.equal(clock.now(), Date.parse("2024-04-02T12:01:00Z"), "the clock stays at the scenario's last step until released");
    clock.release();
    assert.ok(Math.abs(clock.now() - Date.now()) < 1000, "released: real time");

    for (const slug of ["us-ic", "ru-fsb", "crocus-venue", "observer-cert", "analyst-desk"]) {
      assert.ok(await node.parties.get(slug), slug);
      assert.ok(summary.parties.some((p) => p.slug === slug && p.token.startsWith("tocsin_")), slug);
    }
    assert.equal((await node.parties.require("crocus-venue")).custodial, true);
    assert.equal(summary.label, DEMO_LABEL);
    assert.equal(summary.synthetic.warnings, 200);
    assert.equal(summary.logSize, await node.store.logSize());
    // Besides what the load admitted, the log holds the parties' registrations and token events (key transparency).
    const keyRecords = await node.store.listRecords({ limit: 10_000, types: ["identity", "x-tocsin-key-event"] });
    assert.ok(keyRecords.length > 0 && keyRecords.every((r) => r.kind === "identity" || r.kind === "key-event"));
    assert.equal(summary.records + keyRecords.length, summary.logSize, "every record the load admitted is one log entry");

    // The first warning, as the FSB sees it through the API with its printed token.
    const first = summary.warnings[0]!;
    const ruFsb = summary.parties.find((p) => p.slug === "ru-fsb")!;
    const auth = { authorization: `Bearer ${ruFsb.token}` };
    const record = await node.app.inject({ method: "GET", url: `/api/v1/records/${first.id}`, headers: auth });
    assert.equal(record.statusCode, 200, record.body);
    assert.match(record.json().description, /Crocus City Hall named/);
    assert.match(record.json().description, /^Illustrative, reconstructed from press reports/);
    const listed = (await node.app.inject({ method: "GET", url: "/api/v1/warnings?recipient=ru-fsb&limit=1000", headers: auth })).json().warnings; // one page: the demo has ~210 warnings
    const w1 = listed.find((w: { id: string }) => w.id === first.id);
    assert.equal(w1.resolved.outcome, "materialized");
    assert.equal(w1.resolved.at, "2024-03-22T20:30:00.000Z");
    assert.equal(w1.recipients[0].state, "resolved");
    assert.deepEqual([...w1.recipients[0].escalated].sort(), ["action", "assessment"]);
    const w2 = listed.find((w: { id: string }) => w.id === summary.warnings[1]!.id);
    assert.equal(w2.resolved.outcome, "did-not-materialize");

    // Every record about the first warning, in log order, logged at its scenario date.
    const about = await node.store.recordsAbout(first.id);
    const timeline = about.map((r) => [r.kind, r.loggedAt, r.author === ruFsb.id ? "ru-fsb" : r.author === summary.parties[0]!.id ? "us-ic" : "node"]);
    assert.deepEqual(timeline, [
      ["warning", "2024-03-06T06:00:00.000Z", "us-ic"],
      ["receipt", "2024-03-06T09:30:00.000Z", "ru-fsb"], // what "no warning was received" would contradict
      ["escalation", "2024-03-08T06:01:00.000Z", "node"],
      ["escalation", "2024-03-11T06:01:00.000Z", "node"],
      ["assessment", "2024-03-19T12:00:00.000Z", "ru-fsb"],
      ["resolution", "2024-03-22T20:30:00.000Z", "us-ic"],
      ["reveal", "2024-04-02T12:00:00.000Z", "us-ic"],
    ]);
    const escalations = about.filter((r) => r.kind === "escalation").map((r) => JSON.parse(r.body).deadline_kind);
    assert.deepEqual(escalations, ["assessment", "action"]);
    const receipt = JSON.parse(about[1]!.body);
    assert.equal(receipt.warning_ref, first.id);
    const reveal = JSON.parse(about.at(-1)!.body);
    assert.equal(reveal.salt, summary.commitment.salt);
    assert.equal(Buffer.from(reveal.evidence, "base64").toString("utf8"), summary.commitment.evidence);

    // The venue's receipt of the public advisory was signed by the node for it (custodial).
    const advisory = await node.store.recordsAbout(summary.warnings[1]!.id);
    assert.deepEqual(advisory.map((r) => r.kind), ["warning", "receipt", "receipt", "resolution"]);
    assert.equal(advisory[2]!.custodial, true);

    const audit = await auditLog(node.store, { verifier: verifierFromSigner(node.signer) });
    assert.equal(audit.ok, true, JSON.stringify(audit.problems));
    assert.equal(audit.leaves, summary.logSize);

    // The attribution board: three signed versions by analyst-desk, readable by anyone (TLP:CLEAR), H1 first,
    // H2-H4 flagged; and `tocsin ach show` renders it from the data directory.
    assert.deepEqual(summary.board && [summary.board.name, summary.board.versions], ["crocus-attribution", 3]);
    const board = (await node.app.inject({ method: "GET", url: "/api/v1/boards/crocus-attribution" })).json();
    assert.equal(board.analysis.ranking, "H1 > H4 > H2 > H3");
    assert.deepEqual(board.analysis.flags.map((f: { flagged: boolean }) => f.flagged), [false, true, true, true]);
    assert.equal(board.author, summary.parties.find((p) => p.slug === "analyst-desk")!.id);
    assert.equal(board.board.evidence.find((e: { id: string }) => e.id === "E3").link.record_ref, first.id);
    // The anonymous reader may not see the TLP:AMBER warning E3 links to; the FSB, its recipient, may.
    assert.deepEqual(board.links, [{ evidence: "E3", found: false }]);
    const asFsb = (await node.app.inject({ method: "GET", url: "/api/v1/boards/crocus-attribution", headers: auth })).json();
    assert.deepEqual(asFsb.links, [{ evidence: "E3", found: true, kind: "warning", index: about[0]!.logIndex }]);
    const boardHistory = (await node.app.inject({ method: "GET", url: "/api/v1/boards/crocus-attribution/history" })).json().versions;
    assert.deepEqual(boardHistory.map((v: { logged_at: string }) => v.logged_at), ["2024-03-23T12:00:00.000Z", "2024-03-27T10:00:00.000Z", "2024-04-02T10:00:00.000Z"]);
    let shown = "";
    assert.equal(await main(["ach", "show", "crocus-attribution", "--data", dir], (x) => (shown += x)), 0);
    assert.match(shown, /Ranking: H1 > H4 > H2 > H3/);
    assert.match(shown, /H4: FLAGGED — asserted without evidence: its only support is E7/);
    assert.ok(shown.replace(/\s+/g, " ").includes(`Link: ${first.id} (warning by us-ic, log entry ${about[0]!.logIndex})`), shown);
    assert.ok(banner0(summary).includes("tocsin ach show crocus-attribution"));

    // A second load is a no-op, and so is one into a node that already existed.
    assert.equal(await loadDemoScenario(node, clock), undefined);
    assert.equal(await loadDemoScenario(node, new ScriptedClock(DEMO_START)), undefined);
    assert.equal(await node.store.logSize(), summary.logSize);
    assert.equal(demoClockFor(dir).released, true, "a data directory that holds a node gets no scripted clock");

    const banner = formatDemoBanner(summary, "http://127.0.0.1:8080");
    assert.match(banner, /ILLUSTRATIVE, RECONSTRUCTED FROM PRESS REPORTS/);
    assert.ok(banner.includes(`curl -H "Authorization: Bearer ${ruFsb.token}" http://127.0.0.1:8080/api/v1/records/${first.id}`));
    assert.ok(banner.includes("curl http://127.0.0.1:8080/log/checkpoint"));
    assert.ok(banner.includes(`http://127.0.0.1:8080/#token=${ruFsb.token}`), "a sign-in link to the web UI");
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the scripted clock moves only forward, then tells the real time", () => {
  const clock = new ScriptedClock("2024-03-06T06:00:00Z");
  assert.equal(clock.now(), Date.parse("2024-03-06T06:00:00Z"));
  clock.advance(1000);
  assert.equal(clock.now(), Date.parse("2024-03-06T06:00:01Z"));
  assert.throws(() => clock.set("2024-03-01T00:00:00Z"), /only moves forward/);
  clock.release();
  assert.equal(clock.released, true);
  assert.ok(Math.abs(clock.now() - Date.now()) < 1000);
  assert.throws(() => clock.set(Date.now()), /released/);
});
