/**
 * A background job run at start and then every `intervalMs`, never two runs at once: the escalator,
 * deadline notices, webhook deliveries, witness submissions and checkpoint gossip. A failed run is
 * reported (logged by the owner) and the next one retries; `stop` ends the timer, and a run under way
 * finishes on its own (`settle` waits for it).
 */
export class PeriodicTask<T> {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<T> | undefined;

  constructor(
    private readonly run: () => Promise<T>,
    private readonly onError: (e: unknown) => void,
  ) {}

  /**
   * Runs once now — awaited, or in the background when a slow peer must not hold up the node's start —
   * then every `intervalMs` (0: only on demand, through `tick`).
   */
  async start(intervalMs: number, first: "await" | "background" = "await"): Promise<void> {
    this.stop();
    if (first === "await") await this.#reported();
    else void this.#reported();
    if (intervalMs > 0) {
      this.#timer = setInterval(() => void this.#reported(), intervalMs);
      this.#timer.unref();
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Runs now, or joins the run under way (overlapping runs would only race each other). */
  tick(): Promise<T> {
    this.#running ??= this.run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Waits for the run under way, if any (its failure was reported, or is the caller's of `tick`). */
  async settle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  async #reported(): Promise<void> {
    try {
      await this.tick();
    } catch (e) {
      this.onError(e);
    }
  }
}
