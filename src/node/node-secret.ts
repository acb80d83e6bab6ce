import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createFileOnce } from "./create-file-once.js";

export const NODE_SECRET_FILE = "node.secret";

/**
 * A secret shared by the processes of one node (they share its data directory, as they share the log
 * key): followers present it when they hand admitted entries to the sequencing process, so nothing
 * else can append through that internal route. Created on first use (0600); a process that loses the
 * creation race reads the winner's.
 */
export function loadOrCreateNodeSecret(dataDir: string): string {
  const path = join(dataDir, NODE_SECRET_FILE);
  // Processes started together each try; the file holds exactly one complete secret for all of them.
  createFileOnce(path, randomBytes(32).toString("hex") + "\n");
  return readFileSync(path, "utf8").trim();
}
