import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Clock } from "../core/clock.js";
import type { NoteSigner } from "../core/note/index.js";
import { buildApp } from "../http/app.js";
import { LogReader } from "../log/log-reader.js";
import { Sequencer } from "../log/sequencer.js";
import { systemClock } from "../log/system-clock.js";
import { Admission } from "../exchange/admission.js";
import { BoardService } from "../exchange/board-service.js";
import { Escalator } from "../exchange/escalator.js";
import type { Logger } from "../exchange/logger.js";
import { PartyService } from "../exchange/party-service.js";
import { RecordCheckPool } from "../exchange/record-check-pool.js";
import { stixValidator } from "../exchange/stix-validator.js";
import { RecordDeletion } from "../exchange/record-deletion.js";
import { RecordReader } from "../exchange/record-reader.js";
import { ExchangeServices } from "../exchange/exchange-services.js";
import { openStore, SQLITE_FILE } from "../store/open-store.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import type { NodeConfig } from "./config.js";
import { PgAdvisoryLocks } from "../store/postgres/advisory-locks.js";
import { ClusterAppender } from "../log/cluster-appender.js";
import { Leadership } from "./leadership.js";
import { loadOrCreateNodeSecret } from "./node-secret.js";
import { loadOrCreateLogKey } from "./log-key.js";
import { withLogWriter } from "./log-writer.js";

export { SQLITE_FILE };

/** A running node's parts, wired once here (the composition root) and closed in reverse order. */
export interface TocsinNode {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly signer: NoteSigner;
  readonly sequencer: Sequencer;
  readonly reader: LogReader;
  readonly parties: PartyService;
  readonly admission: Admission;
  readonly records: RecordReader;
  readonly escalator: Escalator;
  readonly boards: BoardService;
  readonly app: FastifyInstance;
  /**
   * Shared-database (PostgreSQL) nodes only: advertises `url` as where the other processes hand over admitted entries, and
   * starts competing for the sequencing lease. A SQLite node sequences from the start; this is a no-op.
   */
  startLeadership(url: string): Promise<void>;
  /** Starts the record-check workers and waits until they can answer (serve does this before listening). */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/** The node's own party: it signs escalations. */
export const NODE_PARTY_SLUG = "node";

export function openSqliteStore(dataDir: string): SqliteStore {
  return SqliteStore.open(join(dataDir, SQLITE_FILE));
}

/**
 * Opens the store, loads the log key, wires the services and builds the HTTP app (not listening). On
 * SQLite the sequencer starts here; on a shared PostgreSQL database, at `startLeadership` (it needs the
 * URL to advertise), and only in the process that wins the lease.
 */
export async function openNode(config: NodeConfig, options: { clock?: Clock; logger?: Logger } = {}): Promise<TocsinNode> {
  const clock = options.clock ?? systemClock;
  const store = await openStore(config);
  // On a shared database any number of processes run; one sequences at a time (see Leadership).
  const shared = store.sharedByProcesses;
  const checks = config.checkWorkers > 0 ? new RecordCheckPool(config.checkWorkers) : undefined;
  let locks: PgAdvisoryLocks | undefined;
  try {
    const signer = await loadOrCreateLogKey(config.dataDir, store, config.origin);
    const sequencer = new Sequencer({ store, signer, clock, checkpointIntervalMs: config.checkpointIntervalMs, leaseTtlMs: config.leaseTtlMs });
    if (!shared) await sequencer.start();
    const reader = new LogReader(store);
    const parties = new PartyService(store, clock, join(config.dataDir, "keys"));
    const node = (await parties.get(NODE_PARTY_SLUG)) ?? (await createNodeParty(parties, signer.name));
    // Board records obey the board rules (rights, version chain) however they arrive.
    let boards: BoardService | undefined;
    // Key records (registrations, key changes, token events) must fit the logged key history.
    const kindRules = async (o: Parameters<BoardService["checkRecord"]>[0], k: Parameters<BoardService["checkRecord"]>[1]): Promise<void> => {
      await parties.checkKeyRecord(o);
      await boards?.checkRecord(o, k);
    };
    // On a shared database every process admits; lifecycle locks span the processes and the append
    // goes to whichever process sequences (ClusterAppender). Alone, the local sequencer and locks.
    const leadership = shared
      ? new Leadership({ store, sequencer, clock, leaseTtlMs: config.leaseTtlMs })
      : undefined;
    const secret = shared ? loadOrCreateNodeSecret(config.dataDir) : undefined;
    const appender = leadership && secret !== undefined ? new ClusterAppender(sequencer, leadership, secret) : sequencer;
    locks = shared ? new PgAdvisoryLocks(config.db!) : undefined;
    const admission = new Admission({
      store,
      sequencer: appender,
      parties,
      clock,
      // Compiled on first inline use only: with check workers the main thread never validates.
      validate: (o) => stixValidator().assertValidStix(o),
      nodeIdentity: node.id,
      checks,
      kindRules,
      afterAppend: (kinds) => parties.afterAppend(kinds),
      ...(locks ? { locks } : {}),
    });
    parties.useAdmission((poster, objects) => admission.admit(poster, objects));
    // Every party's registration in the log, the node's own first (a database from before key
    // transparency, or a start that died between creating a party and logging it). On a shared
    // database this process takes the lease for the moment, or hands the records to the leader.
    if ((await parties.unregistered()) > 0) {
      if (!shared) await parties.ensureRegistered();
      else await withLogWriter(sequencer, { handOver: async () => (await leadership!.leaderUrl()) !== undefined }, () => parties.ensureRegistered());
    }
    const records = new RecordReader(store, parties);
    boards = new BoardService({ store, admission, parties, records, clock });
    const services = new ExchangeServices({
      store,
      parties,
      records,
      log: reader,
      logKey: signer,
      admission,
      deletion: new RecordDeletion({ store, sequencer: appender, parties, clock, locks }),
      boards,
      clock,
      nodeIdentity: node.id,
    });
    const app = await buildApp({
      config,
      logger: { level: config.logLevel },
      reader,
      sequencer: appender,
      services,
      ...(secret !== undefined ? { cluster: { sequencer, secret } } : {}),
    });
    // Follows the log in whichever process sequences it: alone, from now; shared, while holding the lease.
    // Its failures go to the node's log (Fastify's pino logger) unless the caller passes another.
    const escalator = new Escalator({ store, admission, states: admission.states, clock, node, logger: options.logger ?? app.log });
    if (!shared) await escalator.start(config.escalationIntervalMs);
    return {
      config,
      store,
      signer,
      sequencer,
      reader,
      parties,
      admission,
      records,
      escalator,
      boards,
      app,
      async warmUp() {
        await checks?.warm();
      },
      async startLeadership(url: string) {
        if (!leadership) return;
        sequencer.advertise(url);
        await leadership.start([{ start: () => escalator.start(config.escalationIntervalMs), stop: () => escalator.stop() }]);
      },
      async close() {
        leadership?.stop();
        escalator.stop();
        await app.close();
        await sequencer.stop();
        await checks?.close();
        await locks?.close();
        await store.close();
      },
    };
  } catch (e) {
    await checks?.close();
    await locks?.close();
    await store.close();
    throw e;
  }
}

/**
 * The node's own party; several processes starting on one database may race to create it. Created
 * before the admission exists (the admission names it), so its registration is logged just after.
 */
/** Creates the node's own custodial party; a process that lost the race to create it takes the winner's. */
export async function createNodeParty(parties: PartyService, origin: string) {
  try {
    return await parties.require((await parties.create({ slug: NODE_PARTY_SLUG, name: `Tocsin node ${origin}`, custodial: true })).id);
  } catch (e) {
    const existing = await parties.get(NODE_PARTY_SLUG);
    if (existing) return existing;
    throw e;
  }
}
