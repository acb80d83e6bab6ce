import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

/**
 * Runs `fn` under the V8 CPU profiler of this (the main) thread when TOCSIN_BENCH_CPU_PROF names a
 * directory, writing `<bench>-<phase>.cpuprofile` there (summarise it with bench/profile-summary.ts).
 * Only the timed phase is sampled, not the preparation around it. Worker threads are not covered:
 * profile those with `node --cpu-prof --cpu-prof-dir=DIR`, which writes one file per thread.
 */
export async function profiled<T>(bench: string, phase: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.TOCSIN_BENCH_CPU_PROF;
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${bench}-${phase.replace(/[^A-Za-z0-9.]+/g, "-").replace(/^-|-$/g, "")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`  cpu profile: ${file}\n`);
  }
}
