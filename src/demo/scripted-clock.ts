import type { Clock } from "../core/clock.js";

/**
 * A clock that tells a scripted time until it is released, and the real time afterwards.
 *
 * The demo loads its scenario with the node's own clock pointed at the scenario's dates, so every
 * record is logged (and every deadline judged) as it would have been in March 2024; then `release()`
 * hands the running node back to the system clock. The script only moves forward: the log's times and
 * TAXII's date_added increase with the log, so going back would write a history out of order.
 */
export class ScriptedClock implements Clock {
  #scripted: number | undefined;

  constructor(start: number | string) {
    this.#scripted = toMs(start);
  }

  now(): number {
    return this.#scripted ?? Date.now();
  }

  /** True once the clock tells the real time. */
  get released(): boolean {
    return this.#scripted === undefined;
  }

  /** Moves the scripted time to `at` (epoch ms or an RFC 3339 string); never backwards, never after release. */
  set(at: number | string): void {
    const t = toMs(at);
    if (this.#scripted === undefined) throw new Error("the scripted clock was released: it tells the real time now");
    if (t < this.#scripted) throw new Error(`the scripted clock only moves forward (${new Date(t).toISOString()} < ${new Date(this.#scripted).toISOString()})`);
    this.#scripted = t;
  }

  /** Moves the scripted time forward by `ms`. */
  advance(ms: number): void {
    this.set(this.now() + ms);
  }

  /** From now on the clock tells the real time. Idempotent. */
  release(): void {
    this.#scripted = undefined;
  }
}

function toMs(at: number | string): number {
  const t = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(t)) throw new Error(`not a time: ${String(at)}`);
  return t;
}
