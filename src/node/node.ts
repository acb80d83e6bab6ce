import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Clock } from "../core/clock.js";
import type { NoteSigner } from "../core/note/index.js";
import { buildApp } from "../http/app.js";
import { LogReader } from "../log/log-reader.js";
import { Sequencer } from "../log/sequencer.js";
import { systemClock } from "../log/system-clock.js";
import { createStixValidator, loadStixSchemas, type StixValidator } from "../core/stix/index.js";
import { TOCSIN_EXTENSIONS } from "../core/record/index.js";
import { Admission } from "../exchange/admission.js";
import { BoardService } from "../exchange/board-service.js";
import { Escalator } from "../exchange/escalator.js";
import { PartyService } from "../exchange/party-service.js";
import { RecordReader } from "../exchange/record-reader.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import type { NodeConfig } from "./config.js";
import { loadOrCreateLogKey } from "./log-key.js";

export const SQLITE_FILE = "tocsin.db";

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
  close(): Promise<void>;
}

/** The node's own party: it signs escalations. */
export const NODE_PARTY_SLUG = "node";

let cachedValidator: StixValidator | undefined;

/** The STIX validator with Tocsin's extensions; compiled once per process (the schemas are large). */
export function stixValidator(): StixValidator {
  cachedValidator ??= createStixValidator({ schemas: loadStixSchemas(), extensionSchemas: TOCSIN_EXTENSIONS });
  return cachedValidator;
}

export function openSqliteStore(dataDir: string): SqliteStore {
  return SqliteStore.open(join(dataDir, SQLITE_FILE));
}

/** Opens the store, loads the log key, starts the sequencer and builds the HTTP app (not listening). */
export async function openNode(config: NodeConfig, options: { clock?: Clock } = {}): Promise<TocsinNode> {
  const clock = options.clock ?? systemClock;
  const store = openSqliteStore(config.dataDir);
  try {
    const signer = await loadOrCreateLogKey(config.dataDir, store, config.origin);
    const sequencer = new Sequencer({ store, signer, clock, checkpointIntervalMs: config.checkpointIntervalMs });
    await sequencer.start();
    const reader = new LogReader(store);
    const parties = new PartyService(store, clock, join(config.dataDir, "keys"));
    const node = (await parties.get(NODE_PARTY_SLUG)) ?? (await parties.require((await parties.create({ slug: NODE_PARTY_SLUG, name: `Tocsin node ${signer.name}`, custodial: true })).id));
    const validator = stixValidator();
    // Board records obey the board rules (rights, version chain) however they arrive.
    let boards: BoardService | undefined;
    const checkRecord = async (o: Parameters<BoardService["checkRecord"]>[0], k: Parameters<BoardService["checkRecord"]>[1]): Promise<void> => boards?.checkRecord(o, k);
    const admission = new Admission({ store, sequencer, parties, clock, validate: (o) => validator.assertValidStix(o), nodeIdentity: node.id, checkRecord });
    const records = new RecordReader(store, parties);
    boards = new BoardService({ store, admission, parties, records, clock });
    const escalator = new Escalator({ store, admission, clock, node });
    await escalator.start(config.escalationIntervalMs);
    const app = await buildApp({
      config,
      reader,
      sequencer,
      api: { store, parties, admission, records, log: reader, onWarning: (id) => escalator.track(id) },
      boards,
    });
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
      async close() {
        escalator.stop();
        await app.close();
        await sequencer.stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
