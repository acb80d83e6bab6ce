import { randomUUID } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { PartyRow, Store } from "../store/store.js";
import type { ObjectOutcome } from "./admit-each.js";

/** Status resources are kept a week (TAXII 2.1 §4.3 asks for at least 24 hours). */
export const STATUS_RETENTION_MS = 7 * 86_400_000;

/**
 * TAXII 2.1 status resources: the per-object outcome of one POST to a collection, kept for the poster
 * alone and dropped after STATUS_RETENTION_MS. Admission finishes before the POST answers, so every
 * status is "complete" when it is created.
 */
export class TaxiiStatuses {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Saves the status of an envelope posted at `requestedAt` and returns it as JSON text (the resource). */
  async record(owner: PartyRow, objects: readonly unknown[], outcomes: readonly ObjectOutcome[], requestedAt: number): Promise<string> {
    const successes = [];
    const failures = [];
    for (let i = 0; i < objects.length; i++) {
      const o = outcomes[i]!;
      if ("ok" in o) {
        const a = o.ok;
        const how = a.duplicate ? "already logged (exact duplicate)" : a.custodial ? "logged, signed by the node for its custodial author" : "logged";
        successes.push({ id: a.id, version: a.modified, message: `${how} at index ${a.index}, digest ${a.digest}` });
      } else {
        const raw = objects[i];
        const property = o.error.details?.property;
        failures.push({ id: stringMember(raw, "id") ?? "", version: stringMember(raw, "modified") ?? stringMember(raw, "created") ?? "", message: `${o.error.code}: ${o.error.message}${property === undefined ? "" : ` (${String(property)})`}` });
      }
    }
    const status = {
      id: randomUUID(),
      status: "complete",
      request_timestamp: rfc3339(requestedAt),
      total_count: objects.length,
      success_count: successes.length,
      ...(successes.length > 0 ? { successes } : {}),
      failure_count: failures.length,
      ...(failures.length > 0 ? { failures } : {}),
      pending_count: 0,
    };
    const body = JSON.stringify(status);
    await this.store.saveTaxiiStatus({ id: status.id, owner: owner.id, createdAtMs: requestedAt, body }, this.clock.now() - STATUS_RETENTION_MS);
    return body;
  }

  /** The status `id` as JSON text, if `caller` posted it; anyone else's is TAXII_STATUS_NOT_FOUND, as an unknown one is. */
  async get(caller: PartyRow, id: string): Promise<string> {
    const row = await this.store.taxiiStatus(id);
    if (!row || row.owner !== caller.id) throw new TocsinError("TAXII_STATUS_NOT_FOUND", "no such status (they are kept for 7 days)");
    return row.body;
  }
}

/** A string member of what a client sent as an object (it may be anything). */
function stringMember(raw: unknown, name: string): string | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const v: unknown = Reflect.get(raw, name);
  return typeof v === "string" ? v : undefined;
}
