import { join } from "node:path";
import type { Clock } from "../core/clock.js";
import type { NoteSigner } from "../core/note/index.js";
import type { Admission, AdmissionDeps } from "../exchange/admission.js";
import { BoardRules } from "../exchange/board-rules.js";
import { buildAdmission } from "../exchange/build-admission.js";
import { openNodeParty } from "../exchange/node-party.js";
import { PartyDirectory } from "../exchange/party-directory.js";
import { PartyKeyFiles } from "../exchange/party-key-files.js";
import { PartyRegistrar } from "../exchange/party-registrar.js";
import type { RecordCheckPool } from "../exchange/record-check-pool.js";
import { RecordReader } from "../exchange/record-reader.js";
import { ClusterAppender } from "../log/cluster-appender.js";
import { Sequencer } from "../log/sequencer.js";
import type { PartyRow, Store } from "../store/store.js";
import { Leadership } from "./leadership.js";
import { loadOrCreateLogKey } from "./log-key.js";
import { withLogWriter } from "./log-writer.js";
import { loadOrCreateNodeSecret } from "./node-secret.js";

/**
 * The parts of a node that write its log, built alike for a serving node and for the operator's `party`
 * commands (which write to the same log): the log key and sequencer, on a shared database the
 * leadership and the hand-over of appends to the sequencing process, the parties, and the one
 * admission with the party registrar that logs through it.
 */
export interface WriteSide {
  readonly signer: NoteSigner;
  readonly sequencer: Sequencer;
  /** Shared database only: which process sequences (not started here). */
  readonly leadership: Leadership | undefined;
  /** Shared database only: authenticates the appends processes hand to the one that sequences. */
  readonly secret: string | undefined;
  /** Where admitted entries go: the local sequencer, or on a shared database whichever process sequences. */
  readonly appender: Sequencer | ClusterAppender;
  readonly parties: PartyDirectory;
  /** The node's own party. */
  readonly node: PartyRow;
  readonly records: RecordReader;
  readonly boardRules: BoardRules;
  readonly admission: Admission;
  readonly registrar: PartyRegistrar;
  /**
   * Runs `fn` while this process may append: at once when it sequences; otherwise it takes the lease
   * for the duration or, on a shared database, hands its appends to the sequencing process (withLogWriter).
   */
  asWriter<T>(fn: () => Promise<T>): Promise<T>;
}

export interface WriteSideOptions {
  readonly store: Store;
  /** The node's data directory: its log key, custodial party keys and (shared database) node secret. */
  readonly dataDir: string;
  /** The log's origin, for a new log key. */
  readonly origin?: string | undefined;
  readonly clock: Clock;
  readonly leaseTtlMs: number;
  readonly checkpointIntervalMs: number;
  /** Start sequencing now (a node alone on its database); otherwise when leadership or `asWriter` says. */
  readonly sequenceNow: boolean;
  readonly checks?: RecordCheckPool | undefined;
  /** Owned by the caller, which closes them. */
  readonly locks?: AdmissionDeps["locks"] | undefined;
}

export async function openWriteSide(o: WriteSideOptions): Promise<WriteSide> {
  const { store, clock } = o;
  const signer = await loadOrCreateLogKey(o.dataDir, store, o.origin);
  const sequencer = new Sequencer({ store, signer, clock, checkpointIntervalMs: o.checkpointIntervalMs, leaseTtlMs: o.leaseTtlMs });
  if (o.sequenceNow) await sequencer.start();
  try {
    return await wire(o, signer, sequencer);
  } catch (e) {
    // A half-built write side must not keep the lease (a SQLite node sequences from here on).
    await sequencer.stop().catch(() => undefined);
    throw e;
  }
}

async function wire(o: WriteSideOptions, signer: NoteSigner, sequencer: Sequencer): Promise<WriteSide> {
  const { store, clock } = o;
  // On a shared database any number of processes run; one sequences at a time (see Leadership).
  const shared = store.sharedByProcesses;
  const keyFiles = new PartyKeyFiles(join(o.dataDir, "keys"));
  const parties = new PartyDirectory(store, keyFiles);
  const node = await openNodeParty({ store, clock, parties, keyFiles }, signer.name);
  const records = new RecordReader(store, parties);
  const boardRules = new BoardRules({ store, records });
  // On a shared database every process admits; lifecycle locks span the processes and the append
  // goes to whichever process sequences (ClusterAppender). Alone, the local sequencer and locks.
  const leadership = shared ? new Leadership({ store, sequencer, clock, leaseTtlMs: o.leaseTtlMs }) : undefined;
  const secret = shared ? loadOrCreateNodeSecret(o.dataDir) : undefined;
  const appender = leadership && secret !== undefined ? new ClusterAppender(sequencer, leadership, secret) : sequencer;
  const admission = buildAdmission({ store, appender, parties, boards: boardRules, clock, node, checks: o.checks, locks: o.locks });
  const registrar = new PartyRegistrar({ store, clock, parties, keyFiles, admission, node });
  const handOver = leadership ? async () => (await leadership.leaderUrl()) !== undefined : undefined;
  return {
    signer,
    sequencer,
    leadership,
    secret,
    appender,
    parties,
    node,
    records,
    boardRules,
    admission,
    registrar,
    asWriter: (fn) => withLogWriter(sequencer, handOver ? { handOver } : {}, fn),
  };
}
