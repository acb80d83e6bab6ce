import { auditBundle, type AccountabilityBundle } from "../core/bundle/index.js";
import type { WarningReportInput } from "../core/report/index.js";
import { tlpLevelOf, type Reader } from "../core/tlp/index.js";
import { exportBundle, type BundleExportDeps } from "./bundle-export.js";
import { TrackRecords } from "./track-records.js";
import { WarningStates } from "./warning-states.js";

/**
 * Gathers the "who knew what, when" report of one warning: its accountability bundle (audited here
 * exactly as `tocsin audit` would, so the report shows the verification status of the very bundle it
 * ships beside), the source's track record and each recipient's record, all as `reader` may see them.
 */
export async function gatherWarningReport(
  d: BundleExportDeps,
  reader: Reader,
  warningId: string,
  now: Date,
): Promise<{ bundle: AccountabilityBundle; input: WarningReportInput }> {
  const bundle = await exportBundle(d, reader, warningId, now);
  const audit = auditBundle(bundle);
  const warningObj = bundle.records.filter((r) => r.record.id === warningId).at(-1)!.record as Record<string, any>;
  const states = new WarningStates(d.store, bundle.log.node_party);
  const tracks = new TrackRecords(d.store, d.records, states);
  const state = (await states.get(warningId))!;
  const sourceParty = await d.parties.require(state.author);
  const sourceRecord = await tracks.trackRecord(reader, sourceParty);
  const recipients = [];
  for (const r of state.recipients) {
    const party = await d.parties.require(r.party);
    recipients.push({ id: party.id, name: party.name, record: (await tracks.trackRecord(reader, party)).asRecipient.record });
  }
  const markings = [...((warningObj.object_marking_refs as string[] | undefined) ?? [])];
  return {
    bundle,
    input: {
      audit,
      title: String(warningObj.name ?? warningId),
      tlp: `TLP:${tlpLevelOf(markings).level}`,
      source: { id: sourceParty.id, name: sourceParty.name, scores: sourceRecord.asSource.overall },
      recipients,
      generatedAt: now.toISOString(),
      verifyWith: `tocsin audit bundle.json --log-key ${bundle.log.verifier_key}`,
    },
  };
}
