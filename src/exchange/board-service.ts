import { randomUUID } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import { toHex } from "../core/crypto/bytes.js";
import { AchError, analyseBoard, applyEdits, buildBoardRecord, mayEdit, parseBoard, readBoardRecord, type BoardAnalysis } from "../core/ach/index.js";
import type { StixObject } from "../core/record/index.js";
import { TLP_LEVELS, partyReader, tlpMarkingId, type Reader, type TlpLevel } from "../core/tlp/index.js";
import type { PartyRow, Store } from "../store/store.js";
import type { Admission } from "./admission.js";
import { KeyedMutex } from "../store/keyed-mutex.js";
import type { BoardRules } from "./board-rules.js";
import { allBoardVersions, resolveBoardRef, versionsOf, type StoredBoardVersion } from "./board-versions.js";
import type { RecordReader } from "./record-reader.js";

export interface BoardServiceDeps {
  readonly store: Store;
  readonly admission: Admission;
  /** Who sees a board, name uniqueness: the same rules the admission applies to board records. */
  readonly rules: BoardRules;
  readonly records: RecordReader;
  readonly clock: Clock;
}

/**
 * Attribution boards on the record. A board is a chain of signed `grouping` records (core/ach/
 * board-record.ts), each admitted through the one admission path into the log; nothing about a board
 * is stored anywhere else, so the log and the records are the whole truth and the history is the chain.
 *
 * Edits over the API are applied to the latest version under a lock per board, checked, and saved as
 * the next version: signed by the node for a custodial party, or handed back unsigned
 * (ACH_SIGNATURE_REQUIRED) for a party that signs its own records and then posts the signed version.
 * The succession rules (rights, chain; board-rules.ts) are checked again at admission, so a board
 * record posted as a plain record obeys them too.
 */
export class BoardService {
  readonly #locks = new KeyedMutex();

  constructor(private readonly d: BoardServiceDeps) {}

  async #allVersions(): Promise<StoredBoardVersion[]> {
    return allBoardVersions(this.d.store);
  }

  /** The versions of one board, version 1 first (the chain admission enforced). */
  async versions(boardRef: string): Promise<StoredBoardVersion[]> {
    return versionsOf(await this.#allVersions(), boardRef);
  }

  /**
   * The board a name or id denotes for this caller: a board id, the id of any of its versions, or its
   * name — among the versions the caller may see only, so neither a name nor an id reveals a board it
   * may not read (two boards may share a name when their owners cannot see each other's).
   */
  async resolve(reader: Reader, party: PartyRow | undefined, idOrName: string): Promise<string> {
    return resolveBoardRef(await this.d.rules.visibleVersions(reader, party), idOrName);
  }

  /** The versions the reader may see (ACH_BOARD_NOT_FOUND when none: existence is not revealed). */
  async history(reader: Reader, party: PartyRow | undefined, idOrName: string): Promise<StoredBoardVersion[]> {
    const boardRef = await this.resolve(reader, party, idOrName);
    const out: StoredBoardVersion[] = [];
    for (const v of await this.versions(boardRef)) if (await this.d.rules.visibleTo(reader, party, v)) out.push(v);
    if (out.length === 0) throw new AchError("ACH_BOARD_NOT_FOUND", `no board ${idOrName}`);
    return out;
  }

  /** The latest version the reader may see (or the numbered one), with the analysis. */
  async get(reader: Reader, party: PartyRow | undefined, idOrName: string, version?: number): Promise<{ latest: StoredBoardVersion; analysis: BoardAnalysis }> {
    const visible = await this.history(reader, party, idOrName);
    const v = version === undefined ? visible.at(-1)! : visible.find((x) => x.version.version === version);
    if (!v) throw new AchError("ACH_BOARD_NOT_FOUND", `board ${idOrName} has no version ${version}`);
    return { latest: v, analysis: analyseBoard(v.version.board) };
  }

  /**
   * What each evidence link points at on this node, as the reader may see it: a linked record (its
   * kind and log entry) or a log entry index within the log; `found: false` when it is not here or
   * not visible to the reader.
   */
  async links(reader: Reader, v: StoredBoardVersion): Promise<{ evidence: string; found: boolean; kind?: string; index?: number }[]> {
    const size = await this.d.store.logSize();
    const out: { evidence: string; found: boolean; kind?: string; index?: number }[] = [];
    for (const e of v.version.board.evidence) {
      if (e.link?.recordRef !== undefined) {
        const r = await this.d.records.get(reader, e.link.recordRef).catch(() => undefined);
        out.push(r ? { evidence: e.id, found: true, kind: r.kind, index: r.logIndex } : { evidence: e.id, found: false });
      } else if (e.link?.logIndex !== undefined) {
        out.push({ evidence: e.id, found: e.link.logIndex < size, ...(e.link.logIndex < size ? { index: e.link.logIndex } : {}) });
      }
    }
    return out;
  }

  /** The boards the reader may see, latest version each. */
  async list(reader: Reader, party: PartyRow | undefined): Promise<StoredBoardVersion[]> {
    const latest = new Map<string, StoredBoardVersion>();
    for (const v of await this.#allVersions()) {
      const prev = latest.get(v.version.boardRef);
      if (!prev || prev.version.version < v.version.version) latest.set(v.version.boardRef, v);
    }
    const out: StoredBoardVersion[] = [];
    for (const v of latest.values()) if (await this.d.rules.visibleTo(reader, party, v)) out.push(v);
    return out;
  }

  /**
   * Creates a board owned by `poster`: `input` is the board in wire form without owner_ref (the poster
   * owns it), plus optional `tlp` (default AMBER) and `change`.
   */
  async create(poster: PartyRow, input: unknown): Promise<StoredBoardVersion> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) throw new AchError("ACH_BOARD_INVALID", "the body must be a board object");
    const { tlp, change, owner_ref, ...wire } = input as Record<string, unknown>;
    if (owner_ref !== undefined && owner_ref !== poster.id) throw new AchError("ACH_FORBIDDEN", "a board is owned by the party that creates it");
    const level = tlpOf(tlp ?? "AMBER");
    const board = parseBoard({ editor_refs: [], ...wire, owner_ref: poster.id });
    return this.#locks.run([`name:${board.name}`], async () => {
      // Names are what people type (`tocsin ach show NAME`): one board per name among those a party sees.
      await this.d.rules.assertNameFree(poster.id, board.name);
      const at = rfc3339(this.d.clock.now());
      const id = `grouping--${randomUUID()}`;
      const link = { boardRef: id, version: 1, change: typeof change === "string" ? change : "created" };
      return this.#save(poster, buildBoardRecord({ id, board, link, author: poster.id, at, markingRefs: [tlpMarkingId(level)] }));
    });
  }

  /**
   * Applies `operations` to the latest version and saves the result as the next version. With
   * `base_version`, the edit is refused (ACH_VERSION_CONFLICT) if someone saved another version since.
   */
  async edit(poster: PartyRow, idOrName: string, body: unknown): Promise<StoredBoardVersion> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AchError("ACH_EDIT_INVALID", "the body must be {operations: [...]}");
    const { operations, base_version, change, ...rest } = body as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new AchError("ACH_EDIT_INVALID", `unknown property ${unknown}`, { details: { field: unknown } });
    if (change !== undefined && (typeof change !== "string" || change.trim() === "" || change.length > 4000)) {
      throw new AchError("ACH_EDIT_INVALID", "change is a short description of the edit", { details: { field: "change" } });
    }
    const boardRef = await this.resolve(partyReader(poster.id), poster, idOrName);
    return this.#locks.run([boardRef], async () => {
      const head = (await this.versions(boardRef)).at(-1)!;
      if (!mayEdit(head.version.board, poster.id)) {
        // A board the party may not even read does not exist for it (TLP: existence is not revealed).
        if (!(await this.d.records.canRead(partyReader(poster.id), head.record))) throw new AchError("ACH_BOARD_NOT_FOUND", `no board ${idOrName}`);
        throw new AchError("ACH_FORBIDDEN", "only the board's owner and the parties it granted may edit it");
      }
      if (base_version !== undefined && base_version !== head.version.version) {
        throw new AchError("ACH_VERSION_CONFLICT", `the latest version is ${head.version.version}, not ${String(base_version)}`, { details: { latest: head.version.version } });
      }
      const at = rfc3339(Math.max(this.d.clock.now(), Date.parse(head.version.modified)));
      const board = applyEdits(head.version.board, operations, { party: poster.id, at });
      const headObj = JSON.parse(head.record.body) as StixObject;
      const obj = buildBoardRecord({
        id: `grouping--${randomUUID()}`,
        board,
        link: { boardRef, version: head.version.version + 1, previousRef: head.record.id, previousDigest: head.digest, ...(typeof change === "string" ? { change } : {}) },
        author: poster.id,
        at,
        markingRefs: (headObj.object_marking_refs as string[] | undefined) ?? [],
      });
      return this.#save(poster, obj);
    });
  }

  /** Admits a board version the poster signed itself (or an unsigned one from a custodial poster). */
  async submit(poster: PartyRow, obj: unknown, boardRef?: string): Promise<StoredBoardVersion> {
    const v = readBoardRecord(obj);
    if (boardRef !== undefined && v.boardRef !== boardRef) throw new AchError("ACH_BOARD_INVALID", `the record is a version of ${v.boardRef}, not of ${boardRef}`, { details: { field: "board_ref" } });
    return this.#locks.run([v.boardRef], () => this.#admit(poster, obj));
  }

  async #save(poster: PartyRow, obj: StixObject): Promise<StoredBoardVersion> {
    if (!poster.custodial) {
      throw new AchError("ACH_SIGNATURE_REQUIRED", "you sign your own records: sign details.unsigned and POST it to /api/v1/boards/{board}/versions", { details: { unsigned: obj } });
    }
    return this.#admit(poster, obj);
  }

  async #admit(poster: PartyRow, obj: unknown): Promise<StoredBoardVersion> {
    const [admitted] = await this.d.admission.admit(poster, [obj]);
    const record = (await this.d.store.recordVersions(admitted!.id)).at(-1)!;
    return { record, version: readBoardRecord(JSON.parse(record.body)), digest: toHex(record.digest) };
  }

}

function tlpOf(v: unknown): TlpLevel {
  if (typeof v !== "string" || !(TLP_LEVELS as readonly string[]).includes(v)) {
    throw new AchError("ACH_BOARD_INVALID", `tlp must be one of ${TLP_LEVELS.join(", ")}`, { details: { field: "tlp" } });
  }
  return v as TlpLevel;
}
