import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { auditLog } from "../log/audit.js";
import { isPostgresUrl } from "../node/config.js";
import { describeStore, openStore, SQLITE_FILE, type StoreLocation } from "../store/open-store.js";
import { exportStore, importStore } from "../store/transfer/transfer.js";
import { UsageError } from "./cli-errors.js";
import { trustedVerifier } from "./log-commands.js";

const OPTIONS = { data: { type: "string" }, db: { type: "string" }, out: { type: "string" }, key: { type: "string" } } as const;

function parse(argv: string[], allowed: readonly ("out" | "key")[], positionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: positionals });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const k of ["out", "key"] as const) if (parsed.values[k] !== undefined && !allowed.includes(k)) throw new UsageError(`unknown option --${k}`);
  return parsed;
}

function location(values: { data?: string | undefined; db?: string | undefined }): StoreLocation {
  const db = values.db ?? (values.data === undefined ? process.env.TOCSIN_DB || undefined : undefined);
  if (db !== undefined && !isPostgresUrl(db)) throw new UsageError("--db must be a postgres:// URL");
  return { db, dataDir: values.data ?? process.env.TOCSIN_DATA ?? "./data" };
}

/**
 * `tocsin export [--db URL | --data DIR] [--out FILE]`: the whole node database (log, checkpoints,
 * records, parties) as JSON lines, from one consistent snapshot (a running node may keep writing).
 * Keys are not in it: the log key and custodial keys stay in the data directory.
 */
export async function exportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parse(argv, ["out"]);
  const at = location(values);
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
}

/**
 * `tocsin import FILE [--db URL | --data DIR] [--key VKEY]`: loads an export into an empty database
 * (created and migrated if needed), in one transaction, then audits the imported log against the log
 * key (`--key`, else DIR/log.key): exit 0 when it is clean, 1 when not.
 */
export async function importCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, ["key"], true);
  if (positionals.length !== 1) throw new UsageError("import takes one FILE (an export)");
  const path = positionals[0]!;
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  const at = location(values);
  const verifier = trustedVerifier(at.dataDir, values.key);
  const store = await openStore(at, { poolSize: 2 });
  try {
    const { counts } = await importStore(store, readLines(path));
    out(`imported into ${describeStore(at)}: ${counts.log_leaf} entries, ${counts.log_checkpoint} checkpoints, ${counts.record} records, ${counts.party} parties\n`);
    const report = await auditLog(store, { verifier });
    out(report.ok ? `audit: clean (${report.leaves} entries, ${report.checkpoints} checkpoints)\n` : `audit: CORRUPTED at entry ${report.problems[0]!.entry}: ${report.problems[0]!.message}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

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
