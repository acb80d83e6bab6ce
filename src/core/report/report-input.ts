import { dutyLineFromAudit, type DutySection } from "./duty-section.js";
import type { AccountabilityBundle, BundleAudit } from "../bundle/index.js";
import type { RecipientRecord, ScoreSet } from "../scoring/index.js";
import { tlpLevelOf } from "../tlp/index.js";
import { warningVersions, type WarningVersion } from "./warning-versions.js";

/** Paper sizes the PDF is laid out for (CSS @page). */
export const PAPER_SIZES = ["A4", "Letter"] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

/** Everything the "who knew what, when" report shows. */
export interface WarningReportInput {
  readonly audit: BundleAudit;
  /** The warning's latest version's title. */
  readonly title: string;
  readonly tlp: string;
  /** Every version of the warning the bundle holds, oldest first: what it asked and what changed. */
  readonly versions: readonly WarningVersion[];
  /** The source; its scores only when the report was made on the node (a bundle carries no track record). */
  readonly source: { readonly id: string; readonly name: string; readonly scores?: ScoreSet | undefined };
  readonly recipients: readonly { readonly id: string; readonly name: string; readonly record?: RecipientRecord | undefined }[];
  readonly generatedAt: string;
  /** The log's name (its checkpoints' origin): whose published key the reader pins. */
  readonly logName: string;
  /** Made on the node (its database, track records included), or from a bundle file alone. */
  readonly madeFrom: { readonly kind: "node" } | { readonly kind: "bundle"; readonly file: string };
  /** The duty to warn: the determination this warning discharged (from the bundle) and the source's others (node only). */
  readonly duty?: DutySection;
}

type Obj = Record<string, any>;

/**
 * The report's input from an accountability bundle and its audit alone: the warning's versions, its
 * source and recipients named as the bundle's parties name them. Track records are the node's to add
 * (`tracks`); without them the report says they are not in a bundle.
 */
export function reportInputFromBundle(
  bundle: AccountabilityBundle,
  audit: BundleAudit,
  options: {
    readonly generatedAt: string;
    readonly madeFrom: WarningReportInput["madeFrom"];
    readonly tracks?: { readonly source: ScoreSet; readonly recipients: ReadonlyMap<string, RecipientRecord> } | undefined;
  },
): WarningReportInput {
  const names = new Map<string, string>();
  for (const p of bundle.parties as Obj[]) if (typeof p.id === "string" && typeof p.name === "string") names.set(p.id, p.name);
  const name = (id: string): string => names.get(id) ?? id;
  const records = bundle.records.map((r) => r.record);
  const versions = warningVersions(records, bundle.warning, name);
  const latest = (records.filter((r) => (r as Obj).id === bundle.warning).at(-1) ?? {}) as Obj;
  const sourceId = typeof latest.created_by_ref === "string" ? latest.created_by_ref : "unknown";
  const markings = Array.isArray(latest.object_marking_refs) ? (latest.object_marking_refs as unknown[]).filter((m): m is string => typeof m === "string") : [];
  // Everyone any version addressed: a recipient dropped by a revision was still warned before it.
  const recipientIds = [...new Set(versions.flatMap((v) => v.recipients))];
  return {
    audit,
    title: versions.at(-1)?.title || bundle.warning,
    tlp: `TLP:${tlpLevelOf(markings).level}`,
    versions,
    source: { id: sourceId, name: name(sourceId), scores: options.tracks?.source },
    recipients: recipientIds.map((id) => ({ id, name: name(id), record: options.tracks?.recipients.get(id) })),
    generatedAt: options.generatedAt,
    logName: bundle.log.verifier_key.split("+")[0] ?? "",
    madeFrom: options.madeFrom,
    ...(audit.duty ? { duty: { thisWarning: dutyLineFromAudit(audit.duty, audit.timeline, name) } } : {}),
  };
}
