import { writeFileSync } from "node:fs";

/**
 * Names the calling OS thread, so that `top -H`, `ps -L`, perf and the admission bench tell Tocsin's
 * threads apart: every worker thread is otherwise called "node", like the main thread and V8's own
 * helpers. Linux keeps at most 15 bytes of it. Here (the lowest I/O layer) because the store's append
 * thread, the exchange's check workers and the log's audit threads all name themselves.
 *
 * A thread may rename itself through /proc; where there is no such file (not Linux), nothing happens:
 * the name helps an operator read a profile and changes nothing the node does.
 */
/** The names Tocsin's threads give themselves (the main thread stays "node"). */
export const THREAD_NAMES = {
  /** The SQLite append thread: log appends and their fsync. */
  append: "tocsin-append",
  /** A record check worker: schema, signature, canonical form. */
  check: "tocsin-check",
  /** A range auditor of `tocsin log audit`. */
  audit: "tocsin-audit",
} as const;

export function nameThisThread(name: string): void {
  try {
    writeFileSync("/proc/thread-self/comm", name.slice(0, 15));
  } catch {
    // no /proc/thread-self: the thread keeps the name it had
  }
}
