import { setTimeout as sleep } from "node:timers/promises";
import { TocsinError, isTocsinError } from "../core/errors/tocsin-error.js";
import type { Sequencer } from "../log/sequencer.js";

/**
 * Runs `fn` while this process may append to the log, for work that is not serving requests (the
 * registrations a node logs as it starts, the operator's `party` commands): the process takes the
 * sequencing lease itself for the duration when it is free, and gives it back afterwards; when another
 * process sequences, `fn`'s appends must reach it some other way (`handOver`: on a shared PostgreSQL
 * database, the ClusterAppender hands them to the leader). Without a hand-over (SQLite: one node
 * process owns the file's log) a running sequencer is an error naming what to do.
 *
 * While a starting process holds the lease for a moment, another starting process waits for it
 * (up to `waitMs`) rather than failing.
 */
export async function withLogWriter<T>(
  sequencer: Sequencer,
  options: { readonly handOver?: () => Promise<boolean>; readonly waitMs?: number },
  fn: () => Promise<T>,
): Promise<T> {
  if (sequencer.running) return fn();
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    try {
      await sequencer.start();
    } catch (e) {
      if (!isTocsinError(e) || e.code !== "SEQUENCER_NOT_LEADER") throw e;
      if (options.handOver && (await options.handOver())) return fn();
      if (!options.handOver) {
        throw new TocsinError("SEQUENCER_NOT_LEADER", "a running node holds this log's single writer: stop it to change parties from the command line (on PostgreSQL the command hands its records to the running node)");
      }
      if (Date.now() >= deadline) throw e;
      await sleep(100);
      continue;
    }
    try {
      return await fn();
    } finally {
      await sequencer.stop();
    }
  }
}
