import type { Lease } from "./store.js";

/** The lease columns of the `log_head` row as stored: the epoch stays when the holder is cleared. */
export interface LeaseState {
  readonly holder: string | null;
  readonly epoch: number;
  readonly expiresAt: number;
}

/**
 * The lease rule of both engines, pure: `holder` gets the lease when it holds it already, or when it
 * is free — nobody holds it, it expired, or `isDead` says its holder is gone. The epoch (the fencing
 * token) increases whenever the holder changes and only then. Undefined: someone else holds it.
 */
export function takeLease(state: LeaseState, holder: string, ttlMs: number, nowMs: number, isDead?: (holder: string) => boolean): Lease | undefined {
  const current = state.holder;
  const free = current === null || state.expiresAt <= nowMs || (isDead?.(current) ?? false);
  if (current !== holder && !free) return undefined;
  return { holder, epoch: current === holder ? state.epoch : state.epoch + 1, expiresAt: nowMs + ttlMs };
}
