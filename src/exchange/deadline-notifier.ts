import { rfc3339, type Clock } from "../core/clock.js";
import { PeriodicTask } from "./periodic-task.js";
import { dueEscalations, type WarningState } from "../core/lifecycle/index.js";
import type { Store, StoredRecord } from "../store/store.js";
import { DeadlineIndex } from "./deadline-index.js";
import { LogFollower } from "./log-follower.js";
import type { Logger } from "./logger.js";

/**
 * Tells each recipient, `leadMs` before one of its deadlines passes unmet, that it is about to: a
 * `deadline` notice in the notice table, once per (warning, recipient, deadline kind, deadline) — the
 * notice's key makes it exactly once whichever process writes it. Built like the escalator: it follows
 * the warning versions in the log, keeps each warning in an index at its next warning instant
 * (deadline − lead), and runs in the process that holds the sequencing lease.
 */
export class DeadlineNotifier {
  readonly #follower: LogFollower;
  readonly #index = new DeadlineIndex();
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
    this.#follower = new LogFollower(d.store, "warning");
    this.#task = new PeriodicTask(() => this.#tick(), (e) => d.logger.error({ err: e }, "deadline notices: tick failed; retrying at the next tick"));
  }

  async start(intervalMs: number): Promise<void> {
    this.stop();
    await this.#task.settle();
    this.#follower.reset();
    this.#index.clear();
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
    // A new version may move deadlines: look at each warning again now (cheap: one fold, cached).
    await this.#follower.poll((r: StoredRecord) => this.#index.schedule(r.id, 0));
    const now = this.d.clock.now();
    let made = 0;
    for (const { id, at } of this.#index.takeDue(now)) {
      try {
        made += await this.#notify(id, now);
      } catch (e) {
        this.#index.schedule(id, at);
        throw e;
      }
    }
    return made;
  }

  async #notify(id: string, now: number): Promise<number> {
    const state = await this.d.states.get(id);
    if (!state) return 0;
    let made = 0;
    let next: number | undefined;
    // Every deadline still owed (not met, excused, escalated, nor resolved), whenever it falls.
    for (const due of dueEscalations(state, Number.POSITIVE_INFINITY)) {
      const warnAt = due.deadline - this.d.leadMs;
      if (due.deadline <= now) continue; // passed: the escalator's business now
      if (warnAt > now) {
        next = next === undefined ? warnAt : Math.min(next, warnAt);
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
    if (next !== undefined) this.#index.schedule(id, next);
    return made;
  }
}
