import { ClientError } from "../client/client-error.js";
import type { WarningChanges } from "../client/record-builders.js";
import { WARNING_EXT } from "../core/record/index.js";
import { TLP_LEVELS, type TlpLevel } from "../core/tlp/index.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { SESSION_OPTIONS, openProfileSession, postedJson, postedLines } from "./party-session-options.js";
import { saveSeals, sealFiles } from "./sealed-evidence-file.js";
import { optionalWhen, parseProbability, parseWhen } from "./time-arguments.js";

const SEVERITIES = ["low", "medium", "high", "critical"] as const;
type Severity = (typeof SEVERITIES)[number];

const WHEN = "a duration from now (2h, 90m, 1d12h) or an RFC 3339 time";

/** The options a warning and its revisions share. */
export const WARNING_FIELDS = {
  description: { type: "string", value: "TEXT", help: "what is expected, in words" },
  "window-end": { type: "string", value: "WHEN", help: `the end of the window the event is expected in: ${WHEN}` },
  severity: { type: "string", value: "LEVEL", help: "low, medium, high or critical" },
  action: { type: "string", value: "TEXT", multiple: true, help: "an action you ask the recipients to take" },
  "receipt-by": { type: "string", value: "WHEN", help: `deadline for the recipients' receipt: ${WHEN}` },
  "assessment-by": { type: "string", value: "WHEN", help: `deadline for their assessment: ${WHEN}` },
  "action-by": { type: "string", value: "WHEN", help: `deadline for their action: ${WHEN}` },
  evidence: { type: "string", value: "FILE", multiple: true, help: "seal this file as evidence: only its salted SHA-256 is published now; tocsin reveal opens it later" },
} as const;

export function severityOf(s: string | undefined): Severity | undefined {
  if (s === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(s)) throw new ClientError("CLIENT_INPUT_INVALID", `--severity is one of ${SEVERITIES.join(", ")}`);
  return s as Severity;
}

export function tlpOf(s: string | undefined): TlpLevel | undefined {
  if (s === undefined) return undefined;
  const level = s.toUpperCase().replace(/^TLP:/, "");
  if (!(TLP_LEVELS as readonly string[]).includes(level)) throw new ClientError("CLIENT_INPUT_INVALID", `--tlp is one of ${TLP_LEVELS.join(", ")}`);
  return level as TlpLevel;
}

export function deadlinesOf(values: { "receipt-by": string | undefined; "assessment-by": string | undefined; "action-by": string | undefined }, now: number) {
  const receipt = optionalWhen(values["receipt-by"], "--receipt-by", now);
  const assessment = optionalWhen(values["assessment-by"], "--assessment-by", now);
  const action = optionalWhen(values["action-by"], "--action-by", now);
  return { ...(receipt !== undefined ? { receipt } : {}), ...(assessment !== undefined ? { assessment } : {}), ...(action !== undefined ? { action } : {}) };
}

/** `tocsin warn --to SLUG… --name TEXT --probability P --window-end WHEN …`: issues a signed warning. */
export const warnCommand = defineCommand(
  {
    name: "warn",
    summary: "Issue a warning to recipients: probability, window, severity, requested actions, deadlines, sealed evidence; signed with your key.",
    description:
      "Deadlines and window bounds are durations from now (2h, 90m, 1d12h) or RFC 3339 times. Sealed evidence files are kept (salt and copy) under $TOCSIN_HOME/seals/ until tocsin reveal. A custodial party's warning is signed by the node.",
    options: {
      to: { type: "string", value: "SLUG", multiple: true, help: "a recipient party (slug or identity id)" },
      name: { type: "string", value: "TEXT", help: "the warning's title", required: true },
      probability: { type: "string", value: "P", help: "the probability that the event happens in the window (0.7 or 70%)", required: true },
      "window-start": { type: "string", value: "WHEN", help: `the start of the window: ${WHEN}`, default: "now" },
      ...WARNING_FIELDS,
      "window-end": { ...WARNING_FIELDS["window-end"], required: true },
      tlp: { type: "string", value: "LEVEL", help: `the TLP marking: ${TLP_LEVELS.join(", ")} (unmarked counts as AMBER+STRICT)` },
      arbiter: { type: "string", value: "SLUG", multiple: true, help: "a party that may resolve the warning besides you and the recipients" },
      quiet: { type: "boolean", help: "print only the warning's id" },
      ...SESSION_OPTIONS,
    },
  },
  async ({ values }, out) => {
    if (values.to.length === 0) throw new UsageError("name at least one recipient with --to SLUG");
    const now = Date.now();
    const input = {
      name: values.name,
      ...(values.description ? { description: values.description } : {}),
      recipients: values.to,
      probability: parseProbability(values.probability),
      windowStart: parseWhen(values["window-start"], "--window-start", now),
      windowEnd: parseWhen(values["window-end"], "--window-end", now),
      severity: severityOf(values.severity) ?? "high",
      deadlines: deadlinesOf(values, now),
      ...(values.action.length ? { requestedActions: values.action } : {}),
      ...(values.arbiter.length ? { arbiters: values.arbiter } : {}),
    };
    const tlp = tlpOf(values.tlp);
    const seals = sealFiles(values.evidence);
    const session = await openProfileSession(values.profile);
    const posted = await session.warn({ ...input, ...(tlp ? { tlp } : {}), commitments: seals, at: now });
    const sealsFile = seals.length ? saveSeals(posted.record.id, seals) : undefined;
    if (values.quiet) out(`${posted.record.id}\n`);
    else if (values.json) out(postedJson(posted, sealsFile ? { sealsFile } : {}));
    else {
      out(
        [
          `issued warning ${posted.record.id} (version ${posted.record.modified})`,
          `  to ${values.to.join(", ")}; p = ${input.probability}, window ${new Date(input.windowStart).toISOString()} – ${new Date(input.windowEnd).toISOString()}, severity ${input.severity}`,
          ...postedLines(session, posted),
          ...(sealsFile ? [`  sealed evidence ${seals.map((s) => s.id).join(", ")}: salts kept in ${sealsFile} until tocsin reveal`] : []),
        ].join("\n") + "\n",
      );
    }
    return 0;
  },
);

/** `tocsin warning revise WARNING [changes…]`: a new version of your warning, signed anew. */
export const warningReviseCommand = defineCommand(
  {
    name: "warning revise",
    summary: "Issue a new version of your warning (a later modified time): change the probability, window, deadlines, actions; add recipients or evidence.",
    positionals: "WARNING",
    description: "Options absent keep the previous version's value. Recipients can be added, never dropped. Recipients owe a receipt for each new version.",
    options: {
      to: { type: "string", value: "SLUG", multiple: true, help: "a recipient to add" },
      name: { type: "string", value: "TEXT", help: "a new title" },
      probability: { type: "string", value: "P", help: "a new probability (0.7 or 70%)" },
      "window-start": { type: "string", value: "WHEN", help: `a new start of the window: ${WHEN}` },
      ...WARNING_FIELDS,
      ...SESSION_OPTIONS,
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("warning revise takes one WARNING id");
    const now = Date.now();
    const deadlines = deadlinesOf(values, now);
    const severity = severityOf(values.severity);
    const windowStart = optionalWhen(values["window-start"], "--window-start", now);
    const windowEnd = optionalWhen(values["window-end"], "--window-end", now);
    const session = await openProfileSession(values.profile);
    const previous = await session.client.record(positionals[0]!);
    const sealed = (previous.extensions?.[WARNING_EXT] as { commitments?: { commitment_id: string }[] } | undefined)?.commitments ?? [];
    const seals = sealFiles(values.evidence, sealed.map((c) => c.commitment_id));
    const changes: WarningChanges = {
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.description !== undefined ? { description: values.description } : {}),
      ...(values.to.length ? { addRecipients: values.to } : {}),
      ...(values.probability !== undefined ? { probability: parseProbability(values.probability) } : {}),
      ...(windowStart !== undefined ? { windowStart } : {}),
      ...(windowEnd !== undefined ? { windowEnd } : {}),
      ...(severity ? { severity } : {}),
      ...(Object.keys(deadlines).length ? { deadlines } : {}),
      ...(values.action.length ? { requestedActions: values.action } : {}),
      ...(seals.length ? { commitments: seals } : {}),
    };
    if (Object.keys(changes).length === 0) throw new UsageError("name at least one change");
    const posted = await session.revise(positionals[0]!, changes, now);
    const sealsFile = seals.length ? saveSeals(posted.record.id, seals) : undefined;
    if (values.json) out(postedJson(posted, sealsFile ? { sealsFile } : {}));
    else out([`revised warning ${posted.record.id}: version ${posted.record.modified} (was ${previous.modified})`, ...postedLines(session, posted)].join("\n") + "\n");
    return 0;
  },
);
