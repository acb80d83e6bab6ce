import { LifecycleError } from "./lifecycle-errors.js";
import {
  ACTION_STATUSES,
  DEADLINE_KINDS,
  NODE_AUTHOR,
  OPINIONS,
  OUTCOMES,
  type LifecycleEvent,
} from "./lifecycle-events.js";

/*
 * Events come from the record layer, which parsed hostile STIX: the types say what an event should be,
 * this checks that it is, so that a NaN time or an unknown opinion becomes a coded error instead of a
 * silently wrong comparison (every comparison with NaN is false, which would "meet" any deadline).
 */

const KINDS = ["warning", "receipt", "assessment", "action", "resolution", "reveal", "escalation"] as const;

function malformed(field: string, why: string): LifecycleError {
  return new LifecycleError("LIFECYCLE_MALFORMED_EVENT", `Malformed lifecycle event: ${field} ${why}`, {
    details: { field },
  });
}

function isTime(v: unknown): v is number {
  // Milliseconds since the epoch: integers that doubles hold exactly.
  return typeof v === "number" && Number.isSafeInteger(v);
}

function requireTime(o: Record<string, unknown>, field: string): void {
  if (!isTime(o[field])) throw malformed(field, "is not an integer number of milliseconds");
}

function requireId(o: Record<string, unknown>, field: string): void {
  const v = o[field];
  if (typeof v !== "string" || v.length === 0) throw malformed(field, "is not a non-empty string");
}

function requireOneOf(o: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  const v = o[field];
  if (typeof v !== "string" || !allowed.includes(v)) throw malformed(field, `is not one of ${allowed.join(", ")}`);
}

function requireParties(o: Record<string, unknown>, field: string): void {
  const v = o[field];
  if (!Array.isArray(v)) throw malformed(field, "is not an array");
  for (const p of v) {
    if (typeof p !== "string" || p.length === 0) throw malformed(field, "holds an empty or non-string id");
    // "node" names the node as escalation author; a party by that name would be confused with it.
    if (p === NODE_AUTHOR) throw malformed(field, `holds the reserved id "${NODE_AUTHOR}"`);
  }
}

/** Throws LIFECYCLE_MALFORMED_EVENT unless `event` has the shape its kind requires. */
export function assertWellFormed(event: unknown): asserts event is LifecycleEvent {
  if (typeof event !== "object" || event === null) throw malformed("event", "is not an object");
  const o = event as Record<string, unknown>;
  requireOneOf(o, "kind", KINDS);
  requireId(o, "warningId");
  requireId(o, "author");
  requireTime(o, "created");
  requireTime(o, "loggedAt");
  switch (o.kind as (typeof KINDS)[number]) {
    case "warning": {
      if (o.author === NODE_AUTHOR) throw malformed("author", `is the reserved id "${NODE_AUTHOR}"`);
      requireParties(o, "recipients");
      if (o.arbiters !== undefined) requireParties(o, "arbiters");
      requireTime(o, "modified");
      requireTime(o, "windowStart");
      requireTime(o, "windowEnd");
      const d = o.deadlines;
      if (typeof d !== "object" || d === null || Array.isArray(d)) throw malformed("deadlines", "is not an object");
      for (const [k, v] of Object.entries(d)) {
        if (!(DEADLINE_KINDS as readonly string[]).includes(k)) throw malformed("deadlines", `has unknown kind ${k}`);
        // An explicit undefined is the same as an absent deadline.
        if (v !== undefined && !isTime(v)) throw malformed(`deadlines.${k}`, "is not an integer number of milliseconds");
      }
      if (!Array.isArray(o.commitments) || !o.commitments.every((c) => typeof c === "string" && c.length > 0)) {
        throw malformed("commitments", "is not an array of non-empty ids");
      }
      return;
    }
    case "receipt":
      requireTime(o, "warningModified");
      return;
    case "assessment":
      requireOneOf(o, "opinion", OPINIONS);
      return;
    case "action":
      requireOneOf(o, "status", ACTION_STATUSES);
      return;
    case "resolution":
      requireOneOf(o, "outcome", OUTCOMES);
      if (o.eventTime !== undefined) requireTime(o, "eventTime");
      return;
    case "reveal":
      requireId(o, "commitmentId");
      if (typeof o.matches !== "boolean") throw malformed("matches", "is not a boolean");
      return;
    case "escalation":
      requireId(o, "recipient");
      requireOneOf(o, "deadlineKind", DEADLINE_KINDS);
      requireTime(o, "deadline");
      return;
  }
}
