import { BOARD_EXT } from "../record/extension-ids.js";
import type { StixObject } from "../record/record-signature.js";
import { isHex64, isPlainObject, isStixId } from "../record/stix-syntax.js";
import { AchError } from "./ach-errors.js";
import { mayEdit, type Board } from "./board.js";
import { boardToWire, parseBoard } from "./board-wire.js";

/*
 * A saved board state as a STIX 2.1 `grouping` (context "suspicious-activity") carrying the board in
 * Tocsin's attribution-board property extension. Each version is its own grouping, signed by the party
 * that saved it (STIX lets only an object's creator version it, and several parties may edit a board);
 * the versions form a chain: `board_ref` is the first version's id, `previous_ref` and
 * `previous_digest` name the version replaced. A rewritten or dropped version breaks the chain and the
 * log shows it.
 */

/** Where a version sits in its board's chain. */
export interface BoardChainLink {
  /** The board's id: its first version's grouping id. */
  readonly boardRef: string;
  readonly version: number;
  readonly previousRef?: string;
  /** SHA-256 hex of the canonical JSON of the signed previous version. */
  readonly previousDigest?: string;
  readonly change?: string;
}

export interface BoardVersion extends BoardChainLink {
  readonly id: string;
  readonly author: string;
  readonly modified: string;
  readonly board: Board;
}

const CHAIN_KEYS = ["extension_type", "board_ref", "version", "previous_ref", "previous_digest", "change"] as const;

/** The unsigned grouping for one board version; object_refs are the subjects, linked records and the previous version. */
export function buildBoardRecord(input: {
  readonly id: string;
  readonly board: Board;
  readonly link: BoardChainLink;
  readonly author: string;
  readonly at: string;
  readonly markingRefs: readonly string[];
  readonly description?: string;
}): StixObject {
  const { board, link } = input;
  const linked = board.evidence.map((e) => e.link?.recordRef).filter((r): r is string => r !== undefined);
  const refs = [...new Set([...board.subjectRefs, ...linked, ...(link.previousRef ? [link.previousRef] : [])])];
  return {
    type: "grouping",
    spec_version: "2.1",
    id: input.id,
    created: input.at,
    modified: input.at,
    created_by_ref: input.author,
    name: board.title,
    ...(input.description ? { description: input.description } : {}),
    context: "suspicious-activity",
    object_refs: refs,
    ...(input.markingRefs.length ? { object_marking_refs: [...input.markingRefs] } : {}),
    extensions: {
      [BOARD_EXT]: {
        extension_type: "property-extension",
        board_ref: link.boardRef,
        version: link.version,
        ...(link.previousRef ? { previous_ref: link.previousRef, previous_digest: link.previousDigest } : {}),
        ...(link.change ? { change: link.change } : {}),
        ...boardToWire(board),
      },
    },
  };
}

/** The board and chain link a board record carries; ACH_* or ACH_BOARD_INVALID when it is not one. */
export function readBoardRecord(obj: unknown): BoardVersion {
  if (!isPlainObject(obj) || obj.type !== "grouping" || !isPlainObject(obj.extensions) || !isPlainObject(obj.extensions[BOARD_EXT])) {
    throw new AchError("ACH_BOARD_INVALID", "not an attribution-board grouping");
  }
  const ext = obj.extensions[BOARD_EXT] as Record<string, unknown>;
  const board = parseBoard(Object.fromEntries(Object.entries(ext).filter(([k]) => !(CHAIN_KEYS as readonly string[]).includes(k))));
  const version = ext.version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw new AchError("ACH_BOARD_INVALID", "version must be a positive integer", { details: { field: "version" } });
  if (!isStixId(ext.board_ref, "grouping")) throw new AchError("ACH_BOARD_INVALID", "board_ref must be a grouping id", { details: { field: "board_ref" } });
  const first = version === 1;
  if (first !== (ext.previous_ref === undefined) || (ext.previous_ref !== undefined && (!isStixId(ext.previous_ref, "grouping") || !isHex64(ext.previous_digest)))) {
    throw new AchError("ACH_BOARD_INVALID", "version 1 has no previous_ref; every later version names its previous_ref and previous_digest", { details: { field: "previous_ref" } });
  }
  if (first && ext.board_ref !== obj.id) throw new AchError("ACH_BOARD_INVALID", "a board's first version is the board: board_ref must be its own id", { details: { field: "board_ref" } });
  return {
    id: obj.id as string,
    author: obj.created_by_ref as string,
    modified: (obj.modified ?? obj.created) as string,
    boardRef: ext.board_ref as string,
    version: version as number,
    ...(ext.previous_ref !== undefined ? { previousRef: ext.previous_ref as string, previousDigest: ext.previous_digest as string } : {}),
    ...(typeof ext.change === "string" ? { change: ext.change } : {}),
    board,
  };
}

/**
 * May `next` follow `head` (undefined: `next` would be the first version)? The rules every saved
 * version obeys, whether it comes through the board API or as a signed record: version 1 is authored
 * by the board's owner; each later version names the current head (id and digest) as its previous
 * version, numbers itself head + 1, keeps the board's name and owner, and is authored by a party the
 * head lets edit; only the owner changes who may edit.
 */
export function checkSuccession(head: { version: BoardVersion; digest: string } | undefined, next: BoardVersion): void {
  if (head === undefined) {
    if (next.version !== 1) throw new AchError("ACH_BOARD_NOT_FOUND", `no board ${next.boardRef}`, { details: { field: "board_ref" } });
    if (next.author !== next.board.owner) throw new AchError("ACH_FORBIDDEN", "a board's first version is saved by its owner");
    return;
  }
  const h = head.version;
  if (!mayEdit(h.board, next.author)) throw new AchError("ACH_FORBIDDEN", "only the board's owner and the parties it granted may edit it");
  if (next.version !== h.version + 1 || next.previousRef !== h.id || next.previousDigest !== head.digest) {
    throw new AchError("ACH_VERSION_CONFLICT", `the latest version of the board is ${h.version} (${h.id})`, { details: { latest: h.version, latestRef: h.id } });
  }
  if (next.board.owner !== h.board.owner || next.board.name !== h.board.name) {
    throw new AchError("ACH_FORBIDDEN", "a board's owner and name do not change");
  }
  const editorsChanged = [...next.board.editors].sort().join() !== [...h.board.editors].sort().join();
  if (editorsChanged && next.author !== h.board.owner) throw new AchError("ACH_FORBIDDEN", "only the board's owner grants or revokes editing rights");
}
