/** The time source, injected everywhere: production passes the system clock, tests a fake one. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** RFC 3339 UTC with milliseconds, the one timestamp format Tocsin writes. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
