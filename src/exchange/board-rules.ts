import { toHex } from "../core/crypto/bytes.js";
import { AchError, checkSuccession, mayEdit, readBoardRecord } from "../core/ach/index.js";
import { BOARD_EXT, recordDigestHex, type RecordKind, type StixObject } from "../core/record/index.js";
import { partyReader, type Reader } from "../core/tlp/index.js";
import type { PartyRow, Store } from "../store/store.js";
import { allBoardVersions, versionsOf, type StoredBoardVersion } from "./board-versions.js";
import type { RecordReader } from "./record-reader.js";

/**
 * The rules of attribution boards, read against the boards as stored: who sees a board version, which
 * names are free, and which records may join a board's chain. They edit nothing, so the admission
 * applies them to every board record however it arrives (`check`), and the BoardService, which edits
 * boards through that admission, asks them the same questions.
 */
export class BoardRules {
  constructor(private readonly d: { readonly store: Store; readonly records: RecordReader }) {}

  /** A reader sees a version when TLP lets it read the record, or when it may edit the board. */
  async visibleTo(reader: Reader, party: PartyRow | undefined, v: StoredBoardVersion): Promise<boolean> {
    if (party && mayEdit(v.version.board, party.id)) return true;
    return this.d.records.canRead(reader, v.record);
  }

  /** Every version of every board the reader sees, in log order. */
  async visibleVersions(reader: Reader, party: PartyRow | undefined): Promise<StoredBoardVersion[]> {
    const out: StoredBoardVersion[] = [];
    for (const v of await allBoardVersions(this.d.store)) if (await this.visibleTo(reader, party, v)) out.push(v);
    return out;
  }

  /**
   * Board names are unique among the boards a party may see: a name taken only by boards hidden from
   * the creator is free for it (refusing it would tell the creator such a board exists — the name,
   * typed by people, being a cheap probe). ACH_NAME_TAKEN otherwise.
   */
  async assertNameFree(partyId: string, name: string): Promise<void> {
    const party = { id: partyId } as PartyRow;
    const visible = await this.visibleVersions(partyReader(partyId), party);
    if (visible.some((v) => v.version.board.name === name)) {
      throw new AchError("ACH_NAME_TAKEN", `a board named ${name} exists`, { details: { field: "name" } });
    }
  }

  /**
   * The admission check for board records, however they arrive: a well-formed board, and a rightful
   * successor of the board's current head (core/ach checkSuccession).
   */
  async check(obj: StixObject, kind: RecordKind): Promise<void> {
    if (kind !== "attribution-board") {
      if (obj.type === "grouping" && obj.extensions?.[BOARD_EXT] !== undefined) throw new AchError("ACH_BOARD_INVALID", "not an attribution board");
      return;
    }
    const next = readBoardRecord(obj);
    // A board version is never re-versioned under its id: re-posting it exactly is a no-op, changing it a conflict.
    const same = await this.d.store.recordVersions(obj.id);
    if (same.length > 0) {
      if (same.some((r) => toHex(r.digest) === recordDigestHex(obj))) return;
      throw new AchError("ACH_VERSION_CONFLICT", `board version ${obj.id} exists with other content: save a new version instead`);
    }
    const all = await allBoardVersions(this.d.store);
    const head = next.version === 1 ? undefined : versionsOf(all, next.boardRef).at(-1);
    if (next.version !== 1 && head === undefined) throw new AchError("ACH_BOARD_NOT_FOUND", `no board ${next.boardRef}`);
    if (next.version === 1) {
      if (all.some((v) => v.version.boardRef === next.boardRef)) throw new AchError("ACH_VERSION_CONFLICT", `board ${next.boardRef} exists`);
      await this.assertNameFree(next.board.owner, next.board.name);
    }
    checkSuccession(head && { version: head.version, digest: head.digest }, next);
  }
}
