import { writeFileSync } from "node:fs";
import { TocsinError } from "../core/errors/tocsin-error.js";

/**
 * Writes a bundle to a new file, never over an existing one: a bundle is evidence someone may already
 * have handed on or audited, and a second export differs (a newer checkpoint, a later statement).
 * The check and the creation are one system call (O_EXCL), so no race lets an overwrite through.
 */
export function writeNewBundleFile(path: string, text: string): void {
  try {
    writeFileSync(path, text, { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new TocsinError("BUNDLE_FILE_EXISTS", `${path} exists already: a bundle is never overwritten (choose another file, or remove it first)`);
    }
    throw e;
  }
}
