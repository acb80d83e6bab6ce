import { randomUUID } from "node:crypto";
import { PeriodicTask } from "./periodic-task.js";
import { rfc3339, type Clock } from "../core/clock.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { dueEscalations, nextEscalationAt, type WarningState } from "../core/lifecycle/index.js";
import { escalationDue } from "../core/duty/index.js";
import { DUTY_ESCALATION_EXT, DUTY_ESCALATION_TYPE, ESCALATION_EXT, ESCALATION_TYPE } from "../core/record/index.js";
import type { PartyRow, Store } from "../store/store.js";
import type { Admission } from "./admission.js";
import { DeadlineQueue, QueueFollower } from "./deadline-queue.js";
import { DutyLedger } from "./duty-ledger.js";
import type { Logger } from "./logger.js";
import { earliestDeadlineOf } from "./version-deadline.js";

/** The index key of a determination (warnings are keyed by their report id, which never starts so). */
const DUTY_KEY = "duty:";
/** The escalator's queue in the deadline table, and its followers' positions. */
const QUEUE = "escalation";

export interface EscalatorDeps {
  readonly store: Store;
  readonly admission: Pick<Admission, "admit">;
  /** Each warning's lifecycle state, current with the log (the admission path's WarningStates). */
  readonly states: { get(warningId: string): Promise<WarningState | undefined> };
  readonly clock: Clock;
  /** The node's own party: it signs the escalations. */
  readonly node: PartyRow;
  /** Where its failures go (the node's pino logger). */
  readonly logger: Logger;
  /** How many of the index's earliest rows memory holds (default 1 000; tests make it small). */
  readonly inMemory?: number;
}

/**
 * The clock that keeps running when a recipient does nothing: missed deadlines become escalation
 * records signed by the node and admitted like any other record.
 *
 * It follows the log, not the transport: every tick reads the warning versions appended since its
 * last position (whichever process admitted them, by whatever route) and schedules each warning at
 * its earliest deadline in the deadline index (a DeadlineQueue: a table, its earliest rows in memory).
 * A tick then looks only at the warnings whose instant has come: it folds each one's state, escalates
 * what is due, and moves it to the next deadline that could still be missed (or drops it). Idle, a
 * tick costs one indexed read of the log's tail and a look at the earliest deadline in memory, however
 * many warnings are open; memory holds the earliest thousand or so, whatever the size of the log.
 *
 * Exactly once: what is due is computed from the warning's state (which includes the escalations
 * already logged), and the lifecycle refuses a second escalation for the same recipient and deadline.
 * Deadlines that passed while the node was down (or while another process held the lease) are in the
 * index, whose rows and log position are written in one transaction: a start reads only the log
 * appended since that position. Failures are logged and retried next tick.
 */
export class Escalator {
  readonly #deadlines: DeadlineQueue;
  readonly #follower: QueueFollower;
  /** Determinations (the duty to warn): each is looked at again at its deadline to warn or waive. */
  readonly #determinations: QueueFollower;
  readonly #duty: DutyLedger;
  readonly #logger: Logger;
  // One tick at a time: overlapping ticks would only race each other to the same escalations.
  readonly #task: PeriodicTask<number>;

  constructor(private readonly deps: EscalatorDeps) {
    this.#deadlines = new DeadlineQueue(deps.store, QUEUE, deps.inMemory);
    this.#follower = new QueueFollower(deps.store, "warning", this.#deadlines, `${QUEUE}:warning`);
    this.#determinations = new QueueFollower(deps.store, "determination", this.#deadlines, `${QUEUE}:determination`);
    this.#duty = new DutyLedger(deps.store);
    this.#logger = deps.logger;
    this.#task = new PeriodicTask(() => this.#tick(), (e) => this.#logger.error({ err: e }, "escalator: tick failed; retrying at the next tick"));
  }

  /**
   * Brings the index of deadlines up to the log (from its saved position), escalates everything due
   * (deadlines missed while it was not running included), then ticks every `intervalMs` (0: only on
   * demand). A failure of the first tick is logged, not thrown: the next tick retries.
   */
  async start(intervalMs: number): Promise<void> {
    this.stop();
    await this.#task.settle();
    // Another process may have held the lease meanwhile: read the positions and the index again.
    this.#follower.reset();
    this.#determinations.reset();
    this.#deadlines.reset();
    await this.#task.start(intervalMs);
  }

  stop(): void {
    this.#task.stop();
  }

  /** Warnings (and determinations) held in memory: the earliest of the index, bounded. */
  get inMemory(): number {
    return this.#deadlines.inMemory;
  }

  /** Escalates everything due now; returns how many escalation records were appended. */
  tick(): Promise<number> {
    return this.#task.tick();
  }


  async #tick(): Promise<number> {
    // A warning version: look at the warning again at its earliest deadline.
    await this.#follower.poll((r) => {
      const at = earliestDeadlineOf(r);
      if (at !== undefined) this.#deadlines.schedule(r.id, at);
    });
    // A determination shares the index under a key of its own: its one deadline is to warn or waive.
    await this.#determinations.poll((r) => this.#deadlines.schedule(`${DUTY_KEY}${r.id}`, determinationDeadline(r.body)));
    const now = this.deps.clock.now();
    let appended = 0;
    let failed = 0;
    let firstError: unknown;
    // Looks that failed this tick: looked at again next tick; one bad warning must not hold up the others.
    const retried = new Set<string>();
    for (let due = await this.#deadlines.takeDue(now, retried); due.length > 0; due = await this.#deadlines.takeDue(now, retried)) {
      for (const { key, dueMs } of due) {
        try {
          const looked = key.startsWith(DUTY_KEY) ? await this.#escalateDetermination(key.slice(DUTY_KEY.length), now) : await this.#escalate(key, now);
          if (looked === RETRY) {
            this.#deadlines.retry(key, dueMs);
            retried.add(key);
            continue;
          }
          appended += looked.appended;
          this.#deadlines.moved(key, dueMs, looked.next);
        } catch (e) {
          this.#deadlines.retry(key, dueMs);
          retried.add(key);
          if (failed++ === 0) firstError = e;
        }
      }
    }
    await this.#deadlines.flush();
    await this.#deadlines.trim();
    if (failed > 0) this.#logger.error({ err: firstError, warnings: failed }, "escalator: could not escalate; retrying at the next tick");
    return appended;
  }

  /**
   * A determination whose deadline to warn or waive has come: if it is still undecided and not yet
   * escalated, the node logs a duty escalation (the duty rules refuse a second one, or one after a decision).
   */
  async #escalateDetermination(id: string, now: number): Promise<Look> {
    const c = (await this.#duty.fold()).cases.get(id);
    if (!c || !escalationDue(c.case, now)) return { appended: 0, next: undefined };
    const latest = c.records.filter((r) => r.kind === "determination").at(-1)!;
    const markings = (JSON.parse(latest.body).object_marking_refs as string[] | undefined) ?? [];
    const at = rfc3339(now);
    const record = {
      type: DUTY_ESCALATION_TYPE,
      spec_version: "2.1",
      id: `${DUTY_ESCALATION_TYPE}--${randomUUID()}`,
      created: at,
      modified: at,
      created_by_ref: this.deps.node.id,
      determination_ref: id,
      deadline: rfc3339(c.case.determination.deadline),
      detected_at: at,
      ...(markings.length ? { object_marking_refs: markings } : {}),
      extensions: { [DUTY_ESCALATION_EXT]: { extension_type: "new-sdo" } },
    };
    try {
      const admitted = await this.deps.admission.admit(this.deps.node, [record]);
      return { appended: admitted.filter((a) => !a.duplicate).length, next: undefined };
    } catch (e) {
      // Another process escalated (or the author decided) first: nothing is owed any more.
      if (isTocsinError(e) && (e.code === "DUTY_DUPLICATE_ESCALATION" || e.code === "DUTY_ESCALATION_NOT_DUE")) return { appended: 0, next: undefined };
      throw e;
    }
  }

  /** Escalates what is due for one warning; returns the records appended and its next deadline. */
  async #escalate(id: string, now: number): Promise<Look | typeof RETRY> {
    const state = await this.deps.states.get(id);
    if (!state) return { appended: 0, next: undefined };
    const due = dueEscalations(state, now);
    let appended = 0;
    if (due.length > 0) {
      const warning = (await this.deps.store.recordVersions(id)).at(-1);
      const markings = warning ? ((JSON.parse(warning.body).object_marking_refs as string[] | undefined) ?? []) : [];
      const at = rfc3339(now);
      const records = due.map((d) => ({
        type: ESCALATION_TYPE,
        spec_version: "2.1",
        id: `${ESCALATION_TYPE}--${randomUUID()}`,
        created: at,
        modified: at,
        created_by_ref: this.deps.node.id,
        warning_ref: id,
        recipient_ref: d.recipient,
        deadline_kind: d.deadlineKind,
        deadline: rfc3339(d.deadline),
        detected_at: at,
        ...(markings.length ? { object_marking_refs: markings } : {}),
        extensions: { [ESCALATION_EXT]: { extension_type: "new-sdo" } },
      }));
      try {
        const admitted = await this.deps.admission.admit(this.deps.node, records);
        appended = admitted.filter((a) => !a.duplicate).length;
      } catch (e) {
        // Another process escalated first: the lifecycle refused the batch. Look again next tick, with
        // that escalation in the state, for whatever is still owed. Anything else is a real failure.
        if (!(isTocsinError(e) && e.code === "LIFECYCLE_DUPLICATE_ESCALATION")) throw e;
        return RETRY;
      }
    }
    // The state predates the escalations just logged: ask only about deadlines after now.
    return { appended, next: nextEscalationAt(state, now) };
  }
}

/** What a look at a due key did: records appended, and when to look again (never: undefined). */
interface Look {
  readonly appended: number;
  readonly next: number | undefined;
}

/** A look to make again next tick, the key left due where it was. */
const RETRY = Symbol("retry");

/** A determination's deadline to warn or waive (schema-checked; a malformed one is looked at now). */
function determinationDeadline(body: string): number {
  const at = Date.parse(String((JSON.parse(body) as { deadline?: unknown }).deadline));
  return Number.isFinite(at) ? at : 0;
}
