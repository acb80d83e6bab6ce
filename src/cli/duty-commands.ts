import { ClientError } from "../client/client-error.js";
import { buildDetermination, buildDutyApproval, buildDutyPolicy, buildDutyReveal, buildWaiveDecision, buildWarnDecision, determinationLink } from "../client/duty-builders.js";
import { buildWarning, newSalt, sealEvidence } from "../client/record-builders.js";
import { utf8 } from "../core/crypto/bytes.js";
import { WAIVER_GROUNDS } from "../core/duty/index.js";
import { TLP_LEVELS } from "../core/tlp/index.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { SESSION_OPTIONS, openProfileSession, postedJson, postedLines } from "./party-session-options.js";
import { loadSeals, saveSeals, sealFiles } from "./sealed-evidence-file.js";
import { parseProbability, parseWhen } from "./time-arguments.js";
import { WARNING_FIELDS, deadlinesOf, severityOf, tlpOf } from "./warning-commands.js";

/*
 * The duty to warn (docs/duty-to-warn.md, ICD 191): a party records a determination, then discharges it
 * by warning (a sanitised warning that commits to the determination, and the warn decision) or by a
 * waiver on one ground of the closed list, with the approvals its policy requires. Each record is built
 * and signed here (a custodial party's by its node) and posted to the node of the profile.
 */

const THREATS = ["intentional-killing", "serious-bodily-injury", "kidnapping"] as const;
const SPECIFICITIES = ["identified", "identifiable"] as const;
const CREDIBILITIES = ["high", "medium", "low"] as const;
const GROUND_LIST = WAIVER_GROUNDS.map((g) => g.code).join(", ");

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ClientError("CLIENT_INPUT_INVALID", `${option} is one of ${allowed.join(", ")}`);
  return value as T;
}

function one(positionals: string[], command: string, what: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes one ${what} id`);
  return positionals[0]!;
}

/** `tocsin duty determine …`: a determination, with its deadline to warn or waive. */
export const dutyDetermineCommand = defineCommand(
  {
    name: "duty determine",
    summary: "Record a duty-to-warn determination: credible, specific information of a threat to people, with the deadline to warn or waive.",
    description:
      "The determination is TLP:RED by default: only you and the reviewers read it. Evidence files are sealed (only their salted SHA-256 is logged; salts kept under $TOCSIN_HOME/seals/).",
    options: {
      threat: { type: "string", value: "KIND", help: THREATS.join(", "), required: true },
      victim: { type: "string", value: "TEXT", multiple: true, help: "who is threatened (people, a group, a place)" },
      specificity: { type: "string", value: "S", help: SPECIFICITIES.join(", "), required: true },
      credibility: { type: "string", value: "C", help: CREDIBILITIES.join(", "), required: true },
      deadline: { type: "string", value: "WHEN", help: "by when you must warn or waive: a duration from now (2h) or an RFC 3339 time", required: true },
      reviewer: { type: "string", value: "SLUG", multiple: true, help: "a party that may read the determination (approver, oversight)" },
      summary: { type: "string", value: "TEXT", help: "what you know, in words (it stays under the determination's TLP)" },
      evidence: WARNING_FIELDS.evidence,
      tlp: { type: "string", value: "LEVEL", help: `the TLP marking (default RED): ${TLP_LEVELS.join(", ")}` },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values }, out) => {
    if (values.victim.length === 0) throw new UsageError("name the intended victims with --victim TEXT");
    const now = Date.now();
    const seals = sealFiles(values.evidence);
    const session = await openProfileSession(values.profile);
    const reviewers = await session.partyIds(values.reviewer);
    const tlp = tlpOf(values.tlp);
    const posted = await session.post(
      buildDetermination(session.author, {
        at: now,
        threat: oneOf(values.threat, THREATS, "--threat"),
        intendedVictims: values.victim,
        specificity: oneOf(values.specificity, SPECIFICITIES, "--specificity"),
        credibility: oneOf(values.credibility, CREDIBILITIES, "--credibility"),
        deadline: parseWhen(values.deadline, "--deadline", now),
        ...(values.summary ? { summary: values.summary } : {}),
        evidence: seals,
        reviewers,
        ...(tlp ? { tlp } : {}),
      }),
    );
    const sealsFile = seals.length ? saveSeals(posted.record.id, seals) : undefined;
    if (values.json) out(postedJson(posted, sealsFile ? { sealsFile } : {}));
    else out([`determination ${posted.record.id}: warn or waive by ${String(posted.record.deadline)}`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** `tocsin duty policy --warn-approver SLUG… --waive-approver SLUG…`. */
export const dutyPolicyCommand = defineCommand(
  {
    name: "duty policy",
    summary: "Set your duty-to-warn policy: whose approval your warn decisions and your waivers need (logged, TLP:CLEAR).",
    options: {
      "warn-approver": { type: "string", value: "SLUG", multiple: true, help: "a party whose approval every warn decision needs" },
      "waive-approver": { type: "string", value: "SLUG", multiple: true, help: "a party whose approval every waiver needs" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values }, out) => {
    const session = await openProfileSession(values.profile);
    const posted = await session.post(
      buildDutyPolicy(session.author, Date.now(), { warnApprovers: await session.partyIds(values["warn-approver"]), waiveApprovers: await session.partyIds(values["waive-approver"]) }),
    );
    if (values.json) out(postedJson(posted));
    else out([`duty-to-warn policy ${posted.record.id}`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** `tocsin duty approve DETERMINATION --decision warn|waive [--ground G]`. */
export const dutyApproveCommand = defineCommand(
  {
    name: "duty approve",
    summary: "Approve a decision on someone's determination: warn, or waive on one ground of ICD 191.",
    positionals: "DETERMINATION",
    options: {
      decision: { type: "string", value: "D", help: "warn or waive", required: true },
      ground: { type: "string", value: "GROUND", help: `for a waiver: ${GROUND_LIST}` },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = one(positionals, "duty approve", "DETERMINATION");
    const decision = oneOf(values.decision, ["warn", "waive"] as const, "--decision");
    if (decision === "waive" && values.ground === undefined) throw new UsageError(`a waiver names its --ground: ${GROUND_LIST}`);
    const session = await openProfileSession(values.profile);
    const determination = await session.client.record(id);
    const posted = await session.post(buildDutyApproval(session.author, Date.now(), determination, decision, values.ground));
    if (values.json) out(postedJson(posted));
    else out([`approval ${posted.record.id}: ${decision}${values.ground ? ` on ground ${values.ground}` : ""} for ${id}`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** `tocsin duty warn DETERMINATION --to SLUG… --name … --channel …`: the sanitised warning and the warn decision. */
export const dutyWarnCommand = defineCommand(
  {
    name: "duty warn",
    summary: "Discharge a determination by warning: issue a sanitised warning that commits to it, and log the warn decision with its approvals.",
    positionals: "DETERMINATION",
    description:
      "The warning says only what you write in it (sanitised: it protects sources); it carries a salted commitment to the determination's digest, whose salt goes into the warn decision, which only you and the reviewers read.",
    options: {
      to: { type: "string", value: "SLUG", multiple: true, help: "a recipient party (slug or identity id)" },
      name: { type: "string", value: "TEXT", help: "the warning's title", required: true },
      probability: { type: "string", value: "P", help: "the probability that the event happens in the window", required: true },
      "window-start": { type: "string", value: "WHEN", help: "the start of the window", default: "now" },
      ...WARNING_FIELDS,
      "window-end": { ...WARNING_FIELDS["window-end"], required: true },
      tlp: { type: "string", value: "LEVEL", help: `the warning's TLP marking: ${TLP_LEVELS.join(", ")}` },
      channel: { type: "string", value: "TEXT", help: "how the warning is delivered (tocsin, cap, phone, in person)", default: "tocsin" },
      approval: { type: "string", value: "ID", multiple: true, help: "an approval (x-tocsin-duty-approval id) the decision rests on" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = one(positionals, "duty warn", "DETERMINATION");
    if (values.to.length === 0) throw new UsageError("name at least one recipient with --to SLUG");
    const now = Date.now();
    const session = await openProfileSession(values.profile);
    const determination = await session.client.record(id);
    const link = determinationLink(determination);
    const tlp = tlpOf(values.tlp);
    const warning = await session.post(
      buildWarning(session.author, {
        at: now,
        name: values.name,
        ...(values.description ? { description: values.description } : {}),
        recipients: await session.partyIds(values.to),
        probability: parseProbability(values.probability),
        windowStart: parseWhen(values["window-start"], "--window-start", now),
        windowEnd: parseWhen(values["window-end"], "--window-end", now),
        severity: severityOf(values.severity) ?? "high",
        deadlines: deadlinesOf(values, now),
        ...(values.action.length ? { requestedActions: values.action } : {}),
        ...(tlp ? { tlp } : {}),
        commitments: [link, ...sealFiles(values.evidence, [link.id])],
      }),
    );
    const decision = await session.post(
      buildWarnDecision(session.author, { at: now, determination, warnings: [{ id: warning.record.id, link }], channel: values.channel, approvals: values.approval }),
    );
    if (values.json) out(JSON.stringify({ warning: JSON.parse(postedJson(warning)), decision: JSON.parse(postedJson(decision)) }, null, 2) + "\n");
    else
      out(
        [
          `warned: sanitised warning ${warning.record.id} to ${values.to.join(", ")}, delivered via ${values.channel}`,
          ...postedLines(session, warning),
          `decision ${decision.record.id}: warn on ${id}`,
          ...postedLines(session, decision),
        ].join("\n") + "\n",
      );
    return 0;
  },
);

/** `tocsin duty waive DETERMINATION --ground G --reasons TEXT [--sealed]`. */
export const dutyWaiveCommand = defineCommand(
  {
    name: "duty waive",
    summary: "Discharge a determination by a waiver citing one ground of ICD 191, with its approvals; --sealed logs only a commitment to the reasons.",
    positionals: "DETERMINATION",
    description: `Grounds: ${GROUND_LIST}. A sealed waiver's salt and reasons are kept under $TOCSIN_HOME/seals/ until tocsin duty reveal.`,
    options: {
      ground: { type: "string", value: "GROUND", help: "one ground of the closed list", required: true },
      reasons: { type: "string", value: "TEXT", help: "why, in words", required: true },
      sealed: { type: "boolean", help: "log only SHA-256(salt ‖ reasons); reveal them later to a reviewer" },
      approval: { type: "string", value: "ID", multiple: true, help: "an approval (x-tocsin-duty-approval id) the waiver rests on" },
      tlp: { type: "string", value: "LEVEL", help: `the waiver's TLP marking (default: the determination's): ${TLP_LEVELS.join(", ")}` },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = one(positionals, "duty waive", "DETERMINATION");
    const session = await openProfileSession(values.profile);
    const determination = await session.client.record(id);
    const salt = values.sealed ? newSalt() : undefined;
    const tlp = tlpOf(values.tlp);
    const posted = await session.post(
      buildWaiveDecision(session.author, {
        at: Date.now(),
        determination,
        ground: values.ground,
        reasons: values.reasons,
        ...(salt ? { sealWith: salt } : {}),
        approvals: values.approval,
        ...(tlp ? { tlp } : {}),
      }),
    );
    const sealsFile = salt ? saveSeals(posted.record.id, [{ ...sealEvidence(utf8.encode(values.reasons), { id: "reasons" }), salt }]) : undefined;
    if (values.json) out(postedJson(posted, sealsFile ? { sealsFile } : {}));
    else
      out(
        [
          `waived ${id} on ground ${values.ground}${salt ? " (reasons sealed)" : ""}: decision ${posted.record.id}`,
          ...postedLines(session, posted),
          ...(sealsFile ? [`  salt and reasons kept in ${sealsFile} until tocsin duty reveal`] : []),
        ].join("\n") + "\n",
      );
    return 0;
  },
);

/** `tocsin duty reveal DECISION --to SLUG…`: open a sealed waiver's reasons to reviewers. */
export const dutyRevealCommand = defineCommand(
  {
    name: "duty reveal",
    summary: "Reveal a sealed waiver's reasons to named reviewers (TLP:RED: only they and you read the reveal).",
    positionals: "DECISION",
    options: {
      to: { type: "string", value: "SLUG", multiple: true, help: "a reviewer" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = one(positionals, "duty reveal", "DECISION");
    if (values.to.length === 0) throw new UsageError("name at least one reviewer with --to SLUG");
    const sealed = loadSeals(id).find((s) => s.id === "reasons");
    if (!sealed) throw new ClientError("CLIENT_FILE_UNREADABLE", `no sealed reasons of ${id}`);
    const session = await openProfileSession(values.profile);
    const posted = await session.post(buildDutyReveal(session.author, Date.now(), id, sealed.salt, utf8.decode(sealed.evidence), await session.partyIds(values.to)));
    if (values.json) out(postedJson(posted));
    else out([`revealed the reasons of ${id} to ${values.to.join(", ")}`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** `tocsin duty status [DETERMINATION]`. */
export const dutyStatusCommand = defineCommand(
  {
    name: "duty status",
    summary: "Where your determinations (or one) stand: open, overdue, warned or waived; late, escalated; approvals, acknowledgements.",
    positionals: "[DETERMINATION]",
    options: SESSION_OPTIONS,
  },
  async ({ values, positionals }, out) => {
    if (positionals.length > 1) throw new UsageError("duty status takes at most one DETERMINATION id");
    const session = await openProfileSession(values.profile);
    const cases = positionals.length === 1 ? [await session.client.dutyCase(positionals[0]!)] : await session.client.dutyCases();
    if (values.json) out(JSON.stringify(positionals.length === 1 ? cases[0] : { determinations: cases }, null, 2) + "\n");
    else out(cases.length === 0 ? "no determinations\n" : cases.map((c) => describeCase(c as unknown as CaseJson)).join("\n") + "\n");
    return 0;
  },
);

interface CaseJson {
  id: string;
  state: string;
  deadline: string;
  late: boolean;
  escalatedAt?: string;
  decision?: { decision: string; decidedAt: string; ground?: string; sealed: boolean; channel?: string; approvals: { party: string }[]; warnings: { id: string; linkVerified: boolean; acknowledgements: { party: string; at: string }[] }[] };
}

function describeCase(c: CaseJson): string {
  const lines = [`${c.id}: ${c.state}${c.late ? " (late)" : ""}; deadline ${c.deadline}${c.escalatedAt ? `; escalated at ${c.escalatedAt}` : ""}`];
  const d = c.decision;
  if (d?.decision === "warn") {
    lines.push(`  warned at ${d.decidedAt} via ${d.channel}; approved by ${d.approvals.map((a) => a.party).join(", ") || "nobody"}`);
    for (const w of d.warnings) {
      lines.push(`  warning ${w.id}: link ${w.linkVerified ? "verified" : "DOES NOT VERIFY"}; ${w.acknowledgements.map((a) => `acknowledged by ${a.party} at ${a.at}`).join(", ") || "no acknowledgement you can see"}`);
    }
  } else if (d) lines.push(`  waived at ${d.decidedAt} on ground ${d.ground}${d.sealed ? " (sealed)" : ""}; approved by ${d.approvals.map((a) => a.party).join(", ") || "nobody"}`);
  return lines.join("\n");
}
