import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TocsinError } from "../core/errors/tocsin-error.js";

/** Debian's chromium; `TOCSIN_CHROMIUM` points elsewhere. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Flags for a quiet, offline, one-shot headless print: no sandbox (CI runs as root), no GPU, nothing fetched in the background. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
  "--no-pdf-header-footer",
];

export function chromiumPath(): string {
  return process.env.TOCSIN_CHROMIUM ?? DEFAULT_CHROMIUM;
}

/**
 * Prints a self-contained HTML page to PDF with headless Chromium (its own print-to-PDF, so what the
 * PDF shows is what a browser shows). The page is written to a private temporary directory that also
 * holds Chromium's throw-away profile; both are removed afterwards.
 */
export async function htmlToPdf(html: string, outFile: string, options: { chromium?: string; timeoutMs?: number } = {}): Promise<void> {
  const chromium = options.chromium ?? chromiumPath();
  if (!existsSync(chromium)) {
    throw new TocsinError("REPORT_RENDERER_MISSING", `no Chromium at ${chromium} (apt-get install chromium, or set TOCSIN_CHROMIUM)`);
  }
  const dir = mkdtempSync(join(tmpdir(), "tocsin-pdf-"));
  try {
    const page = join(dir, "report.html");
    writeFileSync(page, html);
    await new Promise<void>((resolve, reject) => {
      execFile(
        chromium,
        [...FLAGS, `--user-data-dir=${join(dir, "profile")}`, `--print-to-pdf=${outFile}`, pathToFileURL(page).href],
        { timeout: options.timeoutMs ?? 60_000 },
        (error, _stdout, stderr) => (error ? reject(new TocsinError("REPORT_RENDER_FAILED", `chromium failed: ${error.message}`, { details: { stderr: String(stderr).slice(-2000) }, cause: error })) : resolve()),
      );
    });
    if (!existsSync(outFile) || statSync(outFile).size === 0) throw new TocsinError("REPORT_RENDER_FAILED", "chromium wrote no PDF");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
