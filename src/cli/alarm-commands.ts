import { isTocsinError } from "../core/errors/tocsin-error.js";
import { toHex } from "../core/crypto/index.js";
import { splitViewEvidenceOf, verifySplitView, type SplitView } from "../core/witness/index.js";
import { openStore } from "../store/open-store.js";
import { readJsonFile } from "./auditor-inputs.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation, requireExistingNode } from "./node-options.js";

/** The alarm record in a file: the record itself, or an entry of GET /witness/alarms (`{record}`). */
function alarmRecordIn(json: unknown): unknown {
  const o = json as { record?: unknown } | null;
  return o !== null && typeof o === "object" && !Array.isArray(o) && "record" in o ? o.record : json;
}

function describe(v: SplitView): string {
  const [a, b] = v.checkpoints;
  const what =
    v.kind === "same-size"
      ? `two checkpoints of size ${a.size} with different roots (${toHex(a.rootHash)} and ${toHex(b.rootHash)})`
      : `a checkpoint of size ${a.size} (root ${toHex(a.rootHash)}) and one of size ${b.size} whose tree had another root at size ${a.size}`;
  return `the log ${v.origin} signed ${what}: it showed two histories (split view)`;
}

/**
 * `tocsin alarm verify FILE [--log-key VKEY] [--json]`: checks a witness alarm offline, with nothing but
 * the file: both checkpoints verify under the log key, and they cannot be one history. With --log-key
 * the key must be that one (the log operator's published key).
 */
export const alarmVerifyCommand = defineCommand(
  {
    name: "alarm verify",
    summary: "Check a witness alarm (proof of a log's split view) offline: both checkpoints signed by the log key, not one history.",
    positionals: "FILE",
    description:
      "FILE is an x-tocsin-witness-alarm record (or an entry of GET /witness/alarms). Exit 0 the alarm proves a split view, 1 it does not (ALARM_INVALID), 2 bad input.",
    options: {
      "log-key": { type: "string", value: "VKEY", help: "require the evidence to be about this log key (the operator's published note vkey)" },
      json: { type: "boolean", help: "print the verdict as JSON" },
    },
  },
  ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("alarm verify takes one alarm file");
    const json = readJsonFile(positionals[0]!, "alarm");
    let view: SplitView;
    try {
      view = verifySplitView(splitViewEvidenceOf(alarmRecordIn(json)), values["log-key"]);
    } catch (e) {
      if (!isTocsinError(e)) throw e;
      out(values.json ? JSON.stringify({ ok: false, code: e.code, reason: e.message }, null, 2) + "\n" : `NOT VERIFIED: ${e.code}: ${e.message}\n`);
      return 1;
    }
    if (values.json) {
      const checkpoints = view.checkpoints.map((c) => ({ size: c.size, rootHash: toHex(c.rootHash) }));
      out(JSON.stringify({ ok: true, origin: view.origin, evidence: view.kind, checkpoints }, null, 2) + "\n");
    } else {
      out(`${describe(view)}\nVERIFIED\n`);
    }
    return 0;
  },
);

/** `tocsin alarm list [--data DIR] [--db URL] [--json]`: the split views this node detected. */
export const alarmListCommand = defineCommand(
  {
    name: "alarm list",
    summary: "List the witness alarms (split views of other logs) this node detected and logged.",
    options: { data: DATA_OPTION, db: DB_OPTION, json: { type: "boolean", help: "print the alarm records as JSON" } },
  },
  async ({ values }, out) => {
    const at = nodeLocation(values);
    requireExistingNode(at);
    const store = await openStore(at, { poolSize: 1 });
    try {
      const alarms = await store.witnessAlarms();
      if (values.json) {
        out(JSON.stringify(alarms.map((a) => ({ id: a.recordId, origin: a.origin, detectedAt: a.detectedAt, logIndex: a.logIndex ?? null, record: JSON.parse(a.body) })), null, 2) + "\n");
        return 0;
      }
      if (alarms.length === 0) out("no witness alarms\n");
      for (const a of alarms) {
        const r = JSON.parse(a.body) as { evidence: string; detected_by: string; source?: string };
        out(`${a.detectedAt}  ${a.origin}  ${r.evidence} (${r.detected_by}${r.source ? ` from ${r.source}` : ""})  ${a.recordId}${a.logIndex === undefined ? "  (not logged yet)" : ` at log index ${a.logIndex}`}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
);
