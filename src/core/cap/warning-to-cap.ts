import { WARNING_EXT } from "../record/index.js";
import { tlpLevelOf, type TlpLevel } from "../tlp/index.js";
import type { CapAlert, CapInfo, CapStatus, CapValuePair } from "./cap-message.js";
import { addressList, certaintyOf, scopeOf, severityOf, urgencyOf } from "./cap-mapping.js";
import { alertIdentifier, cancelIdentifier, formatReference, type CapReference } from "./cap-references.js";
import { capTime } from "./cap-time.js";

type Obj = Record<string, any>;

/** A warning version as the CAP mapping reads it (src/core/cap/warning-to-cap.ts; docs/cap.md). */
export interface CapWarningFacts {
  readonly id: string;
  readonly modified: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly probability?: number | undefined;
  readonly severity?: string | undefined;
  readonly requestedActions: readonly string[];
  readonly recipients: readonly string[];
  readonly tlp: TlpLevel;
  readonly labels: readonly string[];
}

/** The facts of a signed warning version (a STIX report with Tocsin's warning extension). */
export function capFactsOfWarning(warning: Obj): CapWarningFacts {
  const ext = (warning.extensions?.[WARNING_EXT] ?? {}) as Obj;
  const markings = [...((warning.object_marking_refs as string[] | undefined) ?? [])];
  return {
    id: String(warning.id),
    modified: String(warning.modified),
    name: String(warning.name ?? ""),
    description: typeof warning.description === "string" ? warning.description : undefined,
    windowStart: Date.parse(String(ext.window_start)),
    windowEnd: Date.parse(String(ext.window_end)),
    probability: typeof ext.probability === "number" ? ext.probability : undefined,
    severity: typeof ext.severity === "string" ? ext.severity : undefined,
    requestedActions: Array.isArray(ext.requested_actions) ? ext.requested_actions.map(String) : [],
    recipients: Array.isArray(ext.recipient_refs) ? ext.recipient_refs.map(String) : [],
    tlp: tlpLevelOf(markings).level,
    labels: Array.isArray(warning.labels) ? warning.labels.map(String) : [],
  };
}

/**
 * Status: Actual, unless the author labelled the warning `exercise` or `test` (STIX `labels`), which
 * CAP carries as Exercise ("actual information for exercise participants only") or Test ("technical
 * testing only, all recipients disregard").
 */
export function capStatusOf(labels: readonly string[]): CapStatus {
  const l = new Set(labels.map((x) => x.toLowerCase()));
  if (l.has("exercise")) return "Exercise";
  if (l.has("test")) return "Test";
  return "Actual";
}

/** What the export of one warning knows besides the version itself. */
export interface CapExportContext {
  /** The author's STIX identity id (CAP `sender`: globally unique, no spaces or commas). */
  readonly sender: string;
  /** The author's name (CAP `senderName`). */
  readonly senderName: string;
  /** Every version's `modified`, oldest first (the exported one among them). */
  readonly versions: readonly string[];
  /** Set when the author withdrew the warning (deleted every version): the time of the last deletion. */
  readonly withdrawnAt?: number | undefined;
}

/** The extended identifier of the alert that carried one version. */
export function versionReference(sender: string, warningId: string, modified: string): CapReference {
  return { sender, identifier: alertIdentifier(warningId, modified), sent: capTime(Date.parse(modified)) };
}

/**
 * One warning version as a CAP 1.2 alert: the first version an Alert, a later one an Update that
 * references every earlier version's alert, a withdrawn warning a Cancel that references them all.
 * Pure: the caller gathers the versions and the withdrawal from the log. The mapping is docs/cap.md.
 */
export function capAlertOfWarning(version: CapWarningFacts, ctx: CapExportContext): CapAlert {
  const at = ctx.versions.indexOf(version.modified);
  const earlier = (ctx.withdrawnAt !== undefined ? ctx.versions : ctx.versions.slice(0, Math.max(at, 0))).map((m) => versionReference(ctx.sender, version.id, m));
  const status = capStatusOf(version.labels);
  const sentMs = ctx.withdrawnAt ?? Date.parse(version.modified);
  const { scope, restriction } = scopeOf(version.tlp);
  const addresses = [...new Set([ctx.sender, ...version.recipients])];
  const msgType = ctx.withdrawnAt !== undefined ? "Cancel" : earlier.length === 0 ? "Alert" : "Update";
  const notes: string[] = [];
  if (status === "Exercise") notes.push("Exercise: the warning is labelled exercise by its author.");
  if (msgType === "Cancel") notes.push("Withdrawn: the author deleted every version of this warning from the node (the log keeps each version and its deletion).");
  return {
    identifier: msgType === "Cancel" ? cancelIdentifier(version.id) : alertIdentifier(version.id, version.modified),
    sender: ctx.sender,
    sent: capTime(sentMs),
    status,
    msgType,
    source: "Tocsin",
    scope,
    ...(restriction !== undefined ? { restriction } : {}),
    addresses: addressList(addresses),
    codes: [`TLP:${version.tlp}`],
    ...(notes.length ? { note: notes.join(" ") } : {}),
    ...(earlier.length ? { references: earlier.map(formatReference).join(" ") } : {}),
    incidents: version.id,
    infos: [infoOf(version, ctx, sentMs, msgType === "Cancel")],
  };
}

function infoOf(v: CapWarningFacts, ctx: CapExportContext, sentMs: number, cancelled: boolean): CapInfo {
  const parameters: CapValuePair[] = [
    { valueName: "tocsin:warning", value: v.id },
    { valueName: "tocsin:version", value: v.modified },
    ...(v.probability !== undefined ? [{ valueName: "tocsin:probability", value: String(v.probability) }] : []),
    ...(v.severity !== undefined ? [{ valueName: "tocsin:severity", value: v.severity }] : []),
    { valueName: "tlp", value: v.tlp },
  ];
  const windowKnown = Number.isFinite(v.windowStart) && Number.isFinite(v.windowEnd);
  return {
    language: "en",
    categories: ["Security"],
    event: v.name,
    ...(cancelled ? { responseTypes: ["AllClear"] as const } : {}),
    urgency: cancelled ? "Past" : urgencyOf({ start: v.windowStart, end: v.windowEnd }, sentMs),
    severity: severityOf(v.severity),
    certainty: certaintyOf(v.probability),
    ...(windowKnown ? { onset: capTime(v.windowStart), expires: capTime(v.windowEnd) } : {}),
    senderName: ctx.senderName,
    headline: v.name,
    ...(v.description !== undefined && v.description !== "" ? { description: v.description } : {}),
    ...(v.requestedActions.length && !cancelled ? { instruction: v.requestedActions.join("\n") } : {}),
    parameters,
  };
}
