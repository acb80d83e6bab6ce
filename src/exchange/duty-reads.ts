import { rfc3339 } from "../core/clock.js";
import { dutyStatus, dutyTrackRecord, linkOpens, reasonsOpen, waiverGround, type DutyTrackRecord } from "../core/duty/index.js";
import type { Reader } from "../core/tlp/index.js";
import type { Store, StoredRecord } from "../store/store.js";
import { DutyError } from "../core/duty/index.js";
import { DutyLedger, type DutyCaseRecords } from "./duty-ledger.js";
import type { RecordReader } from "./record-reader.js";
import { CAP_ACK_SOURCE } from "../core/cap/index.js";
import type { DutyCaseLine } from "../core/report/index.js";
import { DISMISSING_OPINIONS } from "../core/scoring/recipient-record.js";

/** A warning a warn decision names, as the reader may see what followed it. */
export interface DutyWarningView {
  readonly id: string;
  /** When the warning's first version was logged (undefined: not on this node). */
  readonly issuedAt: string | undefined;
  /** The warning's commitment opens to the determination's digest with the decision's salt (recomputed now). */
  readonly linkVerified: boolean;
  /** Receipts of the warning: who acknowledged it, when it was logged. (A CAP Ack imported as a receipt is one too.) */
  readonly acknowledgements: readonly { party: string; at: string; via: "cap-ack" | "receipt" }[];
  /** Assessments of the warning: what each recipient made of it. */
  readonly assessments: readonly { party: string; opinion: string; at: string }[];
}

/** One determination and what followed, as one reader may see it (a case is shown only if its determination is readable). */
export interface DutyCaseView {
  readonly id: string;
  readonly author: string;
  readonly determinedAt: string;
  readonly deadline: string;
  readonly threat: string;
  readonly specificity: string;
  readonly credibility: string;
  readonly intendedVictims: readonly string[];
  readonly reviewers: readonly string[];
  readonly state: "open" | "overdue" | "warned" | "waived";
  readonly late: boolean;
  readonly escalatedAt?: string;
  readonly decision?: {
    readonly id: string;
    readonly decision: "warn" | "waive";
    readonly decidedAt: string;
    readonly channel?: string;
    readonly warnings: readonly DutyWarningView[];
    readonly ground?: string;
    readonly groundLabel?: string;
    readonly sealed: boolean;
    readonly reasons?: string;
    readonly approvals: readonly { id: string; party: string; at: string }[];
  };
  readonly reveals: readonly { id: string; at: string; reviewers: readonly string[]; reasons: string; opens: boolean }[];
  /** Every record of the case the reader may see, in log order (for proofs and bundles). */
  readonly records: readonly { id: string; kind: string; index: number }[];
}

/**
 * The read side of the duty to warn: each determination with its decision, approvals, escalation and
 * reveals, the warnings it led to and their acknowledgements, and a party's duty-to-warn track record —
 * all under TLP: a reader sees a case only if it may read the determination, and within it only the
 * records it may read.
 */
export class DutyReads {
  readonly #ledger: DutyLedger;

  constructor(
    private readonly store: Store,
    private readonly records: RecordReader,
  ) {
    this.#ledger = new DutyLedger(store);
  }

  async #visibleCases(reader: Reader): Promise<{ c: DutyCaseRecords; visible: Set<StoredRecord> }[]> {
    const fold = await this.#ledger.fold();
    const relations = await this.records.relations();
    const out: { c: DutyCaseRecords; visible: Set<StoredRecord> }[] = [];
    for (const c of fold.cases.values()) {
      const visible = new Set((await this.records.visible(reader, c.records, relations)).map((v) => v.record));
      const latest = c.records.filter((r) => r.kind === "determination").at(-1)!;
      if (visible.has(latest)) out.push({ c, visible });
    }
    return out;
  }

  /** The determinations the reader may see, each with its status. */
  async cases(reader: Reader, now: number, author?: string): Promise<DutyCaseView[]> {
    const out: DutyCaseView[] = [];
    for (const { c, visible } of await this.#visibleCases(reader)) {
      if (author !== undefined && c.case.determination.author !== author) continue;
      out.push(await this.#view(reader, c, visible, now));
    }
    return out;
  }

  /** One determination (DUTY_DETERMINATION_NOT_FOUND when the reader may not see it). */
  async case(reader: Reader, id: string, now: number): Promise<DutyCaseView> {
    const found = (await this.#visibleCases(reader)).find((x) => x.c.case.determination.id === id);
    if (!found) throw new DutyError("DUTY_DETERMINATION_NOT_FOUND", `no determination ${id}`);
    return this.#view(reader, found.c, found.visible, now);
  }

  /** The determination a warning discharged, if the reader may see it (for the warning's report). */
  async caseOfWarning(reader: Reader, warningId: string, now: number): Promise<DutyCaseView | undefined> {
    for (const { c, visible } of await this.#visibleCases(reader)) {
      const d = c.case.decision;
      if (d?.decision === "warn" && d.warnings.includes(warningId) && [...visible].some((r) => r.id === d.id)) return this.#view(reader, c, visible, now);
    }
    return undefined;
  }

  /** A party's duty-to-warn record over the determinations the reader may see. */
  async trackRecord(reader: Reader, party: string, now: number): Promise<DutyTrackRecord> {
    const mine = (await this.#visibleCases(reader)).filter((x) => x.c.case.determination.author === party);
    return dutyTrackRecord(
      mine.map((x) => x.c.case),
      now,
    );
  }

  async #view(reader: Reader, c: DutyCaseRecords, visible: Set<StoredRecord>, now: number): Promise<DutyCaseView> {
    const k = c.case;
    const seen = new Set([...visible].map((r) => r.id));
    const status = dutyStatus(k, now);
    const at = (ms: number) => rfc3339(ms);
    const d = k.decision && seen.has(k.decision.id) ? k.decision : undefined;
    const escalation = k.escalations.find((e) => seen.has(e.id));
    const view: DutyCaseView = {
      id: k.determination.id,
      author: k.determination.author,
      determinedAt: c.records[0]!.loggedAt,
      deadline: at(k.determination.deadline),
      threat: k.determination.threat,
      specificity: k.determination.specificity,
      credibility: k.determination.credibility,
      intendedVictims: k.determination.intendedVictims,
      reviewers: k.determination.reviewers,
      state: status.state,
      late: status.late,
      ...(escalation ? { escalatedAt: at(escalation.loggedAt) } : {}),
      ...(d
        ? {
            decision: {
              id: d.id,
              decision: d.decision,
              decidedAt: at(d.loggedAt),
              ...(d.channel !== undefined ? { channel: d.channel } : {}),
              warnings: d.decision === "warn" ? await Promise.all(d.links.map((l) => this.#warningView(reader, l.warning, l.commitmentId, l.salt, k.determination.digest))) : [],
              ...(d.ground !== undefined ? { ground: d.ground, groundLabel: waiverGround(d.ground)?.label ?? d.ground } : {}),
              sealed: d.sealedReasons !== undefined,
              ...(d.reasons !== undefined ? { reasons: d.reasons } : {}),
              approvals: k.approvals.filter((a) => d.approvals.includes(a.id)).map((a) => ({ id: a.id, party: a.author, at: at(a.loggedAt) })),
            },
          }
        : {}),
      reveals: k.reveals
        .filter((r) => seen.has(r.id))
        .map((r) => ({ id: r.id, at: at(r.loggedAt), reviewers: r.reviewers, reasons: r.reasons, opens: d?.sealedReasons !== undefined && reasonsOpen(d.sealedReasons, r.salt, r.reasons) })),
      records: c.records.filter((r) => visible.has(r)).map((r) => ({ id: r.id, kind: r.kind, index: r.logIndex })),
    };
    return view;
  }

  async #warningView(reader: Reader, warningId: string, commitmentId: string, salt: Uint8Array, determinationDigest: string): Promise<DutyWarningView> {
    const w = await this.#ledger.warningCommitments(warningId);
    const committed = w?.commitments.get(commitmentId);
    const about = await this.records.visible(reader, await this.store.recordsAbout(warningId));
    const acknowledgements = about
      .filter((v) => v.record.kind === "receipt")
      .map((v) => ({ party: v.record.author, at: v.record.loggedAt, via: viaOf(v.record) }));
    const assessments = about
      .filter((v) => v.record.kind === "assessment")
      .map((v) => ({ party: v.record.author, opinion: String((JSON.parse(v.record.body) as { opinion?: unknown }).opinion), at: v.record.loggedAt }));
    const issuedAt = (await this.store.recordVersions(warningId)).find((v) => v.kind === "warning")?.loggedAt;
    return { id: warningId, issuedAt, linkVerified: committed !== undefined && linkOpens(committed, salt, determinationDigest), acknowledgements, assessments };
  }
}

/** How an acknowledgement came: a CAP 1.2 Ack imported as the receipt (the cap import marks it), or a receipt. */
function viaOf(r: StoredRecord): "cap-ack" | "receipt" {
  const refs = (JSON.parse(r.body) as { external_references?: { source_name?: unknown }[] }).external_references ?? [];
  return refs.some((x) => x.source_name === CAP_ACK_SOURCE) ? "cap-ack" : "receipt";
}

/** A case as the report states it (src/core/report/duty-section.ts), parties named. */
export function dutyLineOf(v: DutyCaseView, nameOf: (id: string) => string): DutyCaseLine {
  const d = v.decision;
  if (!d) return { determinedAt: v.determinedAt, deadline: v.deadline, outcome: { kind: "undecided", escalatedAt: v.escalatedAt } };
  const approvers = d.approvals.map((a) => nameOf(a.party));
  if (d.decision === "waive") {
    return {
      determinedAt: v.determinedAt,
      deadline: v.deadline,
      outcome: { kind: "waive", at: d.decidedAt, late: v.late, ground: d.ground ?? "", groundLabel: d.groundLabel ?? "", approvers, sealed: d.sealed, revealedTo: v.reveals.filter((r) => r.opens).flatMap((r) => r.reviewers.map(nameOf)) },
    };
  }
  return {
    determinedAt: v.determinedAt,
    deadline: v.deadline,
    outcome: {
      kind: "warn",
      at: d.warnings.map((w) => w.issuedAt).filter((x): x is string => x !== undefined).sort()[0] ?? d.decidedAt,
      decidedAt: d.decidedAt,
      late: v.late,
      channel: d.channel ?? "",
      approvers,
      acknowledgements: d.warnings.flatMap((w) => w.acknowledgements.map((a) => ({ by: nameOf(a.party), at: a.at, ...(a.via === "cap-ack" ? { capAck: true } : {}) }))),
      dismissedBy: [...new Set(d.warnings.flatMap((w) => w.assessments.filter((a) => DISMISSING_OPINIONS.includes(a.opinion as never)).map((a) => nameOf(a.party))))],
      linkVerified: d.warnings.every((w) => w.linkVerified),
    },
  };
}
