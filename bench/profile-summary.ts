/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof` or TOCSIN_BENCH_CPU_PROF): the functions with
 * the most self time and the most total (inclusive) time, in ms and % of the profile.
 *
 *   node dist-test/bench/profile-summary.js <file.cpuprofile> [top=25]
 *
 * A development aid for the benchmarks, not a benchmark itself.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "./report.js";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  if (!url) return name;
  let file = url;
  try {
    file = url.startsWith("file:") ? relative(root, fileURLToPath(url)) : url;
  } catch {
    // keep the URL as it is
  }
  return `${name} ${file}:${lineNumber + 1}`;
}

export function summarise(profile: CpuProfile, top = 25): string {
  const root = projectRoot();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    let id: number | undefined = profile.samples[i]!;
    const leaf = byId.get(id)!;
    const leafLabel = label(leaf, root);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const l = label(byId.get(id)!, root);
      if (!seen.has(l)) {
        seen.add(l);
        total.set(l, (total.get(l) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const table = (title: string, m: Map<string, number>): string => {
    const rows = [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [
      `${title} (of ${all.toFixed(0)} ms sampled)`,
      ...rows.map(([l, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((ms / all) * 100).toFixed(1).padStart(5)}%  ${l}`),
    ].join("\n");
  };
  return `${table("self time", self)}\n\n${table("total time", total)}\n\n${longestTasks(profile, byId, parent, root)}\n`;
}

/** Frames that are not JavaScript work on the event loop: a sample in one ends a task. */
const IDLE = new Set(["(idle)", "(program)"]);
/** Frames too general to say what a task was doing. */
const GENERIC = new Set(["(root)", "(garbage collector)", "processTicksAndRejections", "runMicrotasks", "(anonymous)", "listOnTimeout", "processTimers"]);

/** The ten longest runs of non-idle samples, each with the three frames most of its samples sat under. */
function longestTasks(profile: CpuProfile, byId: Map<number, ProfileNode>, parent: Map<number, number>, root: string): string {
  const tasks: { ms: number; start: number; end: number }[] = [];
  let start = -1;
  let ms = 0;
  for (let i = 0; i <= profile.samples.length; i++) {
    const idle = i === profile.samples.length || IDLE.has(byId.get(profile.samples[i]!)!.callFrame.functionName);
    if (!idle) {
      if (start < 0) (start = i), (ms = 0);
      ms += (profile.timeDeltas[i + 1] ?? 0) / 1000;
    } else if (start >= 0) {
      tasks.push({ ms, start, end: i });
      start = -1;
    }
  }
  tasks.sort((a, b) => b.ms - a.ms);
  const lines = tasks.slice(0, 10).map((t) => {
    const under = new Map<string, number>();
    for (let i = t.start; i < t.end; i++) {
      const seen = new Set<string>();
      for (let id: number | undefined = profile.samples[i]!; id !== undefined; id = parent.get(id)) {
        const n = byId.get(id)!;
        if (GENERIC.has(n.callFrame.functionName || "(anonymous)") || !n.callFrame.url.includes("/src/")) continue;
        const l = label(n, root);
        if (!seen.has(l)) seen.add(l), under.set(l, (under.get(l) ?? 0) + 1);
      }
    }
    const n = t.end - t.start;
    // The innermost of the project's frames present in at least half of the task's samples names it best.
    const named = [...under].filter(([, c]) => c >= n / 2).sort((a, b) => a[1] - b[1]).slice(0, 3).map(([l, c]) => `${l} (${Math.round((c / n) * 100)}%)`);
    return `${t.ms.toFixed(1).padStart(8)} ms  ${named.join(" < ") || "(outside the project's code)"}`;
  });
  return [`longest tasks (${tasks.length} in all)`, ...lines].join("\n");
}

const [file, topArg] = process.argv.slice(2);
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!file) {
    process.stderr.write("usage: node dist-test/bench/profile-summary.js <file.cpuprofile> [top]\n");
    process.exitCode = 2;
  } else {
    process.stdout.write(summarise(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, topArg ? Number(topArg) : 25));
  }
}
