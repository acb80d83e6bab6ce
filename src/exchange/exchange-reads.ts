import { toBase64, toHex } from "../core/crypto/bytes.js";
import type { AccountabilityBundle } from "../core/bundle/index.js";
import type { NoteSigner } from "../core/note/index.js";
import type { NoteVerifier } from "../core/note/index.js";
import type { WarningReportInput } from "../core/report/index.js";
import type { Reader } from "../core/tlp/index.js";
// The answer of GET /api/v1/records/<id>/proof is one wire type, defined once where clients read it.
import type { RecordProof } from "../client/tocsin-client.js";
export type { RecordProof };
import type { LogReader } from "../log/log-reader.js";
import type { PartyRow, Store, StoredRecord } from "../store/store.js";
import { allBoardVersions, resolveBoardRef, versionsOf, type StoredBoardVersion } from "./board-versions.js";
import { exportBundle } from "./bundle-export.js";
import { DutyReads } from "./duty-reads.js";
import type { PartyDirectory } from "./party-directory.js";
import type { RecordReader } from "./record-reader.js";
import { gatherWarningReport } from "./warning-report.js";
import { warningTimeline, type WarningTimeline } from "./warning-timeline.js";

export type { PartyRow } from "../store/store.js";

/** What the read side needs: a node's database, its parties and records, its log and log key. */
export interface ExchangeReadDeps {
  readonly store: Store;
  readonly parties: PartyDirectory;
  readonly records: RecordReader;
  readonly log: LogReader;
  /** The log key: it signs the thread statement of each exported bundle. */
  readonly logKey: NoteSigner;
}

/**
 * The read side of the application services: everything that needs only a node's database (no
 * sequencer, no admission). The HTTP API reads through it (as the full ExchangeServices), and the
 * operator's commands that read a node (export-bundle, report, ach) use it directly, so a read means
 * the same whichever door it comes through. TLP applies wherever a Reader is passed.
 */
export class ExchangeReads {
  /** The duty to warn: determinations, their decisions and a party's duty-to-warn record, under TLP. */
  readonly duty: DutyReads;

  constructor(protected readonly d: ExchangeReadDeps) {
    this.duty = new DutyReads(d.store, d.records);
  }

  /** The party an API token belongs to (undefined: unknown or revoked). */
  authenticate(token: string): Promise<PartyRow | undefined> {
    return this.d.parties.authenticate(token);
  }

  /** A party by id or slug, else PARTY_NOT_FOUND. */
  party(idOrSlug: string): Promise<PartyRow> {
    return this.d.parties.require(idOrSlug);
  }

  /** A party as a STIX identity with its logged keys. */
  identity(idOrSlug: string): Promise<Record<string, unknown>> {
    return this.d.parties.identity(idOrSlug);
  }

  /** One version of a record (the latest by default) if `reader` may read it, else RECORD_NOT_FOUND. */
  record(reader: Reader, id: string, version?: string): Promise<StoredRecord> {
    return this.d.records.get(reader, id, version);
  }

  /** A readable record's leaf and its inclusion proof in the published checkpoint (or the latest, if that one is not yet cosigned). */
  async recordProof(reader: Reader, id: string, version?: string): Promise<RecordProof> {
    const record = await this.d.records.get(reader, id, version);
    const checkpoint = await this.d.log.checkpointCovering(record.logIndex);
    const proof = await this.d.log.inclusionProof(record.logIndex, checkpoint.size);
    const leaf = await this.d.log.entry(record.logIndex);
    return {
      id: record.id,
      modified: record.modified,
      digest: toHex(record.digest),
      index: record.logIndex,
      leaf: toBase64(leaf.data),
      leafHash: toHex(leaf.hash),
      checkpoint: checkpoint.note,
      size: proof.size,
      hashes: proof.hashes.map(toHex),
    };
  }

  /** "Who knew what, when": the records about a warning in log order, as `reader` may see them. */
  timeline(reader: Reader, warningId: string): Promise<WarningTimeline> {
    return warningTimeline(this.d, reader, warningId);
  }

  /** A warning's accountability bundle as `reader` may see it (undefined: the operator, who sees all). */
  bundle(reader: Reader | undefined, warningId: string, now: Date = new Date()): Promise<AccountabilityBundle> {
    return exportBundle(this.d, reader, warningId, now);
  }

  /** A warning's report (its audited bundle, the source's and the recipients' track records). */
  report(
    reader: Reader,
    warningId: string,
    now: Date = new Date(),
    options: { readonly logKey?: NoteVerifier | undefined } = {},
  ): Promise<{ bundle: AccountabilityBundle; input: WarningReportInput }> {
    return gatherWarningReport(this.d, reader, warningId, now, options);
  }

  /**
   * The version chain of a board named by its name, its id or any version's id, read by the operator
   * (whoever holds the database sees every record, so no TLP applies). ACH_BOARD_NOT_FOUND otherwise.
   */
  async boardVersionsForOperator(idOrName: string): Promise<StoredBoardVersion[]> {
    const everything = await allBoardVersions(this.d.store);
    return versionsOf(everything, resolveBoardRef(everything, idOrName));
  }

  /** Every party's slug by id (to name authors in an operator's listing). */
  async partySlugs(): Promise<Map<string, string>> {
    return new Map((await this.d.store.listParties()).map((p) => [p.id, p.slug]));
  }

  /** The latest version of a record, whoever may read it (the operator's view), or undefined. */
  async latestVersionForOperator(id: string): Promise<StoredRecord | undefined> {
    return (await this.d.store.recordVersions(id)).at(-1);
  }

  /** How many entries the log holds. */
  logSize(): Promise<number> {
    return this.d.store.logSize();
  }
}
