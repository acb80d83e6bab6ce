import { WARNING_EXT } from "../record/index.js";

/** What one version of a warning asked of its recipients, as its signed record says it. */
export interface WarningVersion {
  readonly modified: string;
  readonly title: string;
  readonly description: string;
  readonly severity: string;
  readonly probability: number | undefined;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly requestedActions: readonly string[];
  /** Deadline kind (receipt, assessment, action) → when the response is due. */
  readonly deadlines: Readonly<Record<string, string>>;
  /** The recipients' identity ids. */
  readonly recipients: readonly string[];
  /** What differs from the version before, in words ("severity: medium → high"); empty for the first. */
  readonly changes: readonly string[];
}

type Obj = Record<string, any>;

const text = (v: unknown): string => (typeof v === "string" ? v : "");
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function versionOf(record: Obj): Omit<WarningVersion, "changes"> {
  const w = (record.extensions?.[WARNING_EXT] ?? {}) as Obj;
  const deadlines: Record<string, string> = {};
  if (w.deadlines && typeof w.deadlines === "object") for (const [k, v] of Object.entries(w.deadlines as Obj)) if (typeof v === "string") deadlines[k] = v;
  return {
    modified: text(record.modified ?? record.created),
    title: text(record.name),
    description: text(record.description),
    severity: text(w.severity),
    probability: typeof w.probability === "number" ? w.probability : undefined,
    windowStart: text(w.window_start),
    windowEnd: text(w.window_end),
    requestedActions: texts(w.requested_actions),
    deadlines,
    recipients: texts(w.recipient_refs),
  };
}

const list = (xs: readonly string[]): string => (xs.length === 0 ? "none" : xs.join("; "));

/** The differences a reader cares about between two versions, each as "what: before → after". */
function changesBetween(a: Omit<WarningVersion, "changes">, b: Omit<WarningVersion, "changes">, name: (id: string) => string): string[] {
  const changes: string[] = [];
  const scalar = (what: string, x: string, y: string): void => void (x !== y && changes.push(`${what}: ${x || "none"} → ${y || "none"}`));
  scalar("title", a.title, b.title);
  if (a.description !== b.description) changes.push("description rewritten");
  scalar("severity", a.severity, b.severity);
  scalar("probability", a.probability === undefined ? "" : String(a.probability), b.probability === undefined ? "" : String(b.probability));
  scalar("window", `${a.windowStart} – ${a.windowEnd}`, `${b.windowStart} – ${b.windowEnd}`);
  if (list(a.requestedActions) !== list(b.requestedActions)) changes.push(`requested actions: ${list(a.requestedActions)} → ${list(b.requestedActions)}`);
  for (const kind of [...new Set([...Object.keys(a.deadlines), ...Object.keys(b.deadlines)])].sort()) {
    scalar(`${kind} deadline`, a.deadlines[kind] ?? "", b.deadlines[kind] ?? "");
  }
  const added = b.recipients.filter((r) => !a.recipients.includes(r)).map(name);
  const removed = a.recipients.filter((r) => !b.recipients.includes(r)).map(name);
  if (added.length) changes.push(`recipients added: ${added.join(", ")}`);
  if (removed.length) changes.push(`recipients removed: ${removed.join(", ")}`);
  return changes;
}

/**
 * The warning's versions, oldest first, each with what it asked and what changed from the one before,
 * from the signed records (a bundle's, in log order). `name` turns an identity id into a party's name.
 */
export function warningVersions(records: readonly unknown[], warningId: string, name: (id: string) => string = (id) => id): WarningVersion[] {
  const versions = records.filter((r): r is Obj => typeof r === "object" && r !== null && (r as Obj).id === warningId).map(versionOf);
  return versions.map((v, i) => ({ ...v, changes: i === 0 ? [] : changesBetween(versions[i - 1]!, v, name) }));
}
