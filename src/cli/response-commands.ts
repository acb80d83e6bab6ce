import { ClientError } from "../client/client-error.js";
import { ACTION_STATUSES, OPINIONS, OUTCOMES, type ActionStatus, type Opinion, type Outcome } from "../core/lifecycle/index.js";
import { DISMISSING_OPINIONS } from "../core/scoring/recipient-record.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { SESSION_OPTIONS, openProfileSession, postedJson, postedLines } from "./party-session-options.js";
import { loadSeals } from "./sealed-evidence-file.js";
import { optionalWhen } from "./time-arguments.js";

/*
 * A recipient's answers to a warning (receipt, assessment, action), anyone's resolution, and the
 * source's reveal of sealed evidence: each built and signed here, posted to the node of the profile.
 */

function oneWarning(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes one WARNING id`);
  return positionals[0]!;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ClientError("CLIENT_INPUT_INVALID", `${option} is one of ${allowed.join(", ")}`);
  return value as T;
}

/** `tocsin receipt WARNING`: "we received exactly this version". */
export const receiptCommand = defineCommand(
  {
    name: "receipt",
    summary: "Acknowledge a warning addressed to you: a signed receipt naming its latest version and envelope digest.",
    positionals: "WARNING",
    options: SESSION_OPTIONS,
  },
  async ({ values, positionals }, out) => {
    const id = oneWarning(positionals, "receipt");
    const session = await openProfileSession(values.profile);
    const posted = await session.receipt(id);
    if (values.json) out(postedJson(posted));
    else out([`receipt for ${id}, version ${String(posted.record.warning_modified)} (envelope digest ${String(posted.record.envelope_digest)})`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** What each opinion says, in words: the STIX opinion scale read as an assessment of a warning. */
const OPINION_WORDS: Readonly<Record<Opinion, string>> = {
  "strongly-disagree": "we are confident it will not happen (a dismissal)",
  disagree: "we think it unlikely (a dismissal)",
  neutral: "we cannot judge it yet",
  agree: "we think it likely",
  "strongly-agree": "we are confident it will happen",
};

/** `tocsin assess WARNING --opinion WORD --explanation TEXT`. */
export const assessCommand = defineCommand(
  {
    name: "assess",
    summary: "Record your assessment of a warning on the opinion scale; disagree and strongly-disagree count as dismissing it.",
    positionals: "WARNING",
    description: `The scale (STIX opinion): ${OPINIONS.map((o) => `${o} — ${OPINION_WORDS[o]}`).join("; ")}. A later assessment revises the opinion; every one stays in the log. A dismissal of a warning that then materializes is on your track record.`,
    options: {
      opinion: { type: "string", value: "WORD", help: OPINIONS.join(", "), required: true },
      explanation: { type: "string", value: "TEXT", help: "why, in words", required: true },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = oneWarning(positionals, "assess");
    const opinion = oneOf(values.opinion, OPINIONS, "--opinion");
    const session = await openProfileSession(values.profile);
    const posted = await session.assess(id, opinion, values.explanation);
    const dismissal = DISMISSING_OPINIONS.includes(opinion);
    if (values.json) out(postedJson(posted, { dismissal }));
    else out([`assessed ${id}: ${opinion} — ${OPINION_WORDS[opinion]}`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** `tocsin act WARNING --name TEXT --status STATUS [--deadline WHEN]`. */
export const actCommand = defineCommand(
  {
    name: "act",
    summary: "Record an action you take on a warning: planned, in-progress, done or declined.",
    positionals: "WARNING",
    options: {
      name: { type: "string", value: "TEXT", help: "the action, in words", required: true },
      status: { type: "string", value: "STATUS", help: ACTION_STATUSES.join(", "), default: "done" },
      deadline: { type: "string", value: "WHEN", help: "when you will have done it: a duration from now (2h) or an RFC 3339 time" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = oneWarning(positionals, "act");
    const status: ActionStatus = oneOf(values.status, ACTION_STATUSES, "--status");
    const deadline = optionalWhen(values.deadline, "--deadline", Date.now());
    const session = await openProfileSession(values.profile);
    const posted = await session.act(id, { name: values.name, status, ...(deadline !== undefined ? { deadline } : {}) });
    if (values.json) out(postedJson(posted));
    else out([`action on ${id}: ${values.name} (${status})`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** `tocsin resolve WARNING --outcome OUTCOME --content TEXT [--event-time WHEN]`. */
export const resolveCommand = defineCommand(
  {
    name: "resolve",
    summary: "State a warning's outcome (materialized, prevented, did-not-materialize, unknown): the author, a recipient or an arbiter may.",
    positionals: "WARNING",
    options: {
      outcome: { type: "string", value: "OUTCOME", help: OUTCOMES.join(", "), required: true },
      content: { type: "string", value: "TEXT", help: "what happened, in words", required: true },
      "event-time": { type: "string", value: "WHEN", help: "when the event happened (required for materialized): an RFC 3339 time, or a duration back from now (--event-time=-30m)" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = oneWarning(positionals, "resolve");
    const outcome: Outcome = oneOf(values.outcome, OUTCOMES, "--outcome");
    const eventTime = optionalWhen(values["event-time"], "--event-time", Date.now());
    if (outcome === "materialized" && eventTime === undefined) throw new UsageError("--outcome materialized needs --event-time");
    const session = await openProfileSession(values.profile);
    const posted = await session.resolve(id, { outcome, content: values.content, ...(eventTime !== undefined ? { eventTime } : {}) });
    if (values.json) out(postedJson(posted));
    else out([`resolved ${id}: ${outcome}`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);

/** `tocsin reveal WARNING [--commitment ID]…`: opens the evidence sealed by tocsin warn. */
export const revealCommand = defineCommand(
  {
    name: "reveal",
    summary: "Open the evidence your warning sealed (all of it, or the commitments named): the salt and evidence kept by tocsin warn.",
    positionals: "WARNING",
    options: {
      commitment: { type: "string", value: "ID", multiple: true, help: "a commitment to open (default: every one kept for the warning)" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    const id = oneWarning(positionals, "reveal");
    const seals = loadSeals(id);
    const chosen = values.commitment.length ? seals.filter((s) => values.commitment.includes(s.id)) : seals;
    const missing = values.commitment.filter((c) => !seals.some((s) => s.id === c));
    if (missing.length) throw new UsageError(`no sealed evidence ${missing.join(", ")} kept for ${id} (kept: ${seals.map((s) => s.id).join(", ")})`);
    const session = await openProfileSession(values.profile);
    const revealed = [];
    for (const s of chosen) revealed.push(await session.reveal(id, s));
    if (values.json) out(JSON.stringify(revealed.map((p) => ({ ...p.admitted, record: p.record })), null, 2) + "\n");
    else out(revealed.flatMap((p, i) => [`revealed ${chosen[i]!.id} of ${id} (${chosen[i]!.evidence.length} bytes)`, ...postedLines(session, p)]).join("\n") + "\n");
    return 0;
  },
);
