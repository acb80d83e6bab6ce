import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isStixId } from "../core/record/index.js";
import { partyReader } from "../core/tlp/index.js";
import { parseRecordProof, parseVerifierKey, verifyBundle, type BundleAudit, type NoteVerifier, type RecordProof } from "../verify/index.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation, withNodeReadSide } from "./node-options.js";

export function warningIdArg(id: string): string {
  if (!isStixId(id, "report")) throw new UsageError(`--warning must be a warning id (report--<uuid>), not ${id}`);
  return id;
}

/** `--warning ID`, shared by export-bundle and report. */
export const WARNING_OPTION = { type: "string", value: "ID", help: "the warning (report--<uuid>)", required: true } as const;

/** `--as SLUG`, shared by export-bundle and report. */
export const AS_OPTION = { type: "string", value: "SLUG", help: "include only what this party may read (TLP); without it, everything the node holds" } as const;

/**
 * `tocsin export-bundle --warning ID [--out FILE] [--as SLUG] [--data DIR] [--db URL]`: writes the warning's
 * accountability bundle (stdout without --out). `--as` exports only what that party may read (TLP);
 * without it the operator exports everything its database holds about the warning.
 */
export const exportBundleCommand = defineCommand(
  {
    name: "export-bundle",
    summary: "Write a warning's accountability bundle (records, signatures, proofs, checkpoints) for `tocsin audit`.",
    options: {
      warning: WARNING_OPTION,
      out: { type: "string", value: "FILE", help: "write the bundle to FILE instead of stdout" },
      as: AS_OPTION,
      data: DATA_OPTION,
      db: DB_OPTION,
    },
  },
  async ({ values }, out) => {
    const warningId = warningIdArg(values.warning);
    const bundle = await withNodeReadSide(nodeLocation(values), async (reads) => {
      const reader = values.as === undefined ? undefined : partyReader((await reads.party(values.as)).id);
      return reads.bundle(reader, warningId, new Date());
    });
    const text = JSON.stringify(bundle, null, 1) + "\n";
    if (values.out !== undefined) {
      writeFileSync(values.out, text);
      out(`wrote ${values.out}: ${bundle.records.length} records, ${bundle.checkpoints.length} checkpoints\n`);
    } else out(text);
    return 0;
  },
);

/**
 * `tocsin audit FILE [--log-key VKEY] [--witness VKEY]… [--json]`: verifies a bundle offline — no
 * server, no database — and prints its timeline. Exit 0 verified, 1 not (a file that is not a bundle
 * is not verified either), 2 bad usage.
 */
export const auditCommand = defineCommand(
  {
    name: "audit",
    summary: "Verify an accountability bundle offline (no server, no database) and print its timeline.",
    positionals: "FILE",
    description: "Exit 0 verified, 1 not verified (each failed check named), 2 bad usage.",
    options: {
      "log-key": { type: "string", value: "VKEY", help: "the log operator's published verifier key to pin (otherwise the bundle's own is used, and the output says so)" },
      witness: { type: "string", value: "VKEY", multiple: true, help: "a witness verifier key to check cosignatures with, beside the bundle's" },
      against: {
        type: "string",
        value: "PROOF",
        multiple: true,
        help: "a record proof you hold (as GET /api/v1/records/<id>/proof serves it): the audit fails if the bundle's thread statement leaves that record out",
      },
      json: { type: "boolean", help: "print the audit as JSON" },
    },
  },
  async ({ values, positionals }, out) => {
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
    const logKey = values["log-key"] === undefined ? undefined : key(values["log-key"], "--log-key");
    const extraWitnesses = values.witness.map((w) => key(w, "--witness"));
    const against = values.against.map(readRecordProof);
    // The same call a browser makes (src/verify): one verdict for one file, wherever it is checked.
    const verdict = verifyBundle(readFileSync(file, "utf8"), { logKey, witnesses: extraWitnesses, against }, file);
    if ("unreadable" in verdict) {
      if (values.json) out(JSON.stringify({ ok: false, problems: verdict.problems }, null, 2) + "\n");
      else out(`NOT VERIFIED: ${file} is not a readable accountability bundle (${verdict.problems[0].message})\n`);
      return 1;
    }
    const report = verdict;
    out(values.json ? JSON.stringify(report, null, 2) + "\n" : formatAudit(report));
    return report.ok ? 0 : 1;
  },
);

/** A record proof file for `--against`; unreadable is bad input (exit 2), not a verdict on the bundle. */
function readRecordProof(file: string): RecordProof {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--against ${file}: not JSON: ${(e as Error).message}`);
  }
  return parseRecordProof(json);
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
  const t = r.thread;
  lines.push(
    t.complete && t.statement
      ? `thread: the log signed that these ${t.statement.count} are every record about the warning up to checkpoint ${t.statement.size}; positions 0–${t.statement.count - 1} all present`
      : `thread: completeness not shown (${t.entries} entries in the bundle)`,
  );
  for (const e of r.evidence) lines.push(`against log index ${e.index}: ${e.verdict}: ${e.message}`);
  lines.push("", `records: ${r.counts.records}, signatures verified: ${r.counts.signatures}, inclusion proofs verified: ${r.counts.inclusionProofs}`);
  lines.push(`signers: ${r.custody.line}`);
  if (r.ok) lines.push("VERIFIED");
  else {
    lines.push(`NOT VERIFIED: ${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}`);
    for (const p of r.problems) lines.push(`  ${p.check}: ${p.subject}: ${p.message}`);
  }
  return lines.join("\n") + "\n";
}
