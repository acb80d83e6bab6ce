import type Database from "better-sqlite3";
import { StoreError } from "../store-errors.js";
import type { AppendBatch, WitnessStateMove } from "../store.js";

/**
 * The statements of one log append, run inside the caller's immediate transaction on `stmt`'s
 * connection: the fenced head move, then the records, tombstones, leaves, nodes and checkpoint. Shared
 * by the store's own connection and its append thread (sqlite-append-thread.ts), so both write alike.
 */
export function appendInTx(
  stmt: (name: "advanceHead" | "insertRecord" | "insertTombstone" | "markLatest" | "hasOtherVersion" | "markLatestOfDeleted" | "insertLeaf" | "insertNode" | "insertCheckpoint") => Database.Statement,
  batch: AppendBatch,
): void {
  const moved = stmt("advanceHead").run(batch.startIndex + batch.leaves.length, batch.startIndex, batch.epoch);
  if (moved.changes !== 1) {
    throw new StoreError("STORE_FENCED", "the log's writer lease or size changed under this writer");
  }
  const [insertRecord, insertTombstone, insertLeaf] = [stmt("insertRecord"), stmt("insertTombstone"), stmt("insertLeaf")];
  const [markLatest, hasOtherVersion, markLatestOfDeleted] = [stmt("markLatest"), stmt("hasOtherVersion"), stmt("markLatestOfDeleted")];
  let index = batch.startIndex;
  for (const leaf of batch.leaves) {
    const r = leaf.record;
    if (r) {
      insertRecord.run(r.digest, r.id, r.modified, r.type, r.kind, r.author, r.warningRef ?? null, index, r.loggedAt, leaf.addedUs, r.custodial ? 1 : 0, r.body);
      // Each id's latest live version (schema version 10), from its rows as they now stand — recomputed
      // only when the id has another version, as PostgreSQL's trigger does: a first version is inserted
      // marked latest, and no tombstone can name it before it is stored. Nearly every append is of a
      // first version, and the check costs a fifth of the recomputation (0.8 against 4 µs a record).
      if (hasOtherVersion.get(r.id, r.modified) !== undefined) markLatest.run(r.id);
    }
    if (leaf.tombstone && insertTombstone.run(leaf.tombstone, index).changes > 0) markLatestOfDeleted.run(leaf.tombstone);
    insertLeaf.run(index++, leaf.data, leaf.hash);
  }
  const insertNode = stmt("insertNode");
  for (const n of batch.nodes) insertNode.run(n.level, n.index, n.hash);
  const c = batch.checkpoint;
  if (c) stmt("insertCheckpoint").run(c.size, c.root, c.note, c.createdAt);
}

/**
 * A witness's state moves, run inside the caller's immediate transaction: each one compare-and-swap
 * (advanceWitnessedLog: from exactly the size, root and key it was checked against); whether each moved.
 */
export function witnessMovesInTx(stmt: (name: "advanceWitnessedLog") => Database.Statement, moves: readonly WitnessStateMove[]): boolean[] {
  const advance = stmt("advanceWitnessedLog");
  return moves.map((m) => advance.run(m.to.size, m.to.root, m.to.note, m.at, m.origin, m.from.size, m.from.root, m.from.vkey).changes === 1);
}
