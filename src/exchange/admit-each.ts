import { isTocsinError, TocsinError } from "../core/errors/tocsin-error.js";
import type { PartyRow } from "../store/store.js";
import { MAX_BATCH_RECORDS, type Admission, type Admitted } from "./admission.js";

/** The fate of one object of a TAXII envelope. */
export type ObjectOutcome = { readonly ok: Admitted } | { readonly error: TocsinError };

/**
 * TAXII reports success or failure per object, while admission is all-or-nothing per batch (and names
 * the first bad record's position). So: admit the envelope in order; when a batch fails at position i,
 * record that failure, admit what came before it as a batch of its own, and carry on with what came
 * after. Every object still goes through exactly the admission path, and objects keep their order (a
 * receipt after the warning it acknowledges still finds it).
 *
 * Each failure makes admission prepare (validate, verify) the rest of its batch again, so the batch
 * size halves after a failure and doubles after a success: an envelope of 1 000 bad objects costs a
 * few thousand preparations, not half a million, while a clean one is still one batch. An error that
 * names no position (the store is down, the sequencer stopped) is not about an object and is thrown.
 */
export async function admitEach(admission: Admission, poster: PartyRow, objects: readonly unknown[]): Promise<ObjectOutcome[]> {
  const outcomes: ObjectOutcome[] = new Array(objects.length);
  const run = async (indices: number[]): Promise<void> => {
    let rest = indices;
    let size = MAX_BATCH_RECORDS;
    while (rest.length > 0) {
      const chunk = rest.slice(0, size);
      try {
        const admitted = await admission.admit(poster, chunk.map((i) => objects[i]));
        admitted.forEach((a, j) => (outcomes[chunk[j]!] = { ok: a }));
        rest = rest.slice(chunk.length);
        size = Math.min(MAX_BATCH_RECORDS, size * 2);
      } catch (e) {
        const at = positionOf(e);
        if (at === undefined || at >= chunk.length || !isTocsinError(e)) throw e;
        outcomes[chunk[at]!] = { error: e };
        if (at > 0) await run(chunk.slice(0, at));
        rest = rest.slice(at + 1);
        size = Math.max(1, Math.floor(size / 2));
      }
    }
  };
  await run(objects.map((_, i) => i));
  return outcomes;
}

function positionOf(e: unknown): number | undefined {
  const at = (e as { details?: { record?: unknown } } | undefined)?.details?.record;
  return typeof at === "number" && Number.isInteger(at) && at >= 0 ? at : undefined;
}
