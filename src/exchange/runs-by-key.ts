/**
 * Work per peer (or witness) that must not wait for other peers' work: at most one run per key at a
 * time, and nobody waits for a run unless it asks to. The gossip rounds, the witness collector and
 * the outbox each start one per peer and go on: over a cut link a peer answers nothing until its
 * request's timeout, and a round that waited for every peer held up all the others that long.
 */
export class RunsByKey {
  readonly #runs = new Map<string, Promise<void>>();

  /**
   * Starts `run` for `key` unless one is under way; false (nothing started) when one is. `run` must not
   * reject: its failures are its own to report. `ended`, if given, is called once it has ended.
   */
  start(key: string, run: () => Promise<void>, ended?: () => void): boolean {
    if (this.#runs.has(key)) return false;
    this.#runs.set(
      key,
      run().finally(() => {
        this.#runs.delete(key);
        ended?.();
      }),
    );
    return true;
  }

  /** Resolves once every run under way now has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.#runs.values());
  }
}
