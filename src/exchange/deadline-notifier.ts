import { rfc3339, type Clock } from "../core/clock.js";
import { PeriodicTask } from "./periodic-task.js";
import { dueEscalations, type WarningState } from "../core/lifecycle/index.js";
import type { Store } from "../store/store.js";
import { DeadlineQueue, QueueFollower } from "./deadline-queue.js";
import type { Logger } from "./logger.js";
import { deadlinesOf } from "./version-deadline.js";

/** The notifier's queue in the deadline table: each warning at its next deadline still owed (not minus the lead). */
const QUEUE = "deadline-notice";

/**
 * Tells each recipient, `leadMs` before one of its deadlines passes unmet, that it is about to: a
 * `deadline` notice in the notice table, once per (warning, recipient, deadline kind, deadline) — the
 * notice's key makes it exactly once whichever process writes it. Built like the escalator: it follows
 * the warning versions in the log, keeps each warning in the deadline index (a table, its earliest rows
 * in memory) at its next deadline, looks at it a lead time before, and runs in the process that holds
 * the sequencing lease. The index holds deadlines, not deadlines − lead, so a changed lead applies to
 * every warning at the next start.
 */
export class DeadlineNotifier {
  readonly #index: DeadlineQueue;
  readonly #follower: QueueFollower;
  readonly #task: PeriodicTask<number>;

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly states: { get(warningId: string): Promise<WarningState | undefined> };
      readonly clock: Clock;
      readonly logger: Logger;
      /** How long before a deadline the recipient is told. */
      readonly leadMs: number;
    },
  ) {
    this.#index = new DeadlineQueue(d.store, QUEUE);
    this.#follower = new QueueFollower(d.store, "warning", this.#index, `${QUEUE}:warning`);
    this.#task = new PeriodicTask(() => this.#tick(), (e) => d.logger.error({ err: e }, "deadline notices: tick failed; retrying at the next tick"));
  }

  async start(intervalMs: number): Promise<void> {
    this.stop();
    await this.#task.settle();
    this.#follower.reset();
    this.#index.reset();
    await this.#task.start(intervalMs);
  }

  stop(): void {
    this.#task.stop();
  }

  /** Makes the notices due now; returns how many were new. */
  tick(): Promise<number> {
    return this.#task.tick();
  }


  async #tick(): Promise<number> {
    // A new version may move deadlines: look at the warning a lead time before its earliest one (no
    // notice can be owed before that; the look finds which deadlines are still owed). A version whose
    // deadlines have all passed owes no notice ever (the first fill of an old store skips them all).
    const followedAt = this.d.clock.now();
    await this.#follower.poll((r) => {
      const deadlines = deadlinesOf(r);
      if (deadlines.length > 0 && Math.max(...deadlines) > followedAt) this.#index.schedule(r.id, Math.min(...deadlines));
    });
    const now = this.d.clock.now();
    let made = 0;
    const none = new Set<string>();
    for (let due = await this.#index.takeDue(now + this.d.leadMs, none); due.length > 0; due = await this.#index.takeDue(now + this.d.leadMs, none)) {
      for (const { key, dueMs } of due) {
        try {
          const looked = await this.#notify(key, now);
          made += looked.made;
          this.#index.moved(key, dueMs, looked.next);
        } catch (e) {
          this.#index.retry(key, dueMs);
          throw e;
        }
      }
    }
    await this.#index.flush();
    await this.#index.trim();
    return made;
  }

  /** Makes the notices due for one warning; returns how many were new and its next deadline still owed. */
  async #notify(id: string, now: number): Promise<{ made: number; next: number | undefined }> {
    const state = await this.d.states.get(id);
    if (!state) return { made: 0, next: undefined };
    let made = 0;
    let next: number | undefined;
    // Every deadline still owed (not met, excused, escalated, nor resolved), whenever it falls.
    for (const due of dueEscalations(state, Number.POSITIVE_INFINITY)) {
      const warnAt = due.deadline - this.d.leadMs;
      if (due.deadline <= now) continue; // passed: the escalator's business now
      if (warnAt > now) {
        next = next === undefined ? due.deadline : Math.min(next, due.deadline);
        continue;
      }
      const added = await this.d.store.addNotice({
        key: `deadline ${id} ${due.recipient} ${due.deadlineKind} ${due.deadline}`,
        partyId: due.recipient,
        type: "deadline",
        at: rfc3339(now),
        warningId: id,
        summary: `your ${due.deadlineKind} of warning ${id} is due by ${rfc3339(due.deadline)}`,
      });
      if (added) made++;
    }
    return { made, next };
  }
}
