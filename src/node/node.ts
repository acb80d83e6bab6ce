import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Clock } from "../core/clock.js";
import type { NoteSigner } from "../core/note/index.js";
import { buildApp } from "../http/app.js";
import { LogReader, WITNESS_QUORUM_META } from "../log/log-reader.js";
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
import { WitnessAlarms } from "../exchange/witness-alarms.js";
import { CheckpointGossip, PinnedGossipPeers, type GossipPeers } from "../exchange/checkpoint-gossip.js";
import { EventHub } from "../exchange/event-hub.js";
import { NotificationFeed, WITNESS_ALARM_EVENTS } from "../exchange/notification-feed.js";
import { Notifications } from "../exchange/notifications.js";
import { WebhookDispatcher } from "../exchange/webhook-dispatcher.js";
import { DeadlineNotifier } from "../exchange/deadline-notifier.js";
import { PeerDirectory } from "../exchange/peer-directory.js";
import { FederationReceiver } from "../exchange/federation-receiver.js";
import { FederationService } from "../exchange/federation-service.js";
import type { FederationEvents } from "../exchange/federation-events.js";
import { FederationNotices } from "../exchange/federation-notices.js";
import { Outbox } from "../exchange/outbox.js";

/** A running node's parts, wired once here (the composition root) and closed in reverse order. */
export interface TocsinNode {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly signer: NoteSigner;
  readonly sequencer: Sequencer;
  readonly reader: LogReader;
  readonly parties: PartyDirectory;
  /** The split views this node detected, each a logged, offline-verifiable alarm record. */
  readonly alarms: WitnessAlarms;
  /** Checkpoint gossip with other nodes (POST /gossip/checkpoints and the rounds to `config.gossip`). */
  readonly gossip: CheckpointGossip;
  /** Party changes (registrations, keys, tokens), each logged. */
  readonly registrar: PartyRegistrar;
  readonly admission: Admission;
  readonly records: RecordReader;
  readonly escalator: Escalator;
  readonly boards: BoardService;
  /** Event streams and webhook endpoints. */
  readonly notifications: Notifications;
  /** Wakes this process's event streams when records or notices are added. */
  readonly eventHub: EventHub;
  /** Queues and sends webhook deliveries (where the log is sequenced). */
  readonly webhooks: WebhookDispatcher;
  /** Makes `deadline` notices ahead of unmet deadlines (where the log is sequenced). */
  readonly deadlineNotifier: DeadlineNotifier;
  /** The application services the HTTP API calls (the demo loads through them too, e.g. a CAP Ack). */
  readonly services: ExchangeServices;
  /** This node as a witness of other logs (C2SP tlog-witness, POST /witness/add-checkpoint). */
  readonly witness: WitnessService;
  /** Submits this log's checkpoints to its configured witnesses and collects their cosignatures. */
  readonly witnessCollector: WitnessCollector;
  /** Peer nodes pinned by `tocsin peer add`. */
  readonly peers: PeerDirectory;
  /** Delivers records to peer nodes (where the log is sequenced). */
  readonly outbox: Outbox;
  readonly federation: FederationService;
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
export async function openNode(config: NodeConfig, options: { clock?: Clock; logger?: Logger; federationEvents?: FederationEvents; gossipPeers?: GossipPeers } = {}): Promise<TocsinNode> {
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
    const witnessQuorum = config.witnesses.length === 0 ? 0 : (config.witnessQuorum ?? config.witnesses.length);
    const reader = new LogReader(store, { witnessQuorum });
    // The commands that read this database (export-bundle, report) publish what the node publishes.
    await store.setMeta(WITNESS_QUORUM_META, String(witnessQuorum));
    // Every node is a witness of the logs its operator adds (tocsin witness add-log); its keys are files in the data directory.
    // Background services log to the node's log (Fastify's pino logger, built below) unless the caller passes another.
    let built: FastifyInstance | undefined;
    const logger: Logger = options.logger ?? { warn: (...a: unknown[]) => built?.log.warn(...(a as [object, string])), error: (...a: unknown[]) => built?.log.error(...(a as [object, string])) } as Logger;
    const alarms = new WitnessAlarms({ store, admission, node, clock, logger });
    const witness = new WitnessService({ store, keys: loadOrCreateWitnessKeys(config.dataDir, { mlDsa: config.witnessMlDsa }), clock, alarms });
    // The peers: `serve --gossip URL` and the peer nodes pinned with `tocsin peer add` (or a list the caller injects).
    const gossip = new CheckpointGossip({ store, alarms, peers: options.gossipPeers ?? new PinnedGossipPeers(store, config.gossip), logger });
    // Every party's registration in the log, the node's own first (a database from before key
    // transparency, or a start that died between creating a party and logging it). On a shared
    // database this process takes the lease for the moment, or hands the records to the leader.
    if ((await parties.unregistered()) > 0) await w.asWriter(() => registrar.ensureRegistered());
    // Federation: peers pinned by `tocsin peer add`, records they deliver, and the outbox to them.
    // Their failures go to the node's log (the app's, built below; called only once it exists).
    const peers = new PeerDirectory({ store, clock, ownOrigin: signer.name });
    // A failed delivery becomes a `delivery-failed` notice for the record's author (its event stream, webhooks).
    const events = options.federationEvents ?? new FederationNotices({ store, logger });
    const receiver = new FederationReceiver({ store, peers, admission, clock, logger, events });
    const federation = new FederationService({ store, parties, log: reader, records, peers, receiver });
    const boards = new BoardService({ store, admission, rules: w.boardRules, records, clock });
    // Notifications follow the log and the notice table, so any process serves any party's stream.
    const policy = { allowHosts: config.webhookAllowHosts, allowPrivate: config.webhookAllowPrivate };
    const feed = new NotificationFeed({ store, records, sources: [WITNESS_ALARM_EVENTS] });
    const eventHub = new EventHub({ store, pollMs: config.eventsPollMs, maxPerParty: config.eventsPerParty });
    const notifications = new Notifications({ store, feed, hub: eventHub, clock, policy });
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
      notifications,
      federation,
    });
    const app = await buildApp({
      config,
      logger: { level: config.logLevel },
      reader,
      sequencer: appender,
      services,
      ...(secret !== undefined ? { cluster: { sequencer, secret } } : {}),
      witness,
      alarms,
      gossip,
      eventStreams: { keepAliveMs: config.eventsKeepAliveMs, maxBufferedBytes: config.eventsMaxBufferedBytes, stallMs: config.eventsStallMs },
      // The web UI is built beside the compiled node (scripts/build-ui.mjs): dist/ui, or dist-test/ui for tests.
      uiDir: fileURLToPath(new URL("../../ui/", import.meta.url)),
    });
    built = app;
    // Follows the log in whichever process sequences it: alone, from now; shared, while holding the lease.
    // Its failures go to the node's log (Fastify's pino logger) unless the caller passes another.
    const escalator = new Escalator({ store, admission, states: admission.states, clock, node, logger: options.logger ?? app.log });
    if (!shared) await escalator.start(config.escalationIntervalMs);
    // Witnesses are asked where the log is sequenced, like the escalator: one process submits.
    const witnessCollector = new WitnessCollector({ store, reader, witnesses, clock, logger: options.logger ?? app.log });
    if (!shared) await gossip.start(config.gossipIntervalMs);
    // An alarm claimed by a process that died before logging it is logged now (not awaited: never holds up the start).
    void alarms.logPending();
    if (!shared) await witnessCollector.start(config.witnessIntervalMs);
    // Webhook deliveries and deadline notices: durable in the database, worked by the sequencing process.
    const webhooks = new WebhookDispatcher({
      store,
      feed,
      clock,
      logger,
      options: { timeoutMs: config.webhookTimeoutMs, retryBaseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts, policy },
    });
    const deadlineNotifier = new DeadlineNotifier({ store, states: admission.states, clock, logger, leadMs: config.deadlineLeadMs });
    if (!shared) {
      await webhooks.start(config.webhookIntervalMs);
      await deadlineNotifier.start(config.escalationIntervalMs);
    }
    // The outbox to peer nodes drains where the log is sequenced too: one process sends.
    const outbox = new Outbox({
      store,
      log: reader,
      peers,
      clock,
      logger,
      events,
      origin: signer.name,
      options: { intervalMs: config.outboxIntervalMs, backoffCapMs: config.deliveryBackoffCapMs, timeoutMs: config.deliveryTimeoutMs },
    });
    admission.onAppend(() => outbox.nudge());
    if (!shared) await outbox.start();
    // The warnings list's and track records' index (WarningIndex) is built by the first request that
    // needs one, in slices that leave the event loop free, not at start: it holds ≈ 2 KB per warning,
    // which a node that only relays and serves TAXII (docs/scaling.md §5, memory) should not pay for.
    return {
      config,
      alarms,
      gossip,
      notifications,
      eventHub,
      webhooks,
      deadlineNotifier,
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
      peers,
      outbox,
      federation,
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
          { start: () => outbox.start(), stop: () => outbox.stop() },
          { start: () => gossip.start(config.gossipIntervalMs), stop: () => gossip.stop() },
          { start: () => webhooks.start(config.webhookIntervalMs), stop: () => webhooks.stop() },
          { start: () => deadlineNotifier.start(config.escalationIntervalMs), stop: () => deadlineNotifier.stop() },
        ]);
      },
      async close() {
        leadership?.stop();
        escalator.stop();
        witnessCollector.stop();
        webhooks.stop();
        deadlineNotifier.stop();
        eventHub.close();
        outbox.stop();
        gossip.stop();
        await app.close();
        await services.closeIndex();
        await outbox.settle();
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
