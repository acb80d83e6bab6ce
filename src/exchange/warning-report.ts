import { auditBundle, type AccountabilityBundle } from "../core/bundle/index.js";
import { reportInputFromBundle, type WarningReportInput } from "../core/report/index.js";
import { parseVerifierKey, type NoteVerifier } from "../core/note/index.js";
import type { RecipientRecord } from "../core/scoring/index.js";
import type { Reader } from "../core/tlp/index.js";
import { exportBundle, type BundleExportDeps } from "./bundle-export.js";
import { TrackRecords } from "./track-records.js";
import { WarningIndex } from "./warning-index.js";
import { WarningStates } from "./warning-states.js";
import { DutyReads, dutyLineOf } from "./duty-reads.js";

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
  options: { readonly logKey?: NoteVerifier | undefined } = {},
): Promise<{ bundle: AccountabilityBundle; input: WarningReportInput }> {
  const bundle = await exportBundle(d, reader, warningId, now);
  // The witnesses the node collected cosignatures from bound each record's log time ("logged no later
  // than T, per witnesses W1, W2"); no quorum is enforced here — an auditor enforces its own (tocsin audit --quorum).
  const witnesses = bundle.witnesses.flatMap((w) => {
    try {
      return [parseVerifierKey(w)];
    } catch {
      return [];
    }
  });
  const audit = auditBundle(bundle, { ...(options.logKey ? { logKey: options.logKey } : {}), ...(witnesses.length ? { witnessPolicy: { witnesses, quorum: 0 } } : {}) });
  const states = new WarningStates(d.store, bundle.log.node_party);
  const tracks = new TrackRecords(new WarningIndex({ store: d.store, nodeIdentity: bundle.log.node_party }), d.store, d.records);
  const state = (await states.get(warningId))!;
  const sourceRecord = await tracks.trackRecord(reader, await d.parties.require(state.author));
  const recipients = new Map<string, RecipientRecord>();
  for (const r of state.recipients) {
    const party = await d.parties.require(r.party);
    recipients.set(party.id, (await tracks.trackRecord(reader, party)).asRecipient.record);
  }
  const input = reportInputFromBundle(bundle, audit, {
    generatedAt: now.toISOString(),
    madeFrom: { kind: "node" },
    tracks: { source: sourceRecord.asSource.overall, recipients },
  });
  // The source's duty to warn: every determination of its the reader may see, and how each ended.
  const duty = new DutyReads(d.store, d.records);
  const cases = await duty.cases(reader, now.getTime(), state.author);
  const names = new Map((await d.store.listParties()).map((p) => [p.id, p.name]));
  const nameOf = (id: string): string => names.get(id) ?? id;
  const withDuty = cases.length === 0 && !input.duty
    ? input
    : { ...input, duty: { ...input.duty, source: { record: await duty.trackRecord(reader, state.author, now.getTime()), cases: cases.map((c) => dutyLineOf(c, nameOf)) } } };
  return { bundle, input: withDuty };
}
