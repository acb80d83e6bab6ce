import { buildReceipt } from "../client/record-builders.js";
import type { Clock } from "../core/clock.js";
import { toHex } from "../core/crypto/bytes.js";
import { sha256 } from "../core/crypto/sha256.js";
import {
  CAP_ACK_SOURCE,
  CapError,
  capAlertOfWarning,
  capAlertXml,
  capFactsOfWarning,
  formatReference,
  parseAlertIdentifier,
  parseCapTime,
  parseReferences,
  type CapHeader,
} from "../core/cap/index.js";
import { decodeRecordLeaf, type StixObject } from "../core/record/index.js";
import { partyReader, tlpLevelOf, type Reader } from "../core/tlp/index.js";
import type { PartyRow, Store, StoredRecord } from "../store/store.js";
import type { Admission, Admitted } from "./admission.js";
import { ExchangeError } from "./exchange-errors.js";
import type { PartyDirectory } from "./party-directory.js";
import type { RecordReader } from "./record-reader.js";
import { readCapMessage } from "./cap-xml-reader.js";

/** A CAP Ack, imported: the Ack's own extended identifier and the receipts it became. */
export interface ImportedAck {
  readonly ack: string;
  readonly receipts: readonly Admitted[];
}

/**
 * Warnings for alerting systems (OASIS CAP 1.2, docs/cap.md): a warning version exported as a CAP
 * alert, and a CAP Ack from a custodial party imported as that party's receipt, signed by the node as
 * every custodial record is and admitted like any other (lifecycle rules, log). TLP applies to both.
 */
export class CapExchange {
  constructor(
    private readonly d: {
      readonly store: Store;
      readonly parties: PartyDirectory;
      readonly records: RecordReader;
      readonly admission: Admission;
      readonly clock: Clock;
    },
  ) {}

  /**
   * The CAP alert of a warning as `reader` may see it: the version named (default the latest) as an
   * Alert or Update; a warning its author withdrew (every version deleted) as a Cancel, unless a
   * version is named. RECORD_NOT_FOUND when the warning is unknown, not a warning, or not readable.
   */
  async alertXml(reader: Reader, warningId: string, version?: string): Promise<string> {
    const named = await this.d.records.get(reader, warningId, version);
    if (named.kind !== "warning") throw new ExchangeError("RECORD_NOT_FOUND", `${warningId} is not a warning`);
    const all = (await this.d.store.recordVersions(warningId)).filter((v) => v.kind === "warning");
    // Earlier versions are referenced only if the reader may read them (a recipient added late does not
    // learn from the references when the versions it was not sent were issued).
    const readable: StoredRecord[] = [];
    for (const v of all) if (await this.d.records.canRead(reader, v)) readable.push(v);
    // Without a version named: the latest version still live, or, when the author deleted them all, the Cancel.
    let record = named;
    let withdrawnAt: number | undefined;
    if (version === undefined) {
      const deletedAt = await this.#deletions(all);
      const live = all.filter((v) => !deletedAt.has(v.modified));
      if (live.length === 0) withdrawnAt = Math.max(...deletedAt.values());
      else record = await this.d.records.get(reader, warningId, live.at(-1)!.modified);
    }
    const author = await this.d.parties.require(record.author);
    const alert = capAlertOfWarning(capFactsOfWarning(JSON.parse(record.body) as StixObject), {
      sender: author.id,
      senderName: author.name,
      versions: readable.map((v) => v.modified),
      withdrawnAt,
    });
    return capAlertXml(alert);
  }

  /** When each deleted version was deleted (its tombstone's log time), by `modified`. */
  async #deletions(versions: readonly StoredRecord[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const v of versions) {
      const tombstone = await this.d.store.tombstoneOf(v.digest);
      if (!tombstone) continue;
      const [leaf] = await this.d.store.getLeaves(tombstone.logIndex, 1);
      out.set(v.modified, leaf ? Date.parse(decodeRecordLeaf(leaf.data).loggedAt) : Date.parse(v.loggedAt));
    }
    return out;
  }

  /**
   * Imports a CAP Ack posted by `poster`: parsed and validated safely (cap-xml-reader.ts), it must be an
   * actionable Ack whose sender is the poster, a custodial party, and whose every reference names the
   * alert of a warning version the poster may read. Each referenced version gets one receipt, admitted
   * in one batch (all or nothing); a refusal stores nothing.
   */
  async importAck(poster: PartyRow, xml: Uint8Array | string): Promise<ImportedAck> {
    const header = await readCapMessage(xml);
    if (header.msgType !== "Ack") throw new CapError("CAP_NOT_ACK", `msgType ${header.msgType}: only an Ack is imported`);
    if (header.status === "Draft" || header.status === "System") throw new CapError("CAP_NOT_ACK", `status ${header.status}: not an actionable acknowledgement`);
    if (!header.references?.trim()) throw new CapError("CAP_NOT_ACK", "an Ack must name the alert it acknowledges in references");
    if (header.sender !== poster.id && header.sender !== poster.slug) {
      throw new CapError("CAP_ACK_SENDER_MISMATCH", `the Ack's sender ${JSON.stringify(header.sender)} is not ${poster.slug} (${poster.id})`);
    }
    if (!poster.custodial) throw new CapError("CAP_ACK_NOT_CUSTODIAL", `${poster.slug} signs its own records: post a signed receipt (tocsin receipt) instead of a CAP Ack`);
    const ackSent = parseCapTime(header.sent);
    const versions = await this.#referencedVersions(poster, header);
    const digest = toHex(sha256(typeof xml === "string" ? Buffer.from(xml, "utf8") : xml));
    const ackRef = formatReference(header);
    const receipts = versions.map((w) => {
      const modified = Date.parse(String(w.modified));
      // The Ack's sent time (whole seconds) may fall before the version's millisecond `modified`; a receipt never predates what it answers.
      const at = Math.max(ackSent ?? this.d.clock.now(), modified);
      const level = tlpLevelOf((w.object_marking_refs as string[] | undefined) ?? []);
      const receipt = buildReceipt({ id: poster.id }, w, at, level.explicit ? level.level : undefined);
      return {
        ...receipt,
        external_references: [{ source_name: CAP_ACK_SOURCE, external_id: ackRef, description: "received as an OASIS CAP 1.2 Ack", hashes: { "SHA-256": digest } }],
      };
    });
    return { ack: ackRef, receipts: await this.d.admission.admit(poster, receipts) };
  }

  /** The warning versions the Ack's references name, each checked against what this node exported. */
  async #referencedVersions(poster: PartyRow, header: CapHeader): Promise<StixObject[]> {
    const refs = parseReferences(header.references ?? "");
    if (!refs?.length) throw new CapError("CAP_ACK_UNKNOWN_ALERT", "references must be sender,identifier,sent triples separated by spaces");
    const reader = partyReader(poster.id);
    const out = new Map<string, StixObject>();
    for (const ref of refs) {
      const unknown = (why: string): CapError => new CapError("CAP_ACK_UNKNOWN_ALERT", `no alert ${formatReference(ref)} from this node: ${why}`, { details: { reference: formatReference(ref) } });
      const named = parseAlertIdentifier(ref.identifier);
      if (!named) throw unknown("not an identifier Tocsin writes (report--<uuid>@<modified>)");
      let record: StoredRecord;
      try {
        record = await this.d.records.get(reader, named.warningId, named.modified);
      } catch (e) {
        if (e instanceof ExchangeError && e.code === "RECORD_NOT_FOUND") throw unknown("no such warning version (or one you may not read)");
        throw e;
      }
      if (record.kind !== "warning") throw unknown("not a warning");
      if (ref.sender !== record.author) throw unknown("the sender is not the warning's author");
      // The alert's sent is the version's modified in whole seconds (CAP has no fractions).
      if (parseCapTime(ref.sent) !== Math.floor(Date.parse(record.modified) / 1000) * 1000) throw unknown("the sent time is not the alert's");
      out.set(`${record.id}|${record.modified}`, JSON.parse(record.body) as StixObject);
    }
    return [...out.values()];
  }
}
