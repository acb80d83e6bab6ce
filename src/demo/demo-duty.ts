import { buildDetermination, buildDutyApproval, buildDutyPolicy, buildDutyReveal, buildWaiveDecision, buildWarnDecision, determinationLink } from "../client/duty-builders.js";
import { newSalt, type Author, type SealedEvidence } from "../client/record-builders.js";
import type { StixObject } from "../core/record/index.js";
import type { PartyRow } from "../store/store.js";
import type { ScriptedClock } from "./scripted-clock.js";

/*
 * The demo's duty to warn (docs/duty-to-warn.md). The 6 March 2024 warning is the sanitised warning
 * that discharged a determination the source made the evening before: it withholds the sources and
 * carries a commitment to the determination; the review office approved the warning; the FSB
 * acknowledged it (its receipt) and dismissed it (its assessment of 19 March). Two SYNTHETIC cases show
 * the other endings: a waiver on a source-protection ground, sealed and revealed to the reviewer, and a
 * determination never decided, which the node escalates at its deadline. Everything here is invented
 * to show the feature, and the records say so. (A CAP Ack imported as the venue's receipt reaches the
 * report as any receipt does, marked "as a CAP Ack".)
 */

export const DUTY_DEMO_LABEL = "Illustrative duty-to-warn record, invented for the demo: no such determination is known to exist.";
export const DUTY_SYNTHETIC_LABEL = "SYNTHETIC duty-to-warn case generated for the demo: no real determination, victims or sources.";

const HOUR = 3_600_000;
const utc = (s: string): number => Date.parse(s);

interface DemoActor {
  readonly row: PartyRow;
  readonly author: Author;
}

interface DemoLoad {
  readonly clock: ScriptedClock;
  post(actor: DemoActor, objects: readonly StixObject[]): Promise<void>;
  tickAt(at: number): Promise<void>;
}

/** The source's approval policy: every warn decision and every waiver needs the review office's approval. */
export async function loadDutyPolicy(load: DemoLoad, source: DemoActor, review: DemoActor): Promise<void> {
  await load.post(source, [buildDutyPolicy(source.author, load.clock.now(), { warnApprovers: [review.row.id], waiveApprovers: [review.row.id] })]);
}

/** The two SYNTHETIC cases, in February 2024: one waived (sealed, revealed), one never decided (escalated). */
export async function loadSyntheticDutyCases(load: DemoLoad, source: DemoActor, review: DemoActor): Promise<{ waived: string; escalated: string }> {
  const { clock } = load;
  clock.set("2024-02-12T10:00:00Z");
  const waived = buildDetermination(source.author, {
    at: clock.now(),
    threat: "kidnapping",
    intendedVictims: ["[SYNTHETIC] a visiting delegation's interpreter"],
    specificity: "identified",
    credibility: "medium",
    summary: DUTY_SYNTHETIC_LABEL,
    deadline: clock.now() + 24 * HOUR,
    reviewers: [review.row.id],
  });
  await load.post(source, [waived]);
  clock.set("2024-02-12T14:00:00Z");
  const ground = "endangers-sources-methods";
  const approval = buildDutyApproval(review.author, clock.now(), waived, "waive", ground);
  await load.post(review, [approval]);
  clock.set("2024-02-12T15:00:00Z");
  const salt = newSalt();
  const reasons = `${DUTY_SYNTHETIC_LABEL} The only source of the threat is placed inside the group; any warning would expose it.`;
  // The waiver's existence and ground are TLP:GREEN; its reasons are sealed.
  const waiver = buildWaiveDecision(source.author, { at: clock.now(), determination: waived, ground, reasons, sealWith: salt, approvals: [approval.id], tlp: "GREEN" });
  await load.post(source, [waiver]);
  clock.set("2024-02-20T09:00:00Z");
  await load.post(source, [buildDutyReveal(source.author, clock.now(), waiver.id, salt, reasons, [review.row.id])]);

  clock.set("2024-02-26T08:00:00Z");
  const undecided = buildDetermination(source.author, {
    at: clock.now(),
    threat: "serious-bodily-injury",
    intendedVictims: ["[SYNTHETIC] staff of a regional newspaper"],
    specificity: "identifiable",
    credibility: "medium",
    summary: DUTY_SYNTHETIC_LABEL,
    deadline: clock.now() + 24 * HOUR,
    reviewers: [review.row.id],
  });
  await load.post(source, [undecided]);
  await load.tickAt(utc("2024-02-27T08:01:00Z")); // the deadline passes undecided: the node escalates
  return { waived: waived.id, escalated: undecided.id };
}

/** The determination behind the 6 March warning, made the evening before; returns the link the warning must carry. */
export async function loadDemoDetermination(load: DemoLoad, source: DemoActor, review: DemoActor): Promise<{ determination: StixObject; link: SealedEvidence }> {
  const { clock } = load;
  clock.set("2024-03-05T18:00:00Z");
  const determination = buildDetermination(source.author, {
    at: clock.now(),
    threat: "intentional-killing",
    intendedVictims: ["concert-goers at large venues in the Moscow region; Crocus City Hall named among possible targets"],
    specificity: "identifiable",
    credibility: "high",
    summary: `${DUTY_DEMO_LABEL} Reporting from sources that cannot be named (see the sealed evidence of the warning).`,
    deadline: utc("2024-03-08T00:00:00Z"),
    reviewers: [review.row.id],
  });
  await load.post(source, [determination]);
  clock.set("2024-03-05T22:00:00Z");
  return { determination, link: determinationLink(determination) };
}

/** After the warnings are logged: the review office's approval and the warn decision, within the deadline. */
export async function loadDemoWarnDecision(
  load: DemoLoad,
  source: DemoActor,
  review: DemoActor,
  determination: StixObject,
  warnings: readonly { id: string; link: SealedEvidence }[],
): Promise<string> {
  const { clock } = load;
  clock.set("2024-03-07T18:10:00Z");
  const approval = buildDutyApproval(review.author, clock.now(), determination, "warn");
  await load.post(review, [approval]);
  clock.set("2024-03-07T18:20:00Z");
  const decision = buildWarnDecision(source.author, {
    at: clock.now(),
    determination,
    warnings,
    channel: "tocsin (to the FSB; the public advisory also as a CAP alert)",
    approvals: [approval.id],
  });
  await load.post(source, [decision]);
  return decision.id;
}
