import type { RecordLeaf } from "./log-leaf.js";

/**
 * Checks the thread positions of a whole log, fed its leaves in log order (for `tocsin log audit`): every
 * v2 leaf's `seq` must be the number of records about its warning logged before it — so positions are
 * unique and without gaps — and once a warning's thread has positions, no later record about it may be
 * logged without one. A v1 leaf names no warning; the caller says which warning its record is about
 * (the record row's `warning_ref`), or undefined when it is about none or unknown. Pure.
 */
export class ThreadPositionCheck {
  /** Records seen per warning, and whether its thread has reached positions (v2). */
  readonly #threads = new Map<string, { count: number; positioned: boolean }>();

  /** Feeds the next leaf; returns why it breaks its thread, or undefined when it fits. */
  add(index: number, leaf: Pick<RecordLeaf, "warning" | "seq">, recordAbout?: string): string | undefined {
    const warning = leaf.warning ?? recordAbout;
    if (warning === undefined) return undefined;
    const thread = this.#threads.get(warning) ?? { count: 0, positioned: false };
    this.#threads.set(warning, thread);
    if (leaf.warning !== undefined && recordAbout !== undefined && recordAbout !== leaf.warning) {
      thread.count++;
      return `entry ${index}: its leaf puts the record in the thread of ${leaf.warning}, but the record is about ${recordAbout}`;
    }
    const expected = thread.count;
    thread.count++;
    if (leaf.seq === undefined) {
      return thread.positioned ? `entry ${index}: a record about ${warning} logged without a thread position after its thread had them` : undefined;
    }
    thread.positioned = true;
    if (leaf.seq !== expected) {
      return `entry ${index}: thread position ${leaf.seq} of ${warning}, but ${expected} record${expected === 1 ? "" : "s"} about it came before`;
    }
    return undefined;
  }
}
