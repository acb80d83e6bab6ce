import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseBundle, type AccountabilityBundle } from "../core/bundle/index.js";
import { PAPER_SIZES, reportInputFromBundle, warningReportHtml, type PaperSize, type WarningReportInput } from "../core/report/index.js";
import { NODE_READER, partyReader } from "../core/tlp/index.js";
import { htmlToPdf } from "../render/chromium-pdf.js";
import { verifyBundle, type NoteVerifier } from "../verify/index.js";
import { LOG_KEY_OPTION, readJsonFile, verifierKeyArg } from "./auditor-inputs.js";
import { writeNewBundleFile } from "./bundle-file.js";
import { AS_OPTION, warningIdArg } from "./bundle-commands.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation, withNodeReadSide } from "./node-options.js";

/**
 * `tocsin report (--warning ID [--data DIR] [--db URL] [--as SLUG] [--bundle FILE] | --from-bundle FILE)
 * [--format html|pdf] [--paper A4|Letter] [--out FILE] [--log-key VKEY]`: the human "who knew what, when"
 * report — what the warning asked and how its versions changed, the timeline, the source's track record
 * with its reliability diagram, the recipients' records, and the verification status of the bundle it was
 * made from. On the node it reads the database (`--bundle` also writes that bundle, never over a file);
 * `--from-bundle` needs no database at all (a bundle carries no track record, and the report says so).
 * HTML goes to stdout without --out; a PDF needs --out.
 */
export const reportCommand = defineCommand(
  {
    name: "report",
    summary: 'The human "who knew what, when" report on a warning, as self-contained HTML or a PDF, from the node or from a bundle alone.',
    description: "Exit 0 when the bundle the report was made from verifies, 1 when it does not, 2 bad input (no such file, not a bundle, an existing --bundle file).",
    options: {
      warning: { type: "string", value: "ID", help: "the warning (report--<uuid>); required unless --from-bundle" },
      "from-bundle": { type: "string", value: "FILE", help: "make the report from this accountability bundle alone, with no node database" },
      format: { type: "string", value: "html|pdf", help: "HTML (self-contained, no scripts) or PDF (printed by headless Chromium: /usr/bin/chromium or TOCSIN_CHROMIUM)", default: "html" },
      paper: { type: "string", value: "A4|Letter", help: "the page size the report is laid out for", default: "A4" },
      out: { type: "string", value: "FILE", help: "write the report to FILE (required for pdf; html goes to stdout without it)" },
      bundle: { type: "string", value: "FILE", help: "also write the accountability bundle the report was made from (never over an existing file)" },
      "log-key": { ...LOG_KEY_OPTION, help: "the log operator's published verifier key to verify the bundle with (otherwise the bundle's own, and the report says so)" },
      as: AS_OPTION,
      data: DATA_OPTION,
      db: DB_OPTION,
    },
  },
  async ({ values }, out) => {
    if (values.format !== "html" && values.format !== "pdf") throw new UsageError("--format must be html or pdf");
    const paper = PAPER_SIZES.find((p) => p.toLowerCase() === values.paper.toLowerCase());
    if (paper === undefined) throw new UsageError(`--paper must be ${PAPER_SIZES.join(" or ")}`);
    if (values.format === "pdf" && values.out === undefined) throw new UsageError("--format pdf needs --out FILE");
    const logKey = values["log-key"] === undefined ? undefined : verifierKeyArg(values["log-key"], "--log-key");
    let input: WarningReportInput;
    if (values["from-bundle"] !== undefined) {
      if (values.bundle !== undefined || values.as !== undefined) throw new UsageError("--from-bundle reads a bundle: --bundle and --as apply only on the node");
      input = fromBundleFile(values["from-bundle"], values.warning, logKey);
    } else {
      if (values.warning === undefined) throw new UsageError("--warning ID is required (or --from-bundle FILE)");
      const warningId = warningIdArg(values.warning);
      const gathered = await withNodeReadSide(nodeLocation(values), async (reads) => {
        const reader = values.as === undefined ? NODE_READER : partyReader((await reads.party(values.as)).id);
        return reads.report(reader, warningId, new Date(), { logKey });
      });
      if (values.bundle !== undefined) writeNewBundleFile(values.bundle, JSON.stringify(gathered.bundle, null, 1) + "\n");
      input = gathered.input;
    }
    return render(input, values.format, paper, values.out, out);
  },
);

/** A report from a bundle file alone: audited as `tocsin audit` would; a file that is not a bundle is bad input. */
function fromBundleFile(file: string, warning: string | undefined, logKey: NoteVerifier | undefined): WarningReportInput {
  const json = readJsonFile(file, "--from-bundle");
  let bundle: AccountabilityBundle;
  try {
    bundle = parseBundle(json);
  } catch (e) {
    throw new UsageError(`--from-bundle ${file} is not an accountability bundle: ${(e as Error).message}`);
  }
  if (warning !== undefined && warningIdArg(warning) !== bundle.warning) throw new UsageError(`${file} is the bundle of ${bundle.warning}, not of ${warning}`);
  const audit = verifyBundle(json, { logKey }, file);
  if ("unreadable" in audit) throw new UsageError(`--from-bundle ${file}: ${audit.problems[0].message}`);
  return reportInputFromBundle(bundle, audit, { generatedAt: new Date().toISOString(), madeFrom: { kind: "bundle", file } });
}

async function render(input: WarningReportInput, format: "html" | "pdf", paper: PaperSize, file: string | undefined, out: (s: string) => void): Promise<number> {
  const html = warningReportHtml(input, { paper });
  const status = input.audit.ok ? 0 : 1;
  if (format === "pdf") await htmlToPdf(html, resolve(file!));
  else if (file !== undefined) writeFileSync(file, html);
  else {
    out(html);
    return status;
  }
  out(`wrote ${file} (${input.audit.ok ? "bundle verified" : "bundle NOT verified"})\n`);
  return status;
}
