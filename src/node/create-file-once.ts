import { randomBytes } from "node:crypto";
import { linkSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * Creates `path` with `content` (mode 0600) unless it exists, atomically for processes sharing the
 * directory: the content is written whole to a private file and then linked into place. link() fails
 * if the name exists and never exposes a half-written file, so a process that reads `path` after this
 * returns sees one complete content — its own or the winner's. True when this call created it.
 */
export function createFileOnce(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600, flag: "wx" });
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}
