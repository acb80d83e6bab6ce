/**
 * Scoring a big track record is tens of milliseconds of arithmetic per part. The parts are written as
 * generators that yield between bounded units of work (a group's bootstrap, a slice of states), so a
 * caller on an event loop can let other work through between them while the core stays pure and
 * synchronous; run to the end in one go, a generator gives exactly the synchronous function's result.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs step generators to the end, synchronously. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
