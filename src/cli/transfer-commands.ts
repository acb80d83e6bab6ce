import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { auditLog } from "../log/audit.js";
import { describeStore, openStore, SQLITE_FILE } from "../store/open-store.js";
import { exportStore, importStore } from "../store/transfer/transfer.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { EITHER_DATA_OPTION, EITHER_DB_OPTION, wholeDatabaseLocation } from "./node-options.js";
import { trustedVerifier } from "./log-commands.js";

/**
 * `tocsin export [--db URL | --data DIR] [--out FILE]`: the whole node database (log, checkpoints,
 * records, parties) as JSON lines, from one consistent snapshot (a running node may keep writing).
 * Keys are not in it: the log key and custodial keys stay in the data directory.
 */
export const exportCommand = defineCommand(
  {
    name: "export",
    summary: "The whole node database as JSON lines from one consistent snapshot (private keys stay in the data directory).",
    options: {
      db: EITHER_DB_OPTION,
      data: EITHER_DATA_OPTION,
      out: { type: "string", value: "FILE", help: "write to FILE (which must not exist) instead of stdout" },
    },
  },
  async ({ values }, out) => {
    const at = wholeDatabaseLocation(values);
    if (at.db === undefined && !existsSync(join(at.dataDir, SQLITE_FILE))) throw new UsageError(`no Tocsin database at ${join(at.dataDir, SQLITE_FILE)}`);
    const store = await openStore(at, { poolSize: 1 });
    try {
      if (values.out === undefined) {
        await exportStore(store, (line) => out(line + "\n"));
      } else {
        const file = createWriteStream(values.out, { flags: "wx" });
        const summary = await exportStore(store, async (line) => {
          if (!file.write(line + "\n")) await once(file, "drain");
        });
        file.end();
        await once(file, "finish");
        process.stderr.write(`exported ${describeStore(at)} to ${values.out}: ${summary.counts.log_leaf} entries, ${summary.counts.log_checkpoint} checkpoints, ${summary.counts.record} records, ${summary.counts.party} parties\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
);

/**
 * `tocsin import FILE [--db URL | --data DIR] [--key VKEY]`: loads an export into an empty database
 * (created and migrated if needed), in one transaction, then audits the imported log against the log
 * key (`--key`, else DIR/log.key): exit 0 when it is clean, 1 when not.
 */
export const importCommand = defineCommand(
  {
    name: "import",
    summary: "Load an export into an empty database of either engine, in one transaction, then audit the imported log.",
    positionals: "FILE",
    description: "Exit 0 when the imported log audits clean, 1 when not, 2 when refused (non-empty target, truncated or malformed file).",
    options: {
      db: EITHER_DB_OPTION,
      data: EITHER_DATA_OPTION,
      key: { type: "string", value: "VKEY", help: "the log's verifier key to audit with (default: DIR/log.key)" },
    },
  },
  async ({ values, positionals }, out) => {
    if (positionals.length !== 1) throw new UsageError("import takes one FILE (an export)");
    const path = positionals[0]!;
    if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
    const at = wholeDatabaseLocation(values);
    const verifier = trustedVerifier(at.dataDir, values.key);
    const store = await openStore(at, { poolSize: 2 });
    try {
      const { counts } = await importStore(store, readLines(path));
      out(`imported into ${describeStore(at)}: ${counts.log_leaf} entries, ${counts.log_checkpoint} checkpoints, ${counts.record} records, ${counts.party} parties\n`);
      const report = await auditLog(store, { verifier, parallel: { at } });
      out(report.ok ? `audit: clean (${report.leaves} entries, ${report.checkpoints} checkpoints)\n` : `audit: CORRUPTED at entry ${report.problems[0]!.entry}: ${report.problems[0]!.message}\n`);
      return report.ok ? 0 : 1;
    } finally {
      await store.close();
    }
  },
);

/**
 * The file's lines, pulled as the import consumes them. (Not readline's async iterator: it starts
 * reading at once and drops lines emitted before the first `for await`, which begins only after the
 * import's transaction has opened.)
 */
async function* readLines(path: string): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of createReadStream(path, "utf8")) {
    const parts = (rest + (chunk as string)).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}
