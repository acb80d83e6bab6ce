import { rfc3339, type Clock } from "../core/clock.js";
import { toHex } from "../core/crypto/index.js";
import { retryDelayMs, type OriginProof } from "../core/federation/index.js";
import { WARNING_EXT } from "../core/record/index.js";
import type { LogReader } from "../log/log-reader.js";
import type { OutboxRow, Store, StoredRecord } from "../store/store.js";
import type { FederationEvents } from "./federation-events.js";
import { ORIGIN_PROOFS_MEMBER } from "./federation-receiver.js";
import type { Logger } from "./logger.js";
import { NODE_PARTY_SLUG } from "./node-party.js";
import type { PeerDirectory } from "./peer-directory.js";
import { RunsByKey } from "./runs-by-key.js";

/** The follower's name in federation_cursor. */
const CURSOR = "outbox";
const PAGE = 500;
/** Most records in one delivery envelope (first attempts only). */
const BATCH = 100;

export interface OutboxOptions {
  /** How often the outbox looks for new records and due deliveries (ms). */
  readonly intervalMs: number;
  /** The first retry's delay (ms); doubled per attempt up to `backoffCapMs`, with jitter. */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** How long one delivery may take (ms). */
  readonly timeoutMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { intervalMs: 250, backoffBaseMs: 500, backoffCapMs: 60_000, timeoutMs: 10_000 };

/**
 * The durable outbox (docs/federation.md): every record of a warning thread that involves a party
 * hosted on a peer node is delivered to that node — a TAXII 2.1 POST of the signed record to the inbox
 * of that party, with the record's origin proof (its leaf and an inclusion proof in this log's signed
 * checkpoint). It runs where the log is sequenced (a leader task on a shared database, like the
 * escalator), so one process drains it.
 *
 * Two steps per tick. A follower of the log, whose position is stored (federation_cursor), turns each
 * new local record into outbox rows — one per peer, keyed by record digest and peer, so a crash between
 * the two writes only re-inserts rows that exist. Then every due row is sent, oldest first, in order per
 * peer (first attempts to one inbox batched, up to 100 per envelope) (a failure holds back that peer's later rows until the next tick): a 202 whose status reports
 * the record logged is `delivered`; anything else is `failed` with the error and attempt count, retried
 * after an exponential backoff with jitter. Records received from peers are not forwarded again.
 */
export class Outbox {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #nodeParty: string | undefined;
  /** A nudged round is due at the next turn of the event loop. */
  #nudged = false;
  /** The last round found no peer: a nudged round then has nothing new to send. */
  #noPeers = false;
  /** Each peer's sending under way, by peer origin: a round leaves that peer out until it has ended. */
  readonly #sending = new RunsByKey();
  /** Peers a round left out because their sending was under way: a round follows when it ends. */
  readonly #leftOut = new Set<string>();

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly log: LogReader;
      readonly peers: PeerDirectory;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly events: FederationEvents;
      /** This log's origin (sent as X-Tocsin-Origin). */
      readonly origin: string;
      readonly options?: Partial<OutboxOptions>;
      readonly random?: () => number;
    },
  ) {}

  get #options(): OutboxOptions {
    return { ...DEFAULT_OUTBOX_OPTIONS, ...this.d.options };
  }

  async start(): Promise<void> {
    this.stop();
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once the round and every peer's sending under way have finished: the node closes its store only after. */
  async settle(): Promise<void> {
    await this.#running;
    await this.#sending.settled();
  }

  /**
   * A record was just logged here: look now rather than at the next interval (only where the outbox
   * runs). The appends that complete in one turn of the event loop — under load, the requests of one
   * group commit each report theirs — share one round at the next turn instead of a round each; and when
   * there is no peer, that round ends once it has seen none (records reach no one; retries and leftovers
   * of a removed peer wait for the interval's full round), instead of also looking for due deliveries
   * (two queries per admitted batch were 7 % of the event loop's CPU admitting one record per request).
   */
  nudge(): void {
    if (!this.#timer || this.#nudged) return;
    this.#nudged = true;
    setImmediate(() => {
      this.#nudged = false;
      if (this.#timer) void this.#round(true);
    });
  }

  /** One round; a call during a round makes one more round follow it. */
  tick(): Promise<void> {
    return this.#round(false);
  }

  #round(nudged: boolean): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      let onlyNew = nudged;
      do {
        this.#again = false;
        try {
          await this.enqueueNew();
          if (!(onlyNew && this.#noPeers)) await this.drain();
          onlyNew = false;
        } catch (e) {
          this.d.logger.error({ error: (e as Error).message }, "outbox round failed");
        }
      } while (this.#again);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Turns the records logged since the stored position into outbox rows. */
  async enqueueNew(): Promise<number> {
    const { store } = this.d;
    this.#noPeers = (await store.peers()).length === 0;
    if (this.#noPeers) return 0;
    this.#nodeParty ??= (await store.getParty(NODE_PARTY_SLUG))?.id;
    let position = await store.cursor(CURSOR);
    let queued = 0;
    for (;;) {
      const page = await store.recordsAfter(position, PAGE);
      const rows: OutboxRow[] = [];
      for (const r of page) rows.push(...(await this.#rowsFor(r)));
      await store.enqueueDeliveries(rows);
      queued += rows.length;
      if (page.length > 0) {
        position = page.at(-1)!.logIndex;
        await store.setCursor(CURSOR, position);
      }
      if (page.length < PAGE) return queued;
    }
  }

  /** The peers a record must reach: those hosting a party of its thread (warning author, recipients, arbiters) other than its author. */
  async #rowsFor(r: StoredRecord): Promise<OutboxRow[]> {
    if (r.warningRef === undefined || r.author === this.#nodeParty) return [];
    // Received from a peer: its author's node delivers it.
    if (await this.d.store.peerOfParty(r.author)) return [];
    const warning = r.kind === "warning" ? r : (await this.d.store.recordVersions(r.warningRef)).at(-1);
    if (!warning) return [];
    const body = JSON.parse(warning.body) as Record<string, any>;
    const ext = body.extensions?.[WARNING_EXT] ?? {};
    const involved = [warning.author, ...((ext.recipient_refs ?? []) as string[]), ...((ext.arbiter_refs ?? []) as string[])].filter((p) => p !== r.author);
    const inboxes = new Map<string, string>();
    for (const partyId of involved) {
      const origin = await this.d.store.peerOfParty(partyId);
      if (origin === undefined || inboxes.has(origin)) continue;
      const party = await this.d.store.getParty(partyId);
      if (party) inboxes.set(origin, party.slug);
    }
    const now = this.d.clock.now();
    return [...inboxes].map(([peer, inbox]) => ({
      digest: r.digest,
      peer,
      recordId: r.id,
      warningRef: r.warningRef,
      kind: r.kind,
      inbox,
      state: "queued" as const,
      attempts: 0,
      nextAttemptMs: now,
      lastError: undefined,
      createdAt: rfc3339(now),
      updatedAt: rfc3339(now),
    }));
  }

  /**
   * Starts sending every due delivery: peers in parallel, each peer's in order. First attempts to one
   * inbox go together, up to BATCH records per envelope (the peer verifies and logs them in one go); a
   * retry goes alone, so that one record a peer refuses cannot hold back the others.
   *
   * The round does not wait for the sending. Over a cut link a peer answers nothing until the delivery
   * timeout, and a round that waited for every peer held up the deliveries to all the others that long
   * (and the next rounds behind it). A peer whose sending is under way is left out, and a round follows
   * as soon as that sending ends, so what became due for it meanwhile goes at once.
   */
  async drain(): Promise<void> {
    const due = await this.d.store.dueDeliveries(this.d.clock.now(), 1000);
    const byPeer = new Map<string, OutboxRow[]>();
    for (const row of due) byPeer.set(row.peer, [...(byPeer.get(row.peer) ?? []), row]);
    for (const [peer, rows] of byPeer) {
      const ended = () => {
        if (this.#leftOut.delete(peer) && this.#timer) void this.#round(false);
      };
      if (!this.#sending.start(peer, () => this.#sendInOrder(rows), ended)) this.#leftOut.add(peer);
    }
  }

  /** One peer's due rows, in order; stops at the first failure (the rest wait for a later round). Never throws. */
  async #sendInOrder(rows: readonly OutboxRow[]): Promise<void> {
    try {
      for (let i = 0; i < rows.length; ) {
        const batch = [rows[i]!];
        if (rows[i]!.attempts === 0) {
          while (batch.length < BATCH && rows[i + batch.length]?.attempts === 0 && rows[i + batch.length]!.inbox === rows[i]!.inbox) batch.push(rows[i + batch.length]!);
        }
        if (!(await this.#send(batch))) return;
        i += batch.length;
      }
    } catch (e) {
      this.d.logger.error({ peer: rows[0]?.peer, error: (e as Error).message }, "outbox: sending to a peer failed");
    }
  }

  /** One attempt for a batch of one peer's rows to one inbox; false when it failed (the peer's later rows wait). */
  async #send(rows: readonly OutboxRow[]): Promise<boolean> {
    const { store, clock } = this.d;
    const first = rows[0]!;
    try {
      const peer = await this.d.peers.peer(first.peer);
      if (!peer) throw new Error(`${first.peer} is no longer a peer`);
      const checkpoint = await store.latestCheckpoint();
      const objects: unknown[] = [];
      const proofs: OriginProof[] = [];
      for (const row of rows) {
        const record = await store.recordByDigest(row.digest);
        if (!record) throw new Error("the record is no longer stored");
        // Not yet under a signed checkpoint: nothing to prove it with yet, so not an attempt.
        if (!checkpoint || checkpoint.size <= record.logIndex) return false;
        objects.push(JSON.parse(record.body));
        proofs.push({
          origin: this.d.origin,
          index: record.logIndex,
          leaf: Buffer.from((await this.d.log.entry(record.logIndex)).data).toString("base64"),
          size: checkpoint.size,
          hashes: (await this.d.log.inclusionProof(record.logIndex, checkpoint.size)).hashes.map(toHex),
          checkpoint: checkpoint.note,
        });
      }
      const url = `${peer.url}/taxii2/exchange/collections/inbox-${first.inbox}/objects/`;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/taxii+json;version=2.1", accept: "application/taxii+json;version=2.1", "x-tocsin-origin": this.d.origin },
        body: JSON.stringify({ objects, [ORIGIN_PROOFS_MEMBER]: proofs }),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      const text = await res.text();
      if (res.status !== 202) throw new Error(`${res.status}: ${problemOf(text)}`);
      const status = JSON.parse(text) as { success_count?: number; failures?: { message?: string }[] };
      if (status.success_count !== rows.length) throw new Error(`refused: ${status.failures?.[0]?.message ?? text.slice(0, 300)}`);
      const now = clock.now();
      await store.updateDeliveries(rows.map((row) => ({ digest: row.digest, peer: row.peer, from: row, state: "delivered", attempts: row.attempts + 1, nextAttemptMs: now, lastError: undefined, updatedAt: rfc3339(now) })));
      return true;
    } catch (e) {
      const now = clock.now();
      const error = (e as Error).message.slice(0, 1000);
      const changes = rows.map((row) => {
        const attempts = row.attempts + 1;
        const retryAt = now + retryDelayMs(attempts, this.#options.backoffBaseMs, this.#options.backoffCapMs, (this.d.random ?? Math.random)());
        return { row, change: { digest: row.digest, peer: row.peer, from: row, state: "failed" as const, attempts, nextAttemptMs: retryAt, lastError: error, updatedAt: rfc3339(now) } };
      });
      const moved = await store.updateDeliveries(changes.map((c) => c.change));
      // Only failures that were recorded are told (not a late one another process's success overtook).
      for (const { row, change } of changes.filter((_, i) => moved[i])) {
        this.d.events.deliveryFailed({ at: rfc3339(now), peer: row.peer, recordId: row.recordId, warningId: row.warningRef, attempts: change.attempts, error, retryAt: rfc3339(change.nextAttemptMs) });
      }
      this.d.logger.warn({ peer: first.peer, records: rows.map((r) => r.recordId), attempts: first.attempts + 1, error }, "delivery to a peer failed");
      return false;
    }
  }
}

/** A problem document's code and detail, or the start of the text. */
function problemOf(text: string): string {
  try {
    const p = JSON.parse(text) as { code?: string; error_code?: string; title?: string; detail?: string; description?: string };
    return [p.code ?? p.error_code, p.detail ?? p.description ?? p.title].filter(Boolean).join(": ");
  } catch {
    return text.slice(0, 300);
  }
}
