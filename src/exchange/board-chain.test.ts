import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBoard, type BoardVersion } from "../core/ach/index.js";
import type { StoredRecord } from "../store/store.js";
import { resolveBoardRef, versionsOf, type StoredBoardVersion } from "./board-versions.js";

const OWNER = "identity--00000001-aaaa-4bbb-8ccc-dddddddddddd";
const board = parseBoard({ name: "chain", title: "Chain", subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"], owner_ref: OWNER });
const gid = (n: number): string => `grouping--${n.toString(16).padStart(8, "0")}-aaaa-4bbb-8ccc-dddddddddddd`;
const digest = (n: number): string => n.toString(16).padStart(64, "0");

function stored(n: number, logIndex: number, version: number, previous?: number, boardRef = gid(1)): StoredBoardVersion {
  const v: BoardVersion = {
    id: gid(n),
    author: OWNER,
    modified: "2024-03-23T12:00:00.000Z",
    boardRef,
    version,
    ...(previous !== undefined ? { previousRef: gid(previous), previousDigest: digest(previous) } : {}),
    board,
  };
  return { record: { id: gid(n), logIndex } as StoredRecord, version: v, digest: digest(n) };
}

test("a board's history is its chain by id and digest; a raced branch and strays are left out", () => {
  const all = [
    stored(1, 10, 1),
    stored(2, 11, 2, 1),
    stored(3, 12, 2, 1), // a second version 2 on the same head (a race): logged later, not in the chain
    stored(4, 13, 3, 3), // builds on the losing branch
    stored(5, 14, 3, 2),
    stored(6, 15, 4, 9), // names a version that does not exist
    stored(7, 16, 1, undefined, gid(7)), // another board
  ];
  assert.deepEqual(versionsOf(all, gid(1)).map((v) => v.record.id), [gid(1), gid(2), gid(5)]);
  assert.deepEqual(versionsOf(all, gid(7)).map((v) => v.record.id), [gid(7)]);
  assert.equal(resolveBoardRef(all, gid(5)), gid(1), "any version's id names its board");
  assert.throws(() => resolveBoardRef(all, "chain"), (e: { code?: string }) => e.code === "ACH_BOARD_NOT_FOUND", "two boards share the name");
  assert.throws(() => resolveBoardRef(all, "nothing"), (e: { code?: string }) => e.code === "ACH_BOARD_NOT_FOUND");
});
