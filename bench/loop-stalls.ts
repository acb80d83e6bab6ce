import { readFileSync } from "node:fs";

/**
 * The event loop's stalls, split into the main thread's own work and its wait for a CPU.
 *
 * A 1 ms timer reads the main thread's /proc/thread-self/schedstat (Linux: ns on a CPU, ns runnable
 * but waiting for one) at each tick. The gap between two ticks is what a /healthz request arriving
 * meanwhile waits; the part the thread spent on a CPU is the work of the tasks in between (JavaScript,
 * garbage collection, native calls) — what the code decides — and the part it spent waiting is what
 * the machine's other processes took. On a shared machine only the first compares between runs.
 */
export interface LoopStalls {
  /** The longest gap between two ticks (ms, wall clock), and how much of it the thread ran / waited. */
  readonly worst: { readonly wallMs: number; readonly runMs: number; readonly waitMs: number; readonly atMs: number };
  /** The most CPU the thread used between two ticks (ms): the longest task, in CPU time; and when it ended (ms after the start). */
  readonly maxRunMs: number;
  readonly maxRunAtMs: number;
  /** The five ticks with the most CPU: [CPU ms, performance.now() at their end] (to match with --trace-gc's times). */
  readonly topRuns: readonly (readonly [runMs: number, at: number])[];
  /** The thread's CPU and its wait for a CPU over the whole time (ms). */
  readonly runMs: number;
  readonly waitMs: number;
  readonly ticks: number;
}

function schedstat(): [run: number, wait: number] | undefined {
  try {
    const [run, wait] = readFileSync("/proc/thread-self/schedstat", "utf8").split(" ");
    return [Number(run) / 1e6, Number(wait) / 1e6];
  } catch {
    return undefined;
  }
}

/** Starts watching; the returned function stops and reports (undefined where /proc has no schedstat). */
export function watchLoopStalls(): () => LoopStalls | undefined {
  const first = schedstat();
  if (!first) return () => undefined;
  let [run0, wait0] = first;
  let t0 = performance.now();
  const start = { run: run0, wait: wait0 };
  const began = performance.now();
  let worst = { wallMs: 0, runMs: 0, waitMs: 0, atMs: 0 };
  let maxRunMs = 0;
  let maxRunAtMs = 0;
  const topRuns: [number, number][] = [];
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const s = schedstat()!;
    const wall = now - t0;
    const run = s[0] - run0;
    if (wall > worst.wallMs) worst = { wallMs: wall, runMs: run, waitMs: s[1] - wait0, atMs: now - began };
    if (run > maxRunMs) (maxRunMs = run), (maxRunAtMs = now - began);
    if (topRuns.length < 5 || run > topRuns[4]![0]) {
      topRuns.push([run, now]);
      topRuns.sort((a, b) => b[0] - a[0]);
      topRuns.length = Math.min(5, topRuns.length);
    }
    ticks++;
    [run0, wait0] = s;
    t0 = now;
  }, 1);
  return () => {
    clearInterval(timer);
    const s = schedstat()!;
    return { worst, maxRunMs, maxRunAtMs, topRuns, runMs: s[0] - start.run, waitMs: s[1] - start.wait, ticks };
  };
}
