import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { warningReportHtml } from "../core/report/index.js";
import { NODE_READER, partyReader } from "../core/tlp/index.js";
import { gatherWarningReport } from "../exchange/warning-report.js";
import { htmlToPdf } from "../render/chromium-pdf.js";
import { warningIdArg, withNodeStore } from "./bundle-commands.js";
import { UsageError } from "./cli-errors.js";

/**
 * `tocsin report --warning ID --format html|pdf [--out FILE] [--bundle FILE] [--as SLUG] [--data DIR]`:
 * the human "who knew what, when" report — timeline, the source's track record with its reliability
 * diagram, the recipients' records, and the verification status of the bundle it was made from
 * (`--bundle` writes that bundle too, for `tocsin audit`). HTML goes to stdout without --out; a PDF
 * needs --out.
 */
export async function reportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        warning: { type: "string" },
        format: { type: "string", default: "html" },
        out: { type: "string" },
        bundle: { type: "string" },
        as: { type: "string" },
        data: { type: "string", default: process.env.TOCSIN_DATA ?? "./data" },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const warningId = warningIdArg(values.warning);
  if (values.format !== "html" && values.format !== "pdf") throw new UsageError("--format must be html or pdf");
  if (values.format === "pdf" && !values.out) throw new UsageError("--format pdf needs --out FILE");
  const { bundle, input } = await withNodeStore(values.data!, async (d) => {
    const reader = values.as === undefined ? NODE_READER : partyReader((await d.parties.require(values.as)).id);
    return gatherWarningReport(d, reader, warningId, new Date());
  });
  if (values.bundle) writeFileSync(values.bundle, JSON.stringify(bundle, null, 1) + "\n");
  const html = warningReportHtml(input);
  if (values.format === "pdf") {
    await htmlToPdf(html, resolve(values.out!));
  } else if (values.out) {
    writeFileSync(values.out, html);
  } else {
    out(html);
    return input.audit.ok ? 0 : 1;
  }
  out(`wrote ${values.out} (${input.audit.ok ? "bundle verified" : "bundle NOT verified"})\n`);
  return input.audit.ok ? 0 : 1;
}
