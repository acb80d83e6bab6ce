import { lifecycleEventOf } from "../core/lifecycle-mapping/record-events.js";
import type { StoredRecord } from "../store/store.js";

/** The deadlines a warning version sets (ms since the epoch; empty when it sets none). */
export function deadlinesOf(version: StoredRecord): number[] {
  const event = lifecycleEventOf(JSON.parse(version.body) as Record<string, unknown>, "warning", { loggedAt: Date.parse(version.loggedAt), nodeIdentity: "" });
  if (event?.kind !== "warning") return [];
  return Object.values(event.deadlines).filter((d): d is number => d !== undefined);
}

/**
 * The earliest deadline a warning version sets (undefined when it sets none): the first instant at
 * which, unless later records change the warning, something may be owed — the escalator looks at the
 * warning then, the deadline notifier a lead time before.
 */
export function earliestDeadlineOf(version: StoredRecord): number | undefined {
  const deadlines = deadlinesOf(version);
  return deadlines.length > 0 ? Math.min(...deadlines) : undefined;
}
