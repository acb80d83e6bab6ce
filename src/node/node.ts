import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Clock } from "../core/clock.js";
import type { NoteSigner } from "../core/note/index.js";
import { buildApp } from "../http/app.js";
import { LogReader } from "../log/log-reader.js";
import type { Sequencer } from "../log/sequencer.js";
import { systemClock } from "../log/system-clock.js";
import type { Admission } from "../exchange/admission.js";
import { BoardService } from "../exchange/board-service.js";
import { Escalator } from "../exchange/escalator.js";
import type { Logger } from "../exchange/logger.js";
import type { PartyDirectory } from "../exchange/party-directory.js";
import type { PartyRegistrar } from "../exchange/party-registrar.js";
import { RecordCheckPool } from "../exchange/record-check-pool.js";
import { RecordDeletion } from "../exchange/record-deletion.js";
import type { RecordReader } from "../exchange/record-reader.js";
import { ExchangeServices } from "../exchange/exchange-services.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import type { NodeConfig } from "./config.js";
import { PgAdvisoryLocks } from "../store/postgres/advisory-locks.js";
import { openWriteSide, type WriteSide } from "./write-side.js";
import { WitnessService } from "../exchange/witness-service.js";
import { logWitness, WitnessCollector } from "../exchange/witness-collector.js";
import { loadOrCreateWitnessKeys } from "./witness-key.js";

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
  /** The application services the HTTP API calls (the demo loads through them too, e.g. a CAP Ack). */
  readonly services: ExchangeServices;
  /** This node as a witness of other logs (C2SP tlog-witness, POST /witness/add-checkpoint). */
  readonly witness: WitnessService;
  /** Submits this log's checkpoints to its configured witnesses and collects their cosignatures. */
  readonly witnessCollector: WitnessCollector;
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
  // A serving node's SQLite appends wait for the disk on a thread of their own, not on its event loop.
  const store = await openStore(config, { appendThread: true });
  // On a shared database any number of processes run; one sequences at a time (see Leadership).
  const shared = store.sharedByProcesses;
  const checks = config.checkWorkers > 0 ? new RecordCheckPool(config.checkWorkers) : undefined;
  // Lifecycle locks that span the processes of a shared database (a pool, connected on first use).
  const locks = shared ? new PgAdvisoryLocks(config.db!) : undefined;
  let w: WriteSide | undefined;
  try {
    w = await openWriteSide({ store, dataDir: config.dataDir, origin: config.origin, clock, leaseTtlMs: config.leaseTtlMs, checkpointIntervalMs: config.checkpointIntervalMs, sequenceNow: !shared, checks, locks });
    const { signer, sequencer, leadership, secret, appender, parties, node, records, admission, registrar } = w;
    const witnesses = config.witnesses.map((x) => logWitness(x.vkey, x.url));
    const reader = new LogReader(store, { witnessQuorum: config.witnesses.length === 0 ? 0 : (config.witnessQuorum ?? config.witnesses.length) });
    // Every node is a witness of the logs its operator adds (tocsin witness add-log); its keys are files in the data directory.
    const witness = new WitnessService({ store, keys: loadOrCreateWitnessKeys(config.dataDir, { mlDsa: config.witnessMlDsa }), clock });
    // Every party's registration in the log, the node's own first (a database from before key
    // transparency, or a start that died between creating a party and logging it). On a shared
    // database this process takes the lease for the moment, or hands the records to the leader.
    if ((await parties.unregistered()) > 0) await w.asWriter(() => registrar.ensureRegistered());
    const boards = new BoardService({ store, admission, rules: w.boardRules, records, clock });
    // The application services: the one door the HTTP API calls.
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
      witness,
      // The web UI is built beside the compiled node (scripts/build-ui.mjs): dist/ui, or dist-test/ui for tests.
      uiDir: fileURLToPath(new URL("../../ui/", import.meta.url)),
    });
    // Follows the log in whichever process sequences it: alone, from now; shared, while holding the lease.
    // Its failures go to the node's log (Fastify's pino logger) unless the caller passes another.
    const escalator = new Escalator({ store, admission, states: admission.states, clock, node, logger: options.logger ?? app.log });
    if (!shared) await escalator.start(config.escalationIntervalMs);
    // Witnesses are asked where the log is sequenced, like the escalator: one process submits.
    const witnessCollector = new WitnessCollector({ store, reader, witnesses, clock, logger: options.logger ?? app.log });
    if (!shared) await witnessCollector.start(config.witnessIntervalMs);
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
      services,
      witness,
      witnessCollector,
      app,
      async warmUp() {
        await checks?.warm();
      },
      async startLeadership(url: string) {
        if (!leadership) return;
        sequencer.advertise(url);
        await leadership.start([
          { start: () => escalator.start(config.escalationIntervalMs), stop: () => escalator.stop() },
          { start: () => witnessCollector.start(config.witnessIntervalMs), stop: () => witnessCollector.stop() },
        ]);
      },
      async close() {
        leadership?.stop();
        escalator.stop();
        witnessCollector.stop();
        await app.close();
        await sequencer.stop();
        await checks?.close();
        await locks?.close();
        await store.close();
      },
    };
  } catch (e) {
    await w?.sequencer.stop().catch(() => undefined);
    await checks?.close();
    await locks?.close();
    await store.close();
    throw e;
  }
}
