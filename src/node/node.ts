import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Clock } from "../core/clock.js";
import type { NoteSigner } from "../core/note/index.js";
import { buildApp } from "../http/app.js";
import { LogReader } from "../log/log-reader.js";
import { Sequencer } from "../log/sequencer.js";
import { systemClock } from "../log/system-clock.js";
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
  readonly app: FastifyInstance;
  close(): Promise<void>;
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
    const app = await buildApp({ config, reader, sequencer });
    return {
      config,
      store,
      signer,
      sequencer,
      reader,
      app,
      async close() {
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
