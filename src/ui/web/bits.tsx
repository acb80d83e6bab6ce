import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "./api.js";

/** Now, re-read every `ms` (countdowns move without reloading anything). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** A request's state: loading, its answer, or the error as a sentence; `reload` asks again without blanking the screen. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState((s) => ({ ...s, error: messageOf(e) })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export const messageOf = (e: unknown): string => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

const UNITS: readonly [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "min"],
];

/** A duration in words a person reads at a glance: "2 d 3 h", "45 min". */
export function duration(ms: number): string {
  const parts: string[] = [];
  let left = Math.abs(ms);
  for (const [size, unit] of UNITS) {
    if (left >= size && parts.length < 2) {
      parts.push(`${Math.floor(left / size)} ${unit}`);
      left %= size;
    }
  }
  return parts.length ? parts.join(" ") : "under a minute";
}

/** "in 3 h 20 min" or "passed 2 d ago". */
export function countdown(at: string, now: number): string {
  const ms = Date.parse(at) - now;
  return ms >= 0 ? `in ${duration(ms)}` : `passed ${duration(ms)} ago`;
}

/** A timestamp in the reader's locale, UTC said. */
export const when = (iso: string | undefined): string => (iso ? new Date(iso).toISOString().replace("T", " ").replace(/:\d\d\.\d{3}Z$/, " UTC") : "—");

export const percent = (p: number | undefined): string => (p === undefined ? "—" : `${Math.round(p * 100)} %`);

/** TLP 2.0 badge (FIRST's colours on black, as the standard asks). */
export function Tlp({ level }: { level: string }) {
  return <span class={`tlp tlp-${level.toLowerCase().replace(/\+.*/, "")}`}>TLP:{level}</span>;
}

export function Problem({ message }: { message: string | undefined }) {
  return message ? (
    <p class="problem" role="alert">
      {message}
    </p>
  ) : null;
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** Short form of a long STIX id for display (the full id stays in the title attribute). */
export const shortId = (id: string): string => {
  const [type, uuid] = id.split("--");
  return uuid ? `${type}--${uuid.slice(0, 8)}…` : id;
};
