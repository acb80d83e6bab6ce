import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { warningReportHtml } from "../core/report/index.js";
import { NODE_READER, partyReader } from "../core/tlp/index.js";
import { htmlToPdf } from "../render/chromium-pdf.js";
import { AS_OPTION, WARNING_OPTION, warningIdArg } from "./bundle-commands.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";
import { DATA_OPTION, DB_OPTION, nodeLocation, withNodeReadSide } from "./node-options.js";

/**
 * `tocsin report --warning ID --format html|pdf [--out FILE] [--bundle FILE] [--as SLUG] [--data DIR] [--db URL]`:
 * the human "who knew what, when" report — timeline, the source's track record with its reliability
 * diagram, the recipients' records, and the verification status of the bundle it was made from
 * (`--bundle` writes that bundle too, for `tocsin audit`). HTML goes to stdout without --out; a PDF
 * needs --out.
 */
export const reportCommand = defineCommand(
  {
    name: "report",
    summary: 'The human "who knew what, when" report on a warning, as self-contained HTML or a PDF.',
    description: "Exit 0 when the bundle the report was made from verifies, 1 when it does not.",
    options: {
      warning: WARNING_OPTION,
      format: { type: "string", value: "html|pdf", help: "HTML (self-contained, no scripts) or PDF (printed by headless Chromium: /usr/bin/chromium or TOCSIN_CHROMIUM)", default: "html" },
      out: { type: "string", value: "FILE", help: "write the report to FILE (required for pdf; html goes to stdout without it)" },
      bundle: { type: "string", value: "FILE", help: "also write the accountability bundle the report was made from" },
      as: AS_OPTION,
      data: DATA_OPTION,
      db: DB_OPTION,
    },
  },
  async ({ values }, out) => {
    const warningId = warningIdArg(values.warning);
    if (values.format !== "html" && values.format !== "pdf") throw new UsageError("--format must be html or pdf");
    if (values.format === "pdf" && values.out === undefined) throw new UsageError("--format pdf needs --out FILE");
    const { bundle, input } = await withNodeReadSide(nodeLocation(values), async (reads) => {
      const reader = values.as === undefined ? NODE_READER : partyReader((await reads.party(values.as)).id);
      return reads.report(reader, warningId, new Date());
    });
    if (values.bundle !== undefined) writeFileSync(values.bundle, JSON.stringify(bundle, null, 1) + "\n");
    const html = warningReportHtml(input);
    if (values.format === "pdf") {
      await htmlToPdf(html, resolve(values.out!));
    } else if (values.out !== undefined) {
      writeFileSync(values.out, html);
    } else {
      out(html);
      return input.audit.ok ? 0 : 1;
    }
    out(`wrote ${values.out} (${input.audit.ok ? "bundle verified" : "bundle NOT verified"})\n`);
    return input.audit.ok ? 0 : 1;
  },
);
