import { join } from "node:path";
import type { Clock } from "../core/clock.js";
import { Admission } from "../exchange/admission.js";
import { NODE_PARTY_SLUG } from "../exchange/key-ledger.js";
import { PartyService } from "../exchange/party-service.js";
import { stixValidator } from "../exchange/stix-validator.js";
import { Sequencer } from "../log/sequencer.js";
import { PgAdvisoryLocks } from "../store/postgres/advisory-locks.js";
import { openStore, type StoreLocation } from "../store/open-store.js";
import { ClusterAppender } from "../log/cluster-appender.js";
import { Leadership } from "./leadership.js";
import { DEFAULT_CONFIG } from "./config.js";
import { createNodeParty } from "./node.js";
import { loadOrCreateLogKey } from "./log-key.js";
import { withLogWriter } from "./log-writer.js";
import { loadOrCreateNodeSecret } from "./node-secret.js";

/**
 * What the operator's `party` commands work with: the node's party registry connected to its log, so
 * that every registration, key change and token event they make is a logged record, admitted by the
 * same admission as any record. The command appends as the log's writer for its duration: it takes the
 * sequencing lease (a stopped SQLite node; a PostgreSQL database nobody sequences), or, on PostgreSQL,
 * hands its records to the process that sequences. A running SQLite node keeps its lease: stop it first.
 */
export async function withOperator<T>(at: StoreLocation, clock: Clock, fn: (parties: PartyService) => Promise<T>): Promise<T> {
  const store = await openStore(at);
  const shared = store.sharedByProcesses;
  const locks = shared ? new PgAdvisoryLocks(at.db!, 2) : undefined;
  let sequencer: Sequencer | undefined;
  try {
    const signer = await loadOrCreateLogKey(at.dataDir, store);
    sequencer = new Sequencer({ store, signer, clock });
    const parties = new PartyService(store, clock, join(at.dataDir, "keys"));
    const node = (await parties.get(NODE_PARTY_SLUG)) ?? (await createNodeParty(parties, signer.name));
    // Never started: the command only asks it where the sequencing process is.
    const leader = new Leadership({ store, sequencer, clock, leaseTtlMs: DEFAULT_CONFIG.leaseTtlMs });
    const appender = shared ? new ClusterAppender(sequencer, leader, loadOrCreateNodeSecret(at.dataDir)) : sequencer;
    const admission = new Admission({
      store,
      sequencer: appender,
      parties,
      clock,
      validate: (o) => stixValidator().assertValidStix(o),
      nodeIdentity: node.id,
      kindRules: (o) => parties.checkKeyRecord(o),
      afterAppend: (kinds) => parties.afterAppend(kinds),
      ...(locks ? { locks } : {}),
    });
    parties.useAdmission((poster, objects) => admission.admit(poster, objects));
    const handOver = shared ? async () => (await leader.leaderUrl()) !== undefined : undefined;
    return await withLogWriter(sequencer, handOver ? { handOver } : {}, async () => {
      await parties.ensureRegistered();
      return fn(parties);
    });
  } finally {
    await locks?.close();
    await store.close();
  }
}
