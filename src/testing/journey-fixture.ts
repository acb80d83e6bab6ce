import assert from "node:assert/strict";
import { buildAction, buildAssessment, buildReceipt, buildResolution, buildWarning } from "../client/record-builders.js";
import type { StixObject } from "../core/record/index.js";
import type { NodeConfig } from "../node/config.js";
import { NodeHarness, TestClock, type TestParty } from "./node-harness.js";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** What journeys 1–3 leave behind: the parties and the signed records, in order. */
export interface JourneyWorld {
  readonly h: NodeHarness;
  readonly source: TestParty;
  readonly recipient: TestParty;
  readonly outsider: TestParty;
  readonly warning: StixObject;
  readonly records: StixObject[];
}

async function postOk(h: NodeHarness, who: TestParty, obj: StixObject): Promise<void> {
  const res = await h.post(who, obj);
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
}

/**
 * Journeys 1–3 on a real node (design README): a TLP:AMBER warning (p = 0.7, two weeks, receipt in
 * 6 h, assessment in 24 h, action in 3 days) from us-ic to ru-fsb; a receipt; a strongly-disagree
 * assessment; the action deadline escalated by the node; the event; resolved as materialized.
 * `history` earlier resolved warnings from the same source give the track record something to score.
 */
export async function journeyWorld(options: { history?: number; config?: Partial<NodeConfig> } = {}): Promise<JourneyWorld> {
  const clock = new TestClock(Date.parse("2024-01-02T09:00:00.000Z"));
  const h = await NodeHarness.start({ clock, ...(options.config ? { config: options.config } : {}) });
  const source = await h.party("us-ic");
  const recipient = await h.party("ru-fsb");
  const outsider = await h.party("outsider");
  // A past record: alternating outcomes at stated probabilities, one per day.
  for (let i = 0; i < (options.history ?? 0); i++) {
    const t = clock.now();
    const p = [0.1, 0.3, 0.5, 0.7, 0.9][i % 5]!;
    const w = buildWarning(source, { at: t, name: `past warning ${i}`, recipients: [recipient.id], windowStart: t, windowEnd: t + DAY, probability: p, tlp: "AMBER" });
    await postOk(h, source, w);
    clock.advance(HOUR);
    const happened = i % 5 >= 2 ? i % 2 === 0 || p > 0.6 : i % 4 === 0;
    await postOk(
      h,
      source,
      buildResolution(source, w.id as string, clock.now(), happened ? { outcome: "materialized", eventTime: clock.now() - HOUR / 2, content: "it happened", tlp: "AMBER" } : { outcome: "did-not-materialize", content: "nothing", tlp: "AMBER" }),
    );
    clock.advance(DAY);
  }
  clock.t = Date.parse("2024-03-06T09:00:00.000Z");
  const t0 = clock.now();
  const warning = buildWarning(source, {
    at: t0,
    name: "Imminent attack on a large concert venue",
    recipients: [recipient.id],
    windowStart: t0,
    windowEnd: t0 + 14 * DAY,
    probability: 0.7,
    deadlines: { receipt: t0 + 6 * HOUR, assessment: t0 + 24 * HOUR, action: t0 + 3 * DAY },
    requestedActions: ["protect large venues"],
    tlp: "AMBER",
  });
  await postOk(h, source, warning);
  clock.advance(HOUR);
  const receipt = buildReceipt(recipient, warning, clock.now(), "AMBER");
  await postOk(h, recipient, receipt);
  clock.advance(12 * HOUR);
  const assessment = buildAssessment(recipient, warning.id as string, clock.now(), "strongly-disagree", "A provocation meant to intimidate.", "AMBER");
  await postOk(h, recipient, assessment);
  clock.advance(3 * DAY);
  assert.equal(await h.node.escalator.tick(), 1);
  clock.advance(HOUR);
  const action = buildAction(recipient, warning.id as string, clock.now(), { name: "Guard venues", status: "planned", tlp: "AMBER" });
  await postOk(h, recipient, action);
  clock.advance(10 * DAY);
  const resolution = buildResolution(source, warning.id as string, clock.now(), { outcome: "materialized", eventTime: clock.now() - HOUR, content: "Attack on the venue.", tlp: "AMBER" });
  await postOk(h, source, resolution);
  return { h, source, recipient, outsider, warning, records: [warning, receipt, assessment, action, resolution] };
}
