import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseSignerKey, parseVerifierKey, verifierFromSigner, type NoteVerifier } from "../core/note/index.js";
import { auditLog } from "../log/audit.js";
import { auditKeyHistory } from "../log/audit-key-history.js";
import { LOG_KEY_FILE } from "../node/log-key.js";
import { openStore } from "../store/open-store.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation, requireExistingNode } from "./node-options.js";
import { progressBar } from "./progress-bar.js";

/**
 * `tocsin log audit [--data DIR] [--db postgres://…] [--key VKEY] [--json]`: recomputes the log from its leaves and checks
 * every stored hash and checkpoint, the log key recorded in the database, and every record and
 * tombstone row against the leaf that logged it. Exit 0 clean, 1 corrupted (the first corrupted entry named).
 *
 * The checkpoints' signatures are checked against a key the auditor trusts: `--key` (a verifier key
 * string, for auditors without the private key), else the node's own key file — never a key read
 * from the database under audit.
 */
export const logAuditCommand = defineCommand(
  {
    name: "log audit",
    summary: "Recompute the log from its leaves and check every stored hash, checkpoint signature and stored record.",
    description: "Exit 0 clean, 1 corrupted (the first corrupted entry named). A progress bar shows on a terminal.",
    options: {
      data: DATA_OPTION,
      db: DB_OPTION,
      key: { type: "string", value: "VKEY", help: "the log's verifier key to check checkpoints with (default: the node's key file in --data)" },
      json: { type: "boolean", help: "print the report as JSON" },
    },
  },
  async ({ values }, out) => {
    const at = nodeLocation(values);
    requireExistingNode(at);
    const verifier = trustedVerifier(values.data, values.key);
    const store = await openStore(at);
    try {
      const bar = progressBar("audit");
      const logReport = await auditLog(store, { verifier, parallel: { at }, onProgress: (d, t) => bar.update(d, t) });
      bar.done();
      // Every stored party key must match the logged key history (key transparency, audit-key-history.ts).
      const keyHistory = await auditKeyHistory(store);
      const report = { ...logReport, ok: logReport.ok && keyHistory.ok, keyHistory };
      if (values.json) {
        out(JSON.stringify(report, null, 2) + "\n");
      } else {
        out(`entries: ${report.leaves}, checkpoints: ${report.checkpoints}, ${report.seconds.toFixed(2)} s\n`);
        out(`parties: ${keyHistory.parties}, key records: ${keyHistory.keyRecords}\n`);
        if (report.ok) out("clean\n");
        else {
          if (logReport.ok) out("CORRUPTED: the stored party keys do not match the logged key history\n");
          else {
            const first = logReport.problems[0]!;
            out(first.kind === "log-key" ? `CORRUPTED: ${first.message}\n` : `CORRUPTED: first corrupted entry ${first.entry}\n`);
          }
          for (const p of logReport.problems) out(`  ${p.kind}: ${p.message}\n`);
          for (const p of keyHistory.problems) out(`  party-key: ${p.message}\n`);
        }
      }
      return report.ok ? 0 : 1;
    } finally {
      await store.close();
    }
  },
);

export function trustedVerifier(dataDir: string, vkey: string | undefined): NoteVerifier {
  try {
    if (vkey !== undefined) return parseVerifierKey(vkey);
    const keyFile = join(dataDir, LOG_KEY_FILE);
    if (!existsSync(keyFile)) throw new UsageError(`no key to check checkpoints with: pass --key or keep ${keyFile}`);
    return verifierFromSigner(parseSignerKey(readFileSync(keyFile, "utf8").trim()));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`bad log key: ${(e as Error).message}`);
  }
}
