import { toHex } from "../core/crypto/bytes.js";
import { AchError, readBoardRecord, type BoardVersion } from "../core/ach/index.js";
import type { Store, StoredRecord } from "../store/store.js";

/** One saved version of a board as stored: the record and what it says. */
export interface StoredBoardVersion {
  readonly record: StoredRecord;
  readonly version: BoardVersion;
  readonly digest: string;
}

const PAGE = 5000;

/**
 * Every version of every board, in log order: one scan of the board records (boards are few; the
 * store needs no board index, so every engine serves them as it serves any record).
 */
export async function allBoardVersions(store: Store): Promise<StoredBoardVersion[]> {
  const out: StoredBoardVersion[] = [];
  for (let after = -1; ; ) {
    const page = await store.listRecords({ kind: "attribution-board", addedAfterUs: after, limit: PAGE });
    for (const r of page) out.push({ record: r, version: readBoardRecord(JSON.parse(r.body)), digest: toHex(r.digest) });
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!.addedUs;
  }
}

/**
 * The versions of one board among `all`, version 1 first: the chain from the board's first version,
 * each link the first-logged record that names the previous one by id and digest. Admission lets no
 * other record in; should two processes ever race past its head check, the later branch is left out
 * here (it stays in the log, visible to an audit) rather than forking the board.
 */
export function versionsOf(all: readonly StoredBoardVersion[], boardRef: string): StoredBoardVersion[] {
  const mine = all.filter((v) => v.version.boardRef === boardRef).sort((a, b) => a.record.logIndex - b.record.logIndex);
  const chain: StoredBoardVersion[] = [];
  let head = mine.find((v) => v.version.version === 1 && v.record.id === boardRef);
  while (head) {
    chain.push(head);
    const h = head;
    head = mine.find((v) => v.version.version === h.version.version + 1 && v.version.previousRef === h.record.id && v.version.previousDigest === h.digest);
  }
  return chain;
}

/** The board a name or id denotes among `all`: a board id, the id of any of its versions, or its name. */
export function resolveBoardRef(all: readonly StoredBoardVersion[], idOrName: string): string {
  const byId = all.find((v) => v.record.id === idOrName);
  if (byId) return byId.version.boardRef;
  const named = [...new Set(all.filter((v) => v.version.board.name === idOrName).map((v) => v.version.boardRef))];
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new AchError("ACH_BOARD_NOT_FOUND", `several boards are named ${idOrName}: use the board id`, { details: { boards: named } });
  throw new AchError("ACH_BOARD_NOT_FOUND", `no board ${idOrName}`);
}
