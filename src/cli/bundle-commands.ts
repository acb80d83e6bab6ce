import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { auditBundle, parseBundle, type BundleAudit } from "../core/bundle/index.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { formatVerifierKey, parseVerifierKey, type NoteVerifier } from "../core/note/index.js";
import { isStixId } from "../core/record/index.js";
import { partyReader } from "../core/tlp/index.js";
import { exportBundle } from "../exchange/bundle-export.js";
import { PartyService } from "../exchange/party-service.js";
import { RecordReader } from "../exchange/record-reader.js";
import { LogReader } from "../log/log-reader.js";
import { systemClock } from "../log/system-clock.js";
import { SQLITE_FILE } from "../node/node.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { UsageError } from "./cli-errors.js";

function parse<T extends Parameters<typeof parseArgs>[0]>(config: T) {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Opens the node's database read-side for the export and report commands. */
export async function withNodeStore<T>(dataDir: string, fn: (d: { store: SqliteStore; parties: PartyService; records: RecordReader; log: LogReader }) => Promise<T>): Promise<T> {
  const dbPath = join(dataDir, SQLITE_FILE);
  if (!existsSync(dbPath)) throw new UsageError(`no Tocsin database at ${dbPath}`);
  const store = SqliteStore.open(dbPath);
  try {
    const parties = new PartyService(store, systemClock, join(dataDir, "keys"));
    return await fn({ store, parties, records: new RecordReader(store, parties), log: new LogReader(store) });
  } finally {
    await store.close();
  }
}

export function warningIdArg(id: string | undefined): string {
  if (id === undefined) throw new UsageError("--warning ID is required");
  if (!isStixId(id, "report")) throw new UsageError(`--warning must be a warning id (report--<uuid>), not ${id}`);
  return id;
}

/**
 * `tocsin export-bundle --warning ID [--out FILE] [--as SLUG] [--data DIR]`: writes the warning's
 * accountability bundle (stdout without --out). `--as` exports only what that party may read (TLP);
 * without it the operator exports everything its database holds about the warning.
 */
export async function exportBundleCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parse({
    args: argv,
    options: { warning: { type: "string" }, out: { type: "string" }, as: { type: "string" }, data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" } },
    strict: true,
  });
  const warningId = warningIdArg(values.warning as string | undefined);
  const bundle = await withNodeStore(values.data as string, async (d) => {
    const reader = values.as === undefined ? undefined : partyReader((await d.parties.require(values.as as string)).id);
    return exportBundle(d, reader, warningId, new Date());
  });
  const text = JSON.stringify(bundle, null, 1) + "\n";
  if (values.out) {
    writeFileSync(values.out as string, text);
    out(`wrote ${values.out}: ${bundle.records.length} records, ${bundle.checkpoints.length} checkpoints\n`);
  } else out(text);
  return 0;
}

/**
 * `tocsin audit FILE [--log-key VKEY] [--witness VKEY]… [--json]`: verifies a bundle offline — no
 * server, no database — and prints its timeline. Exit 0 verified, 1 not (a file that is not a bundle
 * is not verified either), 2 bad usage.
 */
export async function auditCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parse({
    args: argv,
    options: { "log-key": { type: "string" }, witness: { type: "string", multiple: true }, json: { type: "boolean", default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError("audit takes one bundle file");
  const file = positionals[0]!;
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const key = (s: string, what: string): NoteVerifier => {
    try {
      return parseVerifierKey(s);
    } catch (e) {
      throw new UsageError(`bad ${what}: ${(e as Error).message}`);
    }
  };
  const logKey = values["log-key"] === undefined ? undefined : key(values["log-key"] as string, "--log-key");
  const extraWitnesses = ((values.witness as string[] | undefined) ?? []).map((w) => key(w, "--witness"));
  let report: BundleAudit;
  try {
    const bundle = parseBundle(JSON.parse(readFileSync(file, "utf8")));
    report = auditBundle({ ...bundle, witnesses: [...bundle.witnesses, ...extraWitnesses.map((w) => formatVerifierKey(w))] }, logKey ? { logKey } : {});
  } catch (e) {
    const why = isTocsinError(e) ? `${e.code}: ${e.message}` : `not JSON: ${(e as Error).message}`;
    if (values.json) out(JSON.stringify({ ok: false, problems: [{ check: "format", subject: file, message: why }] }, null, 2) + "\n");
    else out(`NOT VERIFIED: ${file} is not a readable accountability bundle (${why})\n`);
    return 1;
  }
  out(values.json ? JSON.stringify(report, null, 2) + "\n" : formatAudit(report));
  return report.ok ? 0 : 1;
}

/** The audit as a person reads it: the timeline, then the verdict and every problem. */
export function formatAudit(r: BundleAudit): string {
  const lines: string[] = [];
  lines.push(`Accountability bundle for warning ${r.warning}`);
  lines.push(`log key: ${r.logKey.key.split("+")[0]} (${r.logKey.pinned ? "pinned with --log-key" : "taken from the bundle; pin it with --log-key to trust the log operator's published key"})`);
  lines.push(`checkpoints verified: ${r.checkpoints.map((c) => c.size).join(", ") || "none"}; consistency proofs verified between consecutive ones`);
  for (const c of r.checkpoints) for (const w of c.cosignatures) lines.push(`  checkpoint ${c.size} cosigned by ${w.name} at ${new Date(w.timestamp * 1000).toISOString()}`);
  lines.push("", "timeline (log order):");
  for (const e of r.timeline) {
    const who = e.authorName ?? e.author;
    lines.push(`  ${String(e.index).padStart(6)}  ${e.loggedAt ?? "?".padEnd(24)}  ${e.kind.padEnd(10)}  ${who}: ${e.says}`);
    lines.push(`          signature ${e.signature}, ${e.signedBy}; in checkpoints ${e.includedIn.join(", ") || "none"}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push("", `records: ${r.counts.records}, signatures verified: ${r.counts.signatures}, inclusion proofs verified: ${r.counts.inclusionProofs}`);
  lines.push(`signers: ${r.custody.line}`);
  if (r.ok) lines.push("VERIFIED");
  else {
    lines.push(`NOT VERIFIED: ${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}`);
    for (const p of r.problems) lines.push(`  ${p.check}: ${p.subject}: ${p.message}`);
  }
  return lines.join("\n") + "\n";
}
