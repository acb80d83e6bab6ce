import { join } from "node:path";
import type { Clock } from "../core/clock.js";
import { BoardRules } from "../exchange/board-rules.js";
import { buildAdmission } from "../exchange/build-admission.js";
import { openNodeParty } from "../exchange/node-party.js";
import { PartyDirectory } from "../exchange/party-directory.js";
import { PartyKeyFiles } from "../exchange/party-key-files.js";
import { PartyRegistrar } from "../exchange/party-registrar.js";
import { RecordReader } from "../exchange/record-reader.js";
import { Sequencer } from "../log/sequencer.js";
import { PgAdvisoryLocks } from "../store/postgres/advisory-locks.js";
import { openStore, type StoreLocation } from "../store/open-store.js";
import { ClusterAppender } from "../log/cluster-appender.js";
import { Leadership } from "./leadership.js";
import { DEFAULT_CONFIG } from "./config.js";
import { loadOrCreateLogKey } from "./log-key.js";
import { withLogWriter } from "./log-writer.js";
import { loadOrCreateNodeSecret } from "./node-secret.js";

/**
 * What the operator's `party` commands work with: the node's party registrar connected to its log, so
 * that every registration, key change and token event they make is a logged record, admitted by the
 * same admission as any record. The command appends as the log's writer for its duration: it takes the
 * sequencing lease (a stopped SQLite node; a PostgreSQL database nobody sequences), or, on PostgreSQL,
 * hands its records to the process that sequences. A running SQLite node keeps its lease: stop it first.
 */
export async function withOperator<T>(at: StoreLocation, clock: Clock, fn: (registrar: PartyRegistrar) => Promise<T>): Promise<T> {
  const store = await openStore(at);
  const shared = store.sharedByProcesses;
  const locks = shared ? new PgAdvisoryLocks(at.db!, 2) : undefined;
  try {
    const signer = await loadOrCreateLogKey(at.dataDir, store);
    const sequencer = new Sequencer({ store, signer, clock });
    const keyFiles = new PartyKeyFiles(join(at.dataDir, "keys"));
    const parties = new PartyDirectory(store, keyFiles);
    const node = await openNodeParty({ store, clock, parties, keyFiles }, signer.name);
    // Never started: the command only asks it where the sequencing process is.
    const leader = new Leadership({ store, sequencer, clock, leaseTtlMs: DEFAULT_CONFIG.leaseTtlMs });
    const appender = shared ? new ClusterAppender(sequencer, leader, loadOrCreateNodeSecret(at.dataDir)) : sequencer;
    const boards = new BoardRules({ store, records: new RecordReader(store, parties) });
    const admission = buildAdmission({ store, appender, parties, boards, clock, node, locks });
    const registrar = new PartyRegistrar({ store, clock, parties, keyFiles, admission, node });
    const handOver = shared ? async () => (await leader.leaderUrl()) !== undefined : undefined;
    return await withLogWriter(sequencer, handOver ? { handOver } : {}, async () => {
      await registrar.ensureRegistered();
      return fn(registrar);
    });
  } finally {
    await locks?.close();
    await store.close();
  }
}
