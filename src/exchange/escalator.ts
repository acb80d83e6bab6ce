import { randomUUID } from "node:crypto";
import { PeriodicTask } from "./periodic-task.js";
import { rfc3339, type Clock } from "../core/clock.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { dueEscalations, nextEscalationAt, type WarningState } from "../core/lifecycle/index.js";
import { lifecycleEventOf } from "../core/lifecycle-mapping/record-events.js";
import { escalationDue } from "../core/duty/index.js";
import { DUTY_ESCALATION_EXT, DUTY_ESCALATION_TYPE, ESCALATION_EXT, ESCALATION_TYPE } from "../core/record/index.js";
import type { PartyRow, Store, StoredRecord } from "../store/store.js";
import type { Admission } from "./admission.js";
import { DeadlineIndex } from "./deadline-index.js";
import { DutyLedger } from "./duty-ledger.js";
import { LogFollower } from "./log-follower.js";
import type { Logger } from "./logger.js";

/** The index key of a determination (warnings are keyed by their report id, which never starts so). */
const DUTY_KEY = "duty:";

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
}

/**
 * The clock that keeps running when a recipient does nothing: missed deadlines become escalation
 * records signed by the node and admitted like any other record.
 *
 * It follows the log, not the transport: every tick reads the warning versions appended since its
 * last position (whichever process admitted them, by whatever route) and schedules each warning at
 * its earliest deadline in an index of deadlines. A tick then looks only at the warnings whose
 * instant has come: it folds each one's state, escalates what is due, and schedules it again at the
 * next deadline that could still be missed (or drops it). Idle, a tick costs one indexed read of the
 * log's tail and a look at the earliest deadline, however many warnings are open.
 *
 * Exactly once: what is due is computed from the warning's state (which includes the escalations
 * already logged), and the lifecycle refuses a second escalation for the same recipient and deadline.
 * Deadlines that passed while the node was down (or while another process held the lease) are found
 * at start, which rebuilds the index from the whole log. Failures are logged and retried next tick.
 */
export class Escalator {
  readonly #follower: LogFollower;
  /** Determinations (the duty to warn): each is looked at again at its deadline to warn or waive. */
  readonly #determinations: LogFollower;
  readonly #duty: DutyLedger;
  readonly #deadlines = new DeadlineIndex();
  readonly #logger: Logger;
  // One tick at a time: overlapping ticks would only race each other to the same escalations.
  readonly #task: PeriodicTask<number>;

  constructor(private readonly deps: EscalatorDeps) {
    this.#follower = new LogFollower(deps.store, "warning");
    this.#determinations = new LogFollower(deps.store, "determination");
    this.#duty = new DutyLedger(deps.store);
    this.#logger = deps.logger;
    this.#task = new PeriodicTask(() => this.#tick(), (e) => this.#logger.error({ err: e }, "escalator: tick failed; retrying at the next tick"));
  }

  /**
   * Rebuilds the index of deadlines from the log, escalates everything due (deadlines missed while it
   * was not running included), then ticks every `intervalMs` (0: only on demand). A failure of the first
   * tick is logged, not thrown: the next tick retries.
   */
  async start(intervalMs: number): Promise<void> {
    this.stop();
    await this.#task.settle();
    this.#follower.reset();
    this.#determinations.reset();
    this.#deadlines.clear();
    await this.#task.start(intervalMs);
  }

  stop(): void {
    this.#task.stop();
  }

  /** Warnings in the index of deadlines (each with one instant to look at it again). */
  get scheduled(): number {
    return this.#deadlines.size;
  }

  /** Escalates everything due now; returns how many escalation records were appended. */
  tick(): Promise<number> {
    return this.#task.tick();
  }


  async #tick(): Promise<number> {
    await this.#follower.poll((r) => this.#scheduleVersion(r));
    // A determination shares the index under a key of its own: its one deadline is to warn or waive.
    await this.#determinations.poll((r) => this.#deadlines.schedule(`${DUTY_KEY}${r.id}`, Date.parse(String((JSON.parse(r.body) as { deadline?: unknown }).deadline))));
    const now = this.deps.clock.now();
    let appended = 0;
    let failed = 0;
    let firstError: unknown;
    for (const { id, at } of this.#deadlines.takeDue(now)) {
      try {
        appended += id.startsWith(DUTY_KEY) ? await this.#escalateDetermination(id.slice(DUTY_KEY.length), now) : await this.#escalate(id, now);
      } catch (e) {
        // Looked at again next tick; one bad warning must not hold up the others.
        this.#deadlines.schedule(id, at);
        if (failed++ === 0) firstError = e;
      }
    }
    if (failed > 0) this.#logger.error({ err: firstError, warnings: failed }, "escalator: could not escalate; retrying at the next tick");
    return appended;
  }

  /**
   * A determination whose deadline to warn or waive has come: if it is still undecided and not yet
   * escalated, the node logs a duty escalation (the duty rules refuse a second one, or one after a decision).
   */
  async #escalateDetermination(id: string, now: number): Promise<number> {
    const c = (await this.#duty.fold()).cases.get(id);
    if (!c || !escalationDue(c.case, now)) return 0;
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
      return admitted.filter((a) => !a.duplicate).length;
    } catch (e) {
      // Another process escalated (or the author decided) first: nothing is owed any more.
      if (isTocsinError(e) && (e.code === "DUTY_DUPLICATE_ESCALATION" || e.code === "DUTY_ESCALATION_NOT_DUE")) return 0;
      throw e;
    }
  }

  /** A warning version from the log: look at the warning again at its earliest deadline. */
  #scheduleVersion(r: StoredRecord): void {
    const event = lifecycleEventOf(JSON.parse(r.body) as Record<string, unknown>, "warning", { loggedAt: Date.parse(r.loggedAt), nodeIdentity: this.deps.node.id });
    if (event?.kind !== "warning") return;
    const deadlines = Object.values(event.deadlines).filter((d): d is number => d !== undefined);
    if (deadlines.length > 0) this.#deadlines.schedule(r.id, Math.min(...deadlines));
  }

  /** Escalates what is due for one warning and schedules its next deadline; returns records appended. */
  async #escalate(id: string, now: number): Promise<number> {
    const state = await this.deps.states.get(id);
    if (!state) return 0;
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
        this.#deadlines.schedule(id, now);
        return 0;
      }
    }
    // The state predates the escalations just logged: ask only about deadlines after now.
    const next = nextEscalationAt(state, now);
    if (next !== undefined) this.#deadlines.schedule(id, next);
    return appended;
  }
}
