import { randomUUID } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { dueEscalations } from "../core/lifecycle/index.js";
import { resolvedAt } from "../core/lifecycle/warning-state.js";
import { ESCALATION_EXT, ESCALATION_TYPE } from "../core/record/index.js";
import type { PartyRow, Store } from "../store/store.js";
import type { Admission } from "./admission.js";

/**
 * The clock that keeps running when a recipient does nothing: on every tick, each unresolved warning's
 * missed deadlines become escalation records signed by the node and admitted like any other record.
 *
 * Exactly once: what is due is computed from the warning's state (which includes the escalations
 * already logged), and the lifecycle refuses a second escalation for the same recipient and deadline.
 * Deadlines that passed while the node was down are found by the first tick after start.
 */
export class Escalator {
  readonly #open = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(
    private readonly deps: { store: Store; admission: Admission; clock: Clock; node: PartyRow },
  ) {}

  /** Loads the warnings to watch, runs one tick, and ticks every `intervalMs` (0: only on demand). */
  async start(intervalMs: number): Promise<void> {
    for (let after = -1; ; ) {
      const page = await this.deps.store.listRecords({ kind: "warning", addedAfterUs: after, limit: 5000 });
      for (const r of page) this.#open.add(r.id);
      if (page.length < 5000) break;
      after = page[page.length - 1]!.addedUs;
    }
    await this.tick();
    if (intervalMs > 0) {
      this.#timer = setInterval(() => void this.tick().catch(() => undefined), intervalMs);
      this.#timer.unref();
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A warning to watch (called when one is admitted). */
  track(warningId: string): void {
    this.#open.add(warningId);
  }

  /** Escalates everything due now; returns how many escalation records were appended. */
  tick(): Promise<number> {
    // One tick at a time: overlapping ticks would only race each other to the same escalations.
    this.#running ??= this.#tick().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #tick(): Promise<number> {
    const now = this.deps.clock.now();
    let appended = 0;
    for (const id of [...this.#open]) {
      const state = await this.deps.admission.states.get(id);
      if (!state) continue;
      const due = dueEscalations(state, now);
      if (due.length === 0) {
        if (resolvedAt(state) !== undefined) this.#open.delete(id);
        continue;
      }
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
        appended += admitted.filter((a) => !a.duplicate).length;
      } catch (e) {
        // Another tick or process escalated first: the lifecycle refused the duplicate. Anything else is real.
        if (!(isTocsinError(e) && e.code === "LIFECYCLE_DUPLICATE_ESCALATION")) throw e;
      }
    }
    return appended;
  }
}
