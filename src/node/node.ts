import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Clock } from "../core/clock.js";
import type { NoteSigner } from "../core/note/index.js";
import { buildApp } from "../http/app.js";
import { LogReader } from "../log/log-reader.js";
import { Sequencer } from "../log/sequencer.js";
import { systemClock } from "../log/system-clock.js";
import type { Admission } from "../exchange/admission.js";
import { BoardRules } from "../exchange/board-rules.js";
import { BoardService } from "../exchange/board-service.js";
import { buildAdmission } from "../exchange/build-admission.js";
import { Escalator } from "../exchange/escalator.js";
import type { Logger } from "../exchange/logger.js";
import { openNodeParty } from "../exchange/node-party.js";
import { PartyDirectory } from "../exchange/party-directory.js";
import { PartyKeyFiles } from "../exchange/party-key-files.js";
import { PartyRegistrar } from "../exchange/party-registrar.js";
import { RecordCheckPool } from "../exchange/record-check-pool.js";
import { RecordDeletion } from "../exchange/record-deletion.js";
import { RecordReader } from "../exchange/record-reader.js";
import { WarningList } from "../exchange/warning-list.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import type { NodeConfig } from "./config.js";
import { PgAdvisoryLocks } from "../store/postgres/advisory-locks.js";
import { ClusterAppender } from "../log/cluster-appender.js";
import { Leadership } from "./leadership.js";
import { loadOrCreateNodeSecret } from "./node-secret.js";
import { loadOrCreateLogKey } from "./log-key.js";
import { withLogWriter } from "./log-writer.js";

/** A running node's parts, wired once here (the composition root) and closed in reverse order. */
export interface TocsinNode {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly signer: NoteSigner;
  readonly sequencer: Sequencer;
  readonly reader: LogReader;
  readonly parties: PartyDirectory;
  /** Party changes (registrations, keys, tokens), each logged. */
  readonly registrar: PartyRegistrar;
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
    const keyFiles = new PartyKeyFiles(join(config.dataDir, "keys"));
    const parties = new PartyDirectory(store, keyFiles);
    const node = await openNodeParty({ store, clock, parties, keyFiles }, signer.name);
    const records = new RecordReader(store, parties);
    const boardRules = new BoardRules({ store, records });
    // On a shared database every process admits; lifecycle locks span the processes and the append
    // goes to whichever process sequences (ClusterAppender). Alone, the local sequencer and locks.
    const leadership = shared
      ? new Leadership({ store, sequencer, clock, leaseTtlMs: config.leaseTtlMs })
      : undefined;
    const secret = shared ? loadOrCreateNodeSecret(config.dataDir) : undefined;
    const appender = leadership && secret !== undefined ? new ClusterAppender(sequencer, leadership, secret) : sequencer;
    locks = shared ? new PgAdvisoryLocks(config.db!) : undefined;
    const admission = buildAdmission({ store, appender, parties, boards: boardRules, clock, node, checks, locks });
    const registrar = new PartyRegistrar({ store, clock, parties, keyFiles, admission, node });
    // Every party's registration in the log, the node's own first (a database from before key
    // transparency, or a start that died between creating a party and logging it). On a shared
    // database this process takes the lease for the moment, or hands the records to the leader.
    if ((await parties.unregistered()) > 0) {
      if (!shared) await registrar.ensureRegistered();
      else await withLogWriter(sequencer, { handOver: async () => (await leadership!.leaderUrl()) !== undefined }, () => registrar.ensureRegistered());
    }
    const boards = new BoardService({ store, admission, rules: boardRules, records, clock });
    const app = await buildApp({
      config,
      logger: { level: config.logLevel },
      reader,
      sequencer: appender,
      api: { store, parties, admission, records, log: reader, logKey: signer, warnings: new WarningList({ store, records, nodeIdentity: node.id }) },
      taxii: {
        store,
        parties,
        admission,
        records,
        deletion: new RecordDeletion({ store, sequencer: appender, parties, clock, locks }),
        clock,
        maxBodyBytes: config.maxBodyBytes,
      },
      boards,
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
      registrar,
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
