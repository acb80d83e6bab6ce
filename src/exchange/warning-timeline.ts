import { toHex } from "../core/crypto/bytes.js";
import { recordKindOf } from "../core/record/index.js";
import { signedByPhrase, signerOf, summarizeRecord, witnessBoundOf, type RecordSummary, type Signer, type WitnessBound } from "../core/timeline/index.js";
import type { Reader } from "../core/tlp/index.js";
import type { Store, StoredCheckpoint } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import type { PartyDirectory } from "./party-directory.js";
import type { RecordReader } from "./record-reader.js";
import { keyResetNotices } from "./key-notices.js";
import { NODE_PARTY_SLUG } from "./node-party.js";

/** One record about the warning, where the log put it and which checkpoints commit to it. */
export interface TimelineEntry extends RecordSummary {
  readonly index: number;
  readonly loggedAt: string;
  readonly digest: string;
  readonly authorName: string | undefined;
  /** True when the node signed the record for its custodial author: not the party's own signature. */
  readonly custodial: boolean;
  /** Who signed it: the author's own key ("party"), the node for a custodial author, or the node itself. */
  readonly signer: Signer;
  /** The same in words: "signed by the node on behalf of VENUE (custodial)". */
  readonly signedBy: string;
  /** The smallest checkpoint covering the entry (size > index) and the latest one; null before any. */
  readonly checkpoints: { readonly first: number | null; readonly latest: number | null };
  /**
   * On a witnessed log: "logged no later than T, per witnesses W1, W2" — the earliest cosignature of the
   * first cosigned checkpoint holding the entry (the node verified each when it collected it). Absent
   * before any witness cosigned a checkpoint holding it.
   */
  readonly witnessed?: WitnessBound;
}

export interface WarningTimeline {
  readonly warning: string;
  readonly entries: readonly TimelineEntry[];
  /** The checkpoints the entries name, ascending by size, with the signed notes. */
  readonly checkpoints: readonly { readonly size: number; readonly createdAt: string; readonly note: string }[];
  /** Key resets by the operator concerning the authors, in plain words (key-notices.ts); empty when none. */
  readonly keyNotices: readonly string[];
}

/**
 * "Who knew what, when": every record about a warning in log order, as the reader may see it (TLP
 * through the RecordReader; the warning itself unreadable means RECORD_NOT_FOUND).
 */
export async function warningTimeline(d: { store: Store; records: RecordReader; parties: PartyDirectory }, reader: Reader, warningId: string): Promise<WarningTimeline> {
  const warning = await d.records.get(reader, warningId);
  if (warning.kind !== "warning") throw new ExchangeError("RECORD_NOT_FOUND", `${warningId} is not a warning`);
  const records = await d.records.filter(reader, await d.store.recordsAbout(warningId));
  const latest = await d.store.latestCheckpoint();
  const firstCovering = new Map<number, StoredCheckpoint>();
  const names = new Map<string, string | undefined>();
  const entries: TimelineEntry[] = [];
  const node = await d.parties.get(NODE_PARTY_SLUG);
  const bounds = new Map<number, WitnessBound | undefined>();
  const boundOf = async (index: number): Promise<WitnessBound | undefined> => {
    const size = await d.store.firstCosignedSizeAfter(index);
    if (size === undefined) return undefined;
    if (!bounds.has(size)) bounds.set(size, witnessBoundOf((await d.store.cosignaturesAt(size)).map((c) => c.line)));
    return bounds.get(size);
  };
  for (const r of records) {
    const obj = JSON.parse(r.body) as Record<string, unknown>;
    const witnessed = await boundOf(r.logIndex);
    if (!names.has(r.author)) names.set(r.author, (await d.parties.get(r.author))?.name);
    const [first] = await d.store.listCheckpoints(r.logIndex, 1);
    if (first) firstCovering.set(first.size, first);
    entries.push({
      ...summarizeRecord(obj, recordKindOf(obj)),
      index: r.logIndex,
      loggedAt: r.loggedAt,
      digest: toHex(r.digest),
      authorName: names.get(r.author),
      custodial: r.custodial,
      signer: signerOf(r, node?.id),
      signedBy: signedByPhrase(signerOf(r, node?.id), names.get(r.author) ?? r.author),
      checkpoints: { first: first?.size ?? null, latest: latest && latest.size > r.logIndex ? latest.size : null },
      ...(witnessed ? { witnessed } : {}),
    });
  }
  if (latest) firstCovering.set(latest.size, latest);
  const checkpoints = [...firstCovering.values()].sort((a, b) => a.size - b.size).map((c) => ({ size: c.size, createdAt: c.createdAt, note: c.note }));
  return { warning: warningId, entries, checkpoints, keyNotices: await keyResetNotices(d.parties, records) };
}
