import { randomUUID } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import { toBase64 } from "../core/crypto/index.js";
import { WITNESS_ALARM_EXT, WITNESS_ALARM_TYPE, type StixObject } from "../core/record/index.js";
import { tlpMarkingId } from "../core/tlp/markings.js";
import { verifySplitView, type SplitView, type SplitViewEvidence } from "../core/witness/index.js";
import type { PartyRow, Store, WitnessAlarmRow } from "../store/store.js";
import type { Admission } from "./admission.js";
import type { Logger } from "./logger.js";

/** How the node met the checkpoint that completed the evidence. */
export interface AlarmDetection {
  readonly detectedBy: "witness" | "gossip";
  /** Where the second checkpoint came from (a peer's URL), when known. */
  readonly source?: string | undefined;
}

/** A logged (or about to be logged) witness alarm, as listed by GET /witness/alarms and `tocsin alarm list`. */
export interface WitnessAlarmView {
  readonly id: string;
  readonly origin: string;
  readonly detectedAt: string;
  /** Its index in this node's log; absent while it waits to be logged (a retry logs it). */
  readonly logIndex?: number;
  /** The alarm record (unsigned as built; the logged, signed copy is at /log/entries/{logIndex}). */
  readonly record: StixObject;
}

/** Where split views go once detected: the witness and the gossip both report to it. */
export interface SplitViewSink {
  raise(evidence: SplitViewEvidence, how: AlarmDetection): Promise<void>;
}

/**
 * Turns split-view evidence into a witness alarm: a signed record (x-tocsin-witness-alarm) in this
 * node's own log, by the node's party, carrying both signed checkpoints (and the consistency path) so
 * that anyone can check it offline (`tocsin alarm verify`). One alarm per fork: the fork is claimed in
 * the store first (atomically, across processes), then logged; a claim whose logging failed is logged
 * again, with the same record, at the next sighting. Being a logged record, the alarm reaches whatever
 * follows the log (a LogFollower on kind `witness-alarm`: the event stream's `witness-alarm` events).
 */
export class WitnessAlarms implements SplitViewSink {
  constructor(
    private readonly d: {
      readonly store: Store;
      readonly admission: Admission;
      /** The node's own party: it signs the alarms. */
      readonly node: PartyRow;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {}

  /** Logs the alarm for this evidence unless the fork was logged before; never throws (a failure is logged and retried later). */
  async raise(evidence: SplitViewEvidence, how: AlarmDetection): Promise<void> {
    try {
      await this.#raise(evidence, how);
    } catch (e) {
      this.d.logger.error({ err: e }, "witness alarm: could not log the alarm; it is logged at the next sighting of the fork");
    }
  }

  async #raise(evidence: SplitViewEvidence, how: AlarmDetection): Promise<void> {
    const view = verifySplitView(evidence);
    const existing = await this.d.store.witnessAlarm(view.forkKey);
    if (existing?.logIndex !== undefined) return;
    let row = existing;
    if (!row) {
      const at = rfc3339(this.d.clock.now());
      const record = alarmRecord(evidence, view, how, at, this.d.node.id);
      const claim = { forkKey: view.forkKey, origin: view.origin, recordId: record.id as string, body: JSON.stringify(record), detectedAt: at };
      await this.d.store.claimWitnessAlarm(claim);
      row = await this.d.store.witnessAlarm(view.forkKey);
      if (!row || row.logIndex !== undefined) return;
    }
    this.d.logger.error(
      { origin: view.origin, kind: view.kind, sizes: view.checkpoints.map((c) => c.size), detectedBy: how.detectedBy, source: how.source },
      "witness alarm: the log showed two histories (split view); the proof is logged",
    );
    const [admitted] = await this.d.admission.admit(this.d.node, [JSON.parse(row.body)]);
    await this.d.store.setWitnessAlarmIndex(row.forkKey, admitted!.index);
  }

  /**
   * Logs the alarms claimed but not logged (a process that died between the claim and the log):
   * called at start and at each gossip round. Admitting the same record again is idempotent (the
   * admission finds it by id if the first attempt did log it). Never throws.
   */
  async logPending(): Promise<void> {
    for (const row of await this.d.store.witnessAlarms().catch(() => [])) {
      if (row.logIndex !== undefined) continue;
      try {
        const [admitted] = await this.d.admission.admit(this.d.node, [JSON.parse(row.body)]);
        await this.d.store.setWitnessAlarmIndex(row.forkKey, admitted!.index);
      } catch (e) {
        this.d.logger.error({ err: e, alarm: row.recordId }, "witness alarm: could not log a pending alarm; retrying later");
      }
    }
  }

  async list(): Promise<WitnessAlarmView[]> {
    return (await this.d.store.witnessAlarms()).map(viewOf);
  }
}

function viewOf(r: WitnessAlarmRow): WitnessAlarmView {
  return { id: r.recordId, origin: r.origin, detectedAt: r.detectedAt, ...(r.logIndex !== undefined ? { logIndex: r.logIndex } : {}), record: JSON.parse(r.body) as StixObject };
}

/** The alarm record (docs/formats.md, witness alarm), unsigned: the admission signs it with the node's key. */
function alarmRecord(evidence: SplitViewEvidence, view: SplitView, how: AlarmDetection, at: string, nodeId: string): StixObject {
  return {
    type: WITNESS_ALARM_TYPE,
    spec_version: "2.1",
    id: `${WITNESS_ALARM_TYPE}--${randomUUID()}`,
    created: at,
    modified: at,
    created_by_ref: nodeId,
    // Evidence of a log's misbehaviour is for everyone.
    object_marking_refs: [tlpMarkingId("CLEAR")],
    log_origin: view.origin,
    log_key: evidence.logKey,
    evidence: view.kind,
    checkpoints: [...evidence.checkpoints],
    ...(view.kind === "inconsistent" ? { consistency_path: evidence.consistencyPath!.map(toBase64) } : {}),
    detected_by: how.detectedBy,
    ...(how.source !== undefined ? { source: how.source.slice(0, 2048) } : {}),
    detected_at: at,
    extensions: { [WITNESS_ALARM_EXT]: { extension_type: "new-sdo" } },
  };
}
