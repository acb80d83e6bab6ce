import { HASH_BYTES } from "../../core/merkle/hasher.js";
import type { NodeId } from "../../core/merkle/node-id.js";
import { StoreError } from "../store-errors.js";
import type {
  AppendBatch,
  Lease,
  LogLeaf,
  PartyKeyRow,
  PartyRelationRow,
  PartyRow,
  PartyTokenRow,
  RecordQuery,
  Store,
  StoredCheckpoint,
  StoredNode,
  StoredRecord,
  RecordBody,
  RecordHead,
  StoredCosignature,
  StoredTombstone,
  TaxiiStatusRow,
  WitnessedLogRow,
  WitnessAlarmRow,
  WitnessStateMove,
  NewNotice,
  StoredNotice,
  WebhookDeliveryRow,
  WebhookRow,
  PeerRow,
  OutboxRow,
  PackedLeaves,
  DeliveryChange,
  ForeignRecordRow,
  DeadlineChange,
  DeadlineRow,
} from "../store.js";
import type { Dialect } from "./dialect.js";
import { DEADLINES_PER_STATEMENT, QUERIES, type QueryName } from "./queries.js";
import { recordQuerySql } from "./record-query.js";
import { toCheckpoint, toLease, toParty, toPartyKey, toPartyRelation, toPartyToken, toRecord, toRecordArray, toRecordHead, RECORD_HEAD_COLUMNS, toRecordBody, RECORD_BODY_COLUMNS, toTaxiiStatus, toTombstone, toWitnessedLog, toCosignature, toPeer, toOutbox, toForeignRecord, toNotice, toWebhook, toDelivery, toWitnessAlarm, type Row } from "./rows.js";
import type { TableAccess } from "./table-access.js";

/** Largest gap between two wanted log indexes read in one range by `recordDigests`. */
const DIGEST_RANGE_GAP = 64;

/** Writes run together in one transaction: a shared query and its values. */
export type Write = readonly [QueryName, readonly unknown[]];

/**
 * Every Store method both engines answer with the same SQL, written once (src/store/sql/queries.ts);
 * an engine provides how a statement runs (`all`, `run`, `runAll`) and what only it does differently:
 * taking the lease inside its kind of transaction, the append (a loop of prepared inserts on SQLite,
 * one `unnest()` statement on PostgreSQL), the batched node lookup, and raw table access for transfers.
 */
export abstract class SqlStore implements Store {
  abstract readonly engine: Store["engine"];
  abstract readonly sharedByProcesses: boolean;
  protected abstract readonly dialect: Dialect;

  /**
   * The rows of a statement: a shared query (`text` omitted) or one built for a query shape, named by
   * it. `planEachTime`: the statement's best plan depends on its values (which filters are null), so
   * PostgreSQL must not switch it to a generic plan; it is sent unprepared.
   */
  protected abstract all(name: string, params: readonly unknown[], text?: string, planEachTime?: boolean): Promise<Row[]>;
  /**
   * A shared query's rows as arrays, columns in SELECT order: for the bulk reads of the log (an audit
   * reads every leaf and node), where an object per row is most of the cost. Engines that only answer
   * objects take them apart.
   */
  protected async arrays(name: string, params: readonly unknown[], text?: string, planEachTime?: boolean): Promise<unknown[][]> {
    return (await this.all(name, params, text, planEachTime)).map((r) => Object.values(r));
  }
  /** Runs a shared write; returns the number of rows it changed. */
  protected abstract run(name: QueryName, params: readonly unknown[]): Promise<number>;
  /** Runs shared writes in order in one transaction; none stays when one fails. */
  /** Runs the writes in one transaction; each one's count of rows changed, in order. */
  protected abstract runAll(writes: readonly Write[]): Promise<number[]>;
  /** Whether an error is the unique key of a party's id or slug (two processes creating one party). */
  protected abstract isPartyConflict(e: unknown): boolean;
  /**
   * Runs shared writes in order in one transaction, all or nothing, but only if the first changes a row:
   * otherwise none is run and the answer is false (a compare-and-swap guarding the rest).
   */
  protected abstract runAllChecked(writes: readonly Write[]): Promise<boolean>;

  abstract close(): Promise<void>;
  abstract acquireLease(holder: string, ttlMs: number, nowMs: number, isDead?: (holder: string) => boolean): Promise<Lease | undefined>;
  abstract appendBatch(batch: AppendBatch): Promise<void>;
  abstract getNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>>;
  abstract tables(): TableAccess;

  /** The first row of a shared query (an engine may fetch only that one). */
  protected async first(name: QueryName, params: readonly unknown[]): Promise<Row | undefined> {
    return (await this.all(name, params))[0];
  }

  async logSize(): Promise<number> {
    return (await this.first("headSize", []))!.size as number;
  }

  async getLeaves(start: number, count: number): Promise<LogLeaf[]> {
    return (await this.arrays("leaves", [start, start + count])).map((r) => ({ index: r[0] as number, data: r[1] as Uint8Array, hash: r[2] as Uint8Array }));
  }

  async getNodeRange(level: number, start: number, count: number): Promise<StoredNode[]> {
    const rows = level === 0 ? await this.arrays("leafHashRange", [start, start + count]) : await this.arrays("nodeRange", [level, start, start + count]);
    return rows.map((r) => ({ level, index: r[0] as number, hash: r[1] as Uint8Array }));
  }

  async getPackedLeaves(start: number, count: number): Promise<PackedLeaves | undefined> {
    const sql = (this.#packedSql ??= packedSql(this.dialect)).leaves;
    // idx is the primary key: `count` rows in [start, start + count) are every index once.
    const [rows, wellFormed, data, hashes, lengths] = (await this.arrays("packedLeaves", [start, start + count], sql))[0] as [number, number | null, Uint8Array | null, Uint8Array | null, string | null];
    if (count === 0 || rows !== count || wellFormed !== count || data === null || hashes === null || lengths === null) return undefined;
    if (hashes.length !== count * HASH_BYTES) return undefined;
    const ends = parseEnds(lengths, count);
    if (ends === undefined || ends[count - 1] !== data.length) return undefined;
    return { data, ends, hashes };
  }

  async getPackedNodes(level: number, start: number, count: number): Promise<Uint8Array | undefined> {
    const sql = (this.#packedSql ??= packedSql(this.dialect)).nodes;
    const [rows, wellFormed, hashes] = (await this.arrays("packedNodes", [level, start, start + count], sql))[0] as [number, number, Uint8Array | null];
    if (count === 0 || rows !== count || wellFormed !== count || hashes === null || hashes.length !== count * HASH_BYTES) return undefined;
    return hashes;
  }

  #packedSql: { leaves: string; nodes: string } | undefined;

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const r = await this.first("latestCheckpoint", []);
    return r && toCheckpoint(r);
  }

  async listCheckpoints(after: number, limit: number): Promise<StoredCheckpoint[]> {
    return (await this.all("checkpoints", [after, limit])).map(toCheckpoint);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    const r = await this.first("checkpointAt", [size]);
    return r && toCheckpoint(r);
  }

  async renewLease(holder: string, epoch: number, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    const expiresAt = nowMs + ttlMs;
    return (await this.runLeaseRenewal(holder, epoch, expiresAt)) === 1 ? { holder, epoch, expiresAt } : undefined;
  }

  /** The renewal's write; the rows it changed (1 while the lease is still this holder's epoch). */
  protected runLeaseRenewal(holder: string, epoch: number, expiresAt: number): Promise<number> {
    return this.run("renewLease", [expiresAt, holder, epoch]);
  }

  async releaseLease(holder: string, epoch: number): Promise<void> {
    await this.run("releaseLease", [holder, epoch]);
  }

  async currentLease(): Promise<Lease | undefined> {
    return toLease((await this.first("head", []))!);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.first("getMeta", [key]))?.value as string | undefined;
  }

  async initMeta(key: string, value: string): Promise<string> {
    await this.run("initMeta", [key, value]);
    return (await this.getMeta(key))!;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.run("setMeta", [key, value]);
  }

  async insertParty(party: PartyRow, key: PartyKeyRow, tokenHash: Uint8Array): Promise<void> {
    try {
      await this.runAll([
        ["insertParty", [party.id, party.slug, party.name, this.dialect.bool(party.custodial), party.organisationId ?? null, party.createdAt]],
        ["insertKey", [key.partyId, key.keyId, key.publicKey, key.createdAt, key.retiredAt ?? null]],
        ["insertToken", [tokenHash, party.id, party.createdAt]],
      ]);
    } catch (e) {
      if (this.isPartyConflict(e)) throw new StoreError("PARTY_EXISTS", `a party with slug ${party.slug} or id ${party.id} exists`);
      throw e;
    }
  }

  async getParty(idOrSlug: string): Promise<PartyRow | undefined> {
    const r = await this.first("partyByIdOrSlug", [idOrSlug, idOrSlug]);
    return r && toParty(r);
  }

  async listParties(): Promise<PartyRow[]> {
    return (await this.all("parties", [])).map(toParty);
  }

  async partyKeys(partyId: string): Promise<PartyKeyRow[]> {
    return (await this.all("keysOf", [partyId])).map(toPartyKey);
  }

  async rotatePartyKey(key: PartyKeyRow): Promise<void> {
    await this.runAll([
      ["retireKeys", [key.createdAt, key.partyId]],
      ["insertKey", [key.partyId, key.keyId, key.publicKey, key.createdAt, null]],
    ]);
  }

  async partyForToken(tokenHash: Uint8Array): Promise<PartyRow | undefined> {
    const r = await this.first("partyByToken", [tokenHash]);
    return r && toParty(r);
  }

  async addPartyToken(partyId: string, tokenHash: Uint8Array, createdAt: string): Promise<void> {
    await this.run("insertToken", [tokenHash, partyId, createdAt]);
  }

  async partyTokens(partyId: string): Promise<PartyTokenRow[]> {
    return (await this.all("tokensOf", [partyId])).map(toPartyToken);
  }

  async revokePartyToken(partyId: string, tokenHash: Uint8Array, revokedAt: string): Promise<boolean> {
    return (await this.run("revokeToken", [revokedAt, tokenHash, partyId])) > 0;
  }

  async addPartyRelation(rel: PartyRelationRow): Promise<void> {
    await this.run("insertRelation", [rel.kind, rel.partyId, rel.target]);
  }

  async listPartyRelations(): Promise<PartyRelationRow[]> {
    return (await this.all("relations", [])).map(toPartyRelation);
  }

  async recordByDigest(digest: Uint8Array): Promise<StoredRecord | undefined> {
    const r = await this.first("recordByDigest", [digest]);
    return r && toRecord(r);
  }

  async recordVersions(id: string): Promise<StoredRecord[]> {
    return (await this.arrays("recordVersions", [id])).map(toRecordArray);
  }

  async recordVersionsOf(ids: readonly string[]): Promise<StoredRecord[]> {
    if (ids.length === 0) return [];
    const d = this.dialect;
    return (await this.all("recordVersionsOf", [d.listValue(ids)], d.sql(`SELECT * FROM record WHERE ${d.inList("id")} ORDER BY id, modified`))).map(toRecord);
  }

  async countRecordsAboutEach(warningIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (warningIds.length === 0) return out;
    const d = this.dialect;
    const rows = await this.all("countRecordsAboutEach", [d.listValue(warningIds)], d.sql(`SELECT warning_ref, COUNT(*) AS n FROM record WHERE ${d.inList("warning_ref")} GROUP BY warning_ref`));
    for (const r of rows) out.set(r.warning_ref as string, Number(r.n));
    return out;
  }

  async recordsAbout(warningId: string): Promise<StoredRecord[]> {
    return (await this.arrays("recordsAbout", [warningId])).map(toRecordArray);
  }

  async countRecordsAbout(warningId: string): Promise<number> {
    return (await this.first("countRecordsAbout", [warningId]))!.n as number;
  }

  async listRecords(q: RecordQuery): Promise<StoredRecord[]> {
    const query = recordQuerySql(this.dialect, q);
    if (!query) return [];
    return (await this.arrays(`records-${query.shape}`, query.params, query.sql, true)).map(toRecordArray);
  }

  async listRecordHeads(q: RecordQuery): Promise<RecordHead[]> {
    const query = recordQuerySql(this.dialect, q, RECORD_HEAD_COLUMNS);
    if (!query) return [];
    return (await this.arrays(`records-${query.shape}`, query.params, query.sql, true)).map(toRecordHead);
  }

  async listRecordBodies(q: RecordQuery): Promise<RecordBody[]> {
    const query = recordQuerySql(this.dialect, q, RECORD_BODY_COLUMNS);
    if (!query) return [];
    return (await this.arrays(`records-${query.shape}`, query.params, query.sql, true)).map(toRecordBody);
  }

  async recordDigests(logIndexes: readonly number[]): Promise<Map<number, Uint8Array>> {
    const out = new Map<number, Uint8Array>();
    // Read as ranges of the log: a page's records lie close together in it. A run is cut where the next
    // wanted index is more than DIGEST_RANGE_GAP away, so no read walks far past what is wanted.
    const wanted = [...new Set(logIndexes)].sort((a, b) => a - b);
    for (let i = 0; i < wanted.length; ) {
      let j = i;
      while (j + 1 < wanted.length && wanted[j + 1]! - wanted[j]! <= DIGEST_RANGE_GAP) j++;
      const want = new Set(wanted.slice(i, j + 1));
      for (const [index, digest] of await this.arrays("recordDigestsInRange", [wanted[i], wanted[j]])) {
        if (want.has(Number(index))) out.set(Number(index), digest as Uint8Array);
      }
      i = j + 1;
    }
    return out;
  }

  async recordsAfter(afterIndex: number, limit: number, kind?: string): Promise<StoredRecord[]> {
    const rows = kind === undefined ? await this.arrays("recordsAfter", [afterIndex, limit]) : await this.arrays("recordsOfKindAfter", [kind, afterIndex, limit]);
    return rows.map(toRecordArray);
  }

  async maxAddedUs(types?: readonly string[]): Promise<number> {
    if (types === undefined) return ((await this.first("maxAddedUs", []))!.m as number | null) ?? 0;
    if (types.length === 0) return 0;
    // One statement (one read transaction) for all the types, each its own seek on the (type, added_us) index.
    const sql = this.dialect.sql(`SELECT ${types.map((_, i) => `COALESCE((${QUERIES.maxAddedUsOfType}), 0) AS m${i}`).join(", ")}`);
    const [row] = await this.arrays(`maxAddedUsOfTypes-${types.length}`, types, sql);
    return Math.max(0, ...(row ?? []).map(Number));
  }

  async recordsByLogIndex(start: number, end: number, limit: number): Promise<StoredRecord[]> {
    return (await this.arrays("recordsByLogIndex", [start, end, limit])).map(toRecordArray);
  }

  async tombstonesByLogIndex(start: number, end: number, limit: number): Promise<StoredTombstone[]> {
    return (await this.all("tombstonesByLogIndex", [start, end, limit])).map(toTombstone);
  }

  async tombstoneOf(digest: Uint8Array): Promise<StoredTombstone | undefined> {
    const r = await this.first("tombstoneOf", [digest]);
    return r && toTombstone(r);
  }

  async saveTaxiiStatus(status: TaxiiStatusRow, pruneBeforeMs: number): Promise<void> {
    await this.runAll([
      ["pruneStatuses", [pruneBeforeMs]],
      ["saveStatus", [status.id, status.owner, status.createdAtMs, status.body]],
    ]);
  }

  async taxiiStatus(id: string): Promise<TaxiiStatusRow | undefined> {
    const r = await this.first("status", [id]);
    return r && toTaxiiStatus(r);
  }

  async witnessedLog(origin: string): Promise<WitnessedLogRow | undefined> {
    const r = await this.first("witnessedLog", [origin]);
    return r && toWitnessedLog(r);
  }

  async witnessedLogs(): Promise<WitnessedLogRow[]> {
    return (await this.all("witnessedLogs", [])).map(toWitnessedLog);
  }

  async witnessedLogUrl(origin: string): Promise<string | undefined> {
    return (await this.first("witnessedLogUrl", [origin]))?.url as string | undefined;
  }

  async setWitnessedLogUrl(origin: string, url: string, at: string): Promise<void> {
    await this.run("setWitnessedLogUrl", [origin, url, at]);
  }

  async addWitnessedLog(origin: string, vkey: string, at: string): Promise<void> {
    await this.run("addWitnessedLog", [origin, vkey, new Uint8Array(0), at]);
  }

  async advanceWitnessedLog(
    origin: string,
    from: { readonly size: number; readonly root: Uint8Array; readonly vkey: string },
    to: { readonly size: number; readonly root: Uint8Array; readonly note: string },
    at: string,
  ): Promise<boolean> {
    return (await this.run("advanceWitnessedLog", [to.size, to.root, to.note, at, origin, from.size, from.root, from.vkey])) === 1;
  }

  async advanceWitnessedLogs(moves: readonly WitnessStateMove[]): Promise<boolean[]> {
    if (moves.length === 0) return [];
    const counts = await this.runAll(moves.map((m) => ["advanceWitnessedLog", [m.to.size, m.to.root, m.to.note, m.at, m.origin, m.from.size, m.from.root, m.from.vkey]] as const));
    return counts.map((n) => n === 1);
  }

  async addCosignature(c: StoredCosignature): Promise<void> {
    await this.run("addCosignature", [c.size, c.witness, c.line, c.createdAt]);
  }

  async cosignaturesAt(size: number): Promise<StoredCosignature[]> {
    return (await this.all("cosignaturesAt", [size])).map(toCosignature);
  }

  async firstCosignedSizeAfter(index: number): Promise<number | undefined> {
    const m = (await this.first("firstCosignedSizeAfter", [index]))?.m as number | string | null | undefined;
    return m === null || m === undefined ? undefined : Number(m);
  }

  async latestCosignedSize(quorum: number): Promise<number | undefined> {
    return (await this.first("latestCosignedSize", [quorum]))?.size as number | undefined;
  }

  async lastCosignedSize(witness: string): Promise<number> {
    return ((await this.first("lastCosignedSize", [witness]))!.m as number | null) ?? 0;
  }

  async peers(): Promise<PeerRow[]> {
    return (await this.all("peers", [])).map(toPeer);
  }

  async peer(origin: string): Promise<PeerRow | undefined> {
    const r = await this.first("peer", [origin]);
    return r && toPeer(r);
  }

  async savePeer(peer: PeerRow, parties: readonly PartyRow[]): Promise<void> {
    const writes: Write[] = [["savePeer", [peer.origin, peer.url, peer.vkey, peer.nodeParty, peer.keyHistory, peer.checkpoint, peer.addedAt, peer.updatedAt]]];
    for (const p of parties) {
      writes.push(["insertParty", [p.id, p.slug, p.name, this.dialect.bool(p.custodial), p.organisationId ?? null, p.createdAt]]);
      writes.push(["insertPeerParty", [p.id, peer.origin]]);
    }
    try {
      await this.runAll(writes);
    } catch (e) {
      if (this.isPartyConflict(e)) throw new StoreError("PARTY_EXISTS", `a party of peer ${peer.origin} has a slug or id taken on this node`);
      throw e;
    }
  }

  async removePeer(origin: string): Promise<boolean> {
    return (await this.run("removePeer", [origin])) > 0;
  }

  async peerOfParty(partyId: string): Promise<string | undefined> {
    return (await this.first("peerOfParty", [partyId]))?.origin as string | undefined;
  }

  async peerParties(origin: string): Promise<string[]> {
    return (await this.all("peerParties", [origin])).map((r) => r.party_id as string);
  }

  async enqueueDeliveries(rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runAll(
      rows.map((r) => [
        "enqueueDelivery",
        [r.digest, r.peer, r.recordId, r.warningRef ?? null, r.kind, r.inbox, r.state, r.attempts, r.nextAttemptMs, r.lastError ?? null, r.createdAt, r.updatedAt],
      ] as const),
    );
  }

  async dueDeliveries(nowMs: number, limit: number): Promise<OutboxRow[]> {
    return (await this.all("dueDeliveries", [nowMs, limit])).map(toOutbox);
  }

  async updateDeliveries(changes: readonly DeliveryChange[]): Promise<boolean[]> {
    if (changes.length === 0) return [];
    const counts = await this.runAll(changes.map((c) => ["updateDelivery", [c.state, c.attempts, c.nextAttemptMs, c.lastError ?? null, c.updatedAt, c.digest, c.peer, c.from.state, c.from.attempts]] as const));
    return counts.map((n) => n === 1);
  }

  async markReceipted(warningId: string, peer: string, at: string, version?: Uint8Array): Promise<void> {
    await this.runAll([["markReceipted", [at, warningId, peer]] as const, ...(version ? [["markVersionReceipted", [at, version, peer]] as const] : [])]);
  }

  async deliveries(query: { warningId?: string | undefined; limit: number }): Promise<OutboxRow[]> {
    const rows = query.warningId === undefined ? await this.all("deliveries", [query.limit]) : await this.all("deliveriesOf", [query.warningId, query.limit]);
    return rows.map(toOutbox);
  }

  async saveForeignRecords(rows: readonly ForeignRecordRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.runAll(rows.map((row) => ["saveForeignRecord", [row.digest, row.origin, row.originIndex, row.originLeaf, row.size, row.hashes.join(","), row.checkpoint, row.receivedAt]] as const));
  }

  async foreignRecord(digest: Uint8Array): Promise<ForeignRecordRow | undefined> {
    const r = await this.first("foreignRecord", [digest]);
    return r && toForeignRecord(r);
  }

  async cursor(name: string): Promise<number> {
    const r = await this.first("cursor", [name]);
    return r === undefined ? -1 : Number(r.position);
  }

  async setCursor(name: string, position: number): Promise<void> {
    await this.run("setCursor", [name, position]);
  }

  async earliestDeadlines(queue: string, limit: number): Promise<DeadlineRow[]> {
    return (await this.arrays("earliestDeadlines", [queue, limit])).map((r) => ({ key: r[0] as string, dueMs: Number(r[1]) }));
  }

  async saveDeadlines(queue: string, changes: readonly DeadlineChange[], cursors: ReadonlyMap<string, number>): Promise<void> {
    const writes: Write[] = [];
    // A run of schedules commutes (each keeps the earlier instant): one row per key, many per statement.
    let run = new Map<string, number>();
    const endRun = () => {
      const rows = [...run];
      let i = 0;
      for (; i + DEADLINES_PER_STATEMENT <= rows.length; i += DEADLINES_PER_STATEMENT) {
        writes.push(["scheduleDeadlines", rows.slice(i, i + DEADLINES_PER_STATEMENT).flatMap(([key, at]) => [queue, key, at])]);
      }
      for (; i < rows.length; i++) writes.push(["scheduleDeadline", [queue, rows[i]![0], rows[i]![1]]]);
      run = new Map();
    };
    for (const c of changes) {
      if ("earliest" in c) {
        const had = run.get(c.key);
        if (had === undefined || c.earliest < had) run.set(c.key, c.earliest);
        continue;
      }
      endRun();
      writes.push(c.to === undefined ? ["dropDeadline", [queue, c.key, c.from]] : ["moveDeadline", [c.to, queue, c.key, c.from]]);
    }
    endRun();
    for (const [name, position] of cursors) writes.push(["setCursor", [name, position]]);
    if (writes.length > 0) await this.runAll(writes);
  }

  async addNotice(n: NewNotice): Promise<boolean> {
    // Numbered max + 1 in the statement: one writer at a time (SQLite's one connection; PostgreSQL's
    // override takes a lock first) so the numbers follow the commits and a reader never skips one.
    return (await this.run("addNotice", noticeParams(n))) === 1;
  }

  async noticesAfter(partyId: string, afterSeq: number, limit: number): Promise<StoredNotice[]> {
    return (await this.all("noticesAfter", [partyId, afterSeq, limit])).map(toNotice);
  }

  async maxNoticeSeq(): Promise<number> {
    return ((await this.first("maxNoticeSeq", []))!.m as number | null) ?? 0;
  }

  async insertWebhook(w: WebhookRow): Promise<void> {
    await this.run("insertWebhook", [w.id, w.partyId, w.url, JSON.stringify(w.events), w.secret, w.createdAt, w.cursor]);
  }

  async webhook(id: string): Promise<WebhookRow | undefined> {
    const r = await this.first("webhook", [id]);
    return r && toWebhook(r);
  }

  async webhooksOf(partyId: string): Promise<WebhookRow[]> {
    return (await this.all("webhooksOf", [partyId])).map(toWebhook);
  }

  async allWebhooks(): Promise<WebhookRow[]> {
    return (await this.all("allWebhooks", [])).map(toWebhook);
  }

  async removeWebhook(id: string, partyId: string): Promise<boolean> {
    const existed = (await this.webhook(id))?.partyId === partyId;
    await this.runAll([
      ["deleteDeliveriesOf", [id, partyId]],
      ["deleteWebhook", [id, partyId]],
    ]);
    return existed;
  }

  async queueDeliveries(webhookId: string, from: string, to: string, deliveries: readonly WebhookDeliveryRow[]): Promise<boolean> {
    return this.runAllChecked([
      ["moveWebhookCursor", [to, webhookId, from]],
      ...deliveries.map(
        (d): Write => [
          "insertDelivery",
          [d.id, d.webhookId, d.eventId, d.type, d.payload, d.state, d.attempts, d.nextMs, d.lastStatus ?? null, d.lastError ?? null, d.createdAt, d.updatedAt],
        ],
      ),
    ]);
  }

  async dueWebhookDeliveries(nowMs: number, limit: number): Promise<WebhookDeliveryRow[]> {
    return (await this.all("dueWebhookDeliveries", [nowMs, limit])).map(toDelivery);
  }

  async updateWebhookDelivery(id: string, d: Pick<WebhookDeliveryRow, "state" | "attempts" | "nextMs" | "lastStatus" | "lastError" | "updatedAt">): Promise<void> {
    await this.run("updateWebhookDelivery", [d.state, d.attempts, d.nextMs, d.lastStatus ?? null, d.lastError ?? null, d.updatedAt, id]);
  }

  async webhookDeliveriesOf(webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
    return (await this.all("webhookDeliveriesOf", [webhookId, limit])).map(toDelivery);
  }

  async claimWitnessAlarm(row: Omit<WitnessAlarmRow, "logIndex">): Promise<boolean> {
    return (await this.run("claimWitnessAlarm", [row.forkKey, row.origin, row.recordId, row.body, row.detectedAt])) === 1;
  }

  async witnessAlarm(forkKey: string): Promise<WitnessAlarmRow | undefined> {
    const r = await this.first("witnessAlarm", [forkKey]);
    return r && toWitnessAlarm(r);
  }

  async setWitnessAlarmIndex(forkKey: string, logIndex: number): Promise<void> {
    await this.run("setWitnessAlarmIndex", [logIndex, forkKey]);
  }

  async witnessAlarms(): Promise<WitnessAlarmRow[]> {
    return (await this.all("witnessAlarms", [])).map(toWitnessAlarm);
  }
}

/** The aggregate reads of getPackedLeaves and getPackedNodes in an engine's SQL. */
function packedSql(d: Dialect): { leaves: string; nodes: string } {
  const hashOk = (c: string) => `${d.isBytes(c)} AND ${d.byteLength(c)} = ${HASH_BYTES}`;
  // Every column named: an engine that answers objects would otherwise merge two count(*)s.
  return {
    leaves: d.sql(
      `SELECT count(*) AS n, ${d.countWhere(`${d.isBytes("data")} AND ${hashOk("hash")}`)} AS well_formed, ` +
        `${d.bytesAgg("data", "idx")} AS data, ${d.bytesAgg("hash", "idx")} AS hashes, ${d.textAgg(d.byteLength("data"), "idx")} AS lengths ` +
        `FROM log_leaf WHERE idx >= ? AND idx < ?`,
    ),
    nodes: d.sql(
      `SELECT count(*) AS n, ${d.countWhere(hashOk("hash"))} AS well_formed, ${d.bytesAgg("hash", "idx")} AS hashes ` +
        `FROM log_node WHERE level = ? AND idx >= ? AND idx < ?`,
    ),
  };
}

/** Running ends from a comma-separated list of `count` lengths; undefined if it is not exactly that. */
function parseEnds(lengths: string, count: number): Float64Array | undefined {
  const ends = new Float64Array(count);
  let n = 0;
  let value = 0;
  let digits = 0;
  let total = 0;
  for (let i = 0; i <= lengths.length; i++) {
    const c = i < lengths.length ? lengths.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 44 && digits > 0 && n < count) {
      total += value;
      ends[n++] = total;
      value = 0;
      digits = 0;
    } else return undefined;
  }
  return n === count ? ends : undefined;
}

/** The `addNotice` statement's parameters, shared with the PostgreSQL override. */
export function noticeParams(n: NewNotice): unknown[] {
  return [n.key, n.partyId, n.type, n.at, n.warningId ?? null, n.recordId ?? null, n.summary];
}
