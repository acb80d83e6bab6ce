import { dutyLineFromAudit, dutySentence } from "../core/report/index.js";
import { existsSync, readFileSync } from "node:fs";
import { isStixId } from "../core/record/index.js";
import { partyReader } from "../core/tlp/index.js";
import { parseRecordProof, verifyBundle, type BundleAudit, type RecordProof } from "../verify/index.js";
import { verifierKeyArg } from "./auditor-inputs.js";
import { writeNewBundleFile } from "./bundle-file.js";
import { fromBase64 } from "../core/crypto/index.js";
import { collectMlDsaCosignatures, NOTE_ALG_ML_DSA_44, parseMlDsaVerifierKey } from "../core/note/ml-dsa-cosignature.js";
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
 * accountability bundle (stdout without --out; an existing --out file is refused, BUNDLE_FILE_EXISTS). `--as` exports only what that party may read (TLP);
 * without it the operator exports everything its database holds about the warning.
 */
export const exportBundleCommand = defineCommand(
  {
    name: "export-bundle",
    summary: "Write a warning's accountability bundle (records, signatures, proofs, checkpoints) for `tocsin audit`.",
    options: {
      warning: WARNING_OPTION,
      out: { type: "string", value: "FILE", help: "write the bundle to FILE instead of stdout (never over an existing file)" },
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
      writeNewBundleFile(values.out, text);
      out(`wrote ${values.out}: ${bundle.records.length} records, ${bundle.checkpoints.length} checkpoints\n`);
    } else out(text);
    return 0;
  },
);

/**
 * `tocsin audit FILE [--log-key VKEY] [--peer-log-key VKEY]… [--witness VKEY]… [--quorum K] [--json]`: verifies a bundle offline — no
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
      witness: { type: "string", value: "VKEY", multiple: true, help: "a witness verifier key (cosignature/v1, or ML-DSA-44) to check cosignatures with, beside the bundle's" },
      "peer-log-key": {
        type: "string",
        value: "VKEY",
        multiple: true,
        help: "the published log key of a peer node whose records the bundle proves in their origin log (its name is the origin); otherwise the bundle's is used, and the output says so",
      },
      quorum: { type: "string", value: "K", help: "fail unless at least K of the --witness keys cosigned the bundle's latest checkpoint (and bound each record's log time by their timestamps)" },
      "require-both": {
        type: "boolean",
        help: "count a witness toward --quorum only if both its cosignatures verify: give each --witness as its cosignature/v1 (0x04) and its ML-DSA-44 (0x06) vkey",
      },
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
    const logKey = values["log-key"] === undefined ? undefined : verifierKeyArg(values["log-key"], "--log-key");
    // An ML-DSA-44 witness key (type 0x06) is verified here, beside the library (which stays without it).
    // The key material follows the second "+" (base64 may hold "+" too).
    const isMlDsa = (w: string): boolean => fromBase64(w.slice(w.indexOf("+", w.indexOf("+") + 1) + 1))?.[0] === NOTE_ALG_ML_DSA_44;
    const extraWitnesses = values.witness.filter((w) => !isMlDsa(w)).map((w) => verifierKeyArg(w, "--witness"));
    const mlDsaWitnesses = values.witness.filter(isMlDsa).map((w) => {
      try {
        return parseMlDsaVerifierKey(w);
      } catch (e) {
        throw new UsageError(`bad --witness: ${(e as Error).message}`);
      }
    });
    const otherWitnesses = mlDsaWitnesses.length ? { keys: mlDsaWitnesses, verify: (note: string) => collectMlDsaCosignatures(note, mlDsaWitnesses) } : undefined;
    const against = values.against.map(readRecordProof);
    const quorum = values.quorum === undefined ? undefined : Number(values.quorum);
    if (quorum !== undefined && (!/^[0-9]+$/.test(values.quorum!) || !Number.isSafeInteger(quorum))) throw new UsageError("--quorum must be a non-negative integer");
    // The same call a browser makes (src/verify): one verdict for one file, wherever it is checked.
    const peerLogKeys = new Map(values["peer-log-key"].map((k) => verifierKeyArg(k, "--peer-log-key")).map((v) => [v.name, v] as const));
    if (values["require-both"]) {
      if (quorum === undefined) throw new UsageError("--require-both needs --quorum K");
      // Each witness named must come with both kinds of key, or "both" could not be checked.
      const names = new Set([...extraWitnesses.map((w) => w.name), ...mlDsaWitnesses.map((w) => w.name)]);
      for (const n of names) {
        if (!extraWitnesses.some((w) => w.name === n && w.type === "cosignature/v1") || !mlDsaWitnesses.some((w) => w.name === n)) {
          throw new UsageError(`--require-both: give witness ${n} as both its cosignature/v1 and its ML-DSA-44 vkey`);
        }
      }
    }
    const verdict = verifyBundle(
      readFileSync(file, "utf8"),
      { logKey, peerLogKeys, witnesses: extraWitnesses, against, ...(quorum !== undefined ? { quorum } : {}), ...(otherWitnesses ? { otherWitnesses } : {}), ...(values["require-both"] ? { everyKey: true } : {}) },
      file,
    );
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
  if (r.witnessQuorum) {
    const q = r.witnessQuorum;
    lines.push(`witness quorum: ${q.cosigners.length} of ${q.quorum} required cosigned checkpoint ${q.size ?? "(none)"}${q.cosigners.length ? ` (${q.cosigners.join(", ")})` : ""}`);
  }
  lines.push("", "timeline (log order):");
  for (const e of r.timeline) {
    const who = e.authorName ?? e.author;
    lines.push(`  ${String(e.index).padStart(6)}  ${e.loggedAt ?? "?".padEnd(24)}  ${e.kind.padEnd(10)}  ${who}: ${e.says}`);
    lines.push(`          signature ${e.signature}, ${e.signedBy}; in checkpoints ${e.includedIn.join(", ") || "none"}`);
    if (e.witnessed) lines.push(`          logged no later than ${e.witnessed.notAfter}, per witnesses ${e.witnessed.witnesses.join(", ")}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  const t = r.thread;
  lines.push(
    t.complete && t.statement
      ? `thread: the log signed that these ${t.statement.count} are every record about the warning up to checkpoint ${t.statement.size}; positions 0–${t.statement.count - 1} all present`
      : `thread: completeness not shown (${t.entries} entries in the bundle)`,
  );
  for (const e of r.evidence) lines.push(`against log index ${e.index}: ${e.verdict}: ${e.message}`);
  if (r.duty) {
    const names = new Map(r.timeline.map((t) => [t.author, t.authorName ?? t.author]));
    lines.push(`duty to warn (records checked: signatures, leaves, inclusion): ${dutySentence(dutyLineFromAudit(r.duty, r.timeline, (id) => names.get(id) ?? id))}`);
  }
  if (r.origins.length > 0) {
    const n = r.origins.reduce((a, o) => a + o.records, 0);
    lines.push(`origin proofs: ${n} record(s) from ${r.origins.length} other log(s), each proven in its origin log too:`);
    for (const o of r.origins) lines.push(`  ${o.origin}: ${o.records} record(s); log key ${o.pinned ? "pinned with --peer-log-key" : "taken from the bundle"}`);
  }
  lines.push("", `records: ${r.counts.records}, signatures verified: ${r.counts.signatures}, inclusion proofs verified: ${r.counts.inclusionProofs}`);
  lines.push(`signers: ${r.custody.line}`);
  if (r.ok) lines.push("VERIFIED");
  else {
    lines.push(`NOT VERIFIED: ${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}`);
    for (const p of r.problems) lines.push(`  ${p.check}: ${p.subject}: ${p.message}`);
  }
  return lines.join("\n") + "\n";
}
