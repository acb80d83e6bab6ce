/**
 * When to try a failed delivery again: exponential backoff from `baseMs`, doubling per attempt up to
 * `capMs`, with "equal jitter" (half the delay fixed, half random) so that many deliveries failing
 * together — a peer down — do not all come back at the same instant. `random` is in [0, 1).
 */
export function retryDelayMs(attempts: number, baseMs: number, capMs: number, random: number): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.round(exp / 2 + (exp / 2) * random);
}
