import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { formatVerifierKey, parseSignerKey, verifierFromSigner, type NoteSigner } from "../core/note/index.js";
import type { Store } from "../store/store.js";
import { LOG_KEY_FILE } from "./log-key.js";

/**
 * The log key of an existing node, for commands that sign on its behalf without running it (the thread
 * statement of `tocsin export-bundle` and `tocsin report`). Never creates a key: a missing key file, or
 * one that is not the key the database was logged with, is CONFIG_INVALID.
 */
export async function readLogKey(dataDir: string, store: Pick<Store, "getMeta">): Promise<NoteSigner> {
  const path = join(dataDir, LOG_KEY_FILE);
  if (!existsSync(path)) throw new TocsinError("CONFIG_INVALID", `no log key at ${path}: the bundle's thread statement is signed with it`);
  const signer = parseSignerKey(readFileSync(path, "utf8").trim());
  const stored = await store.getMeta("log.vkey");
  if (stored !== formatVerifierKey(verifierFromSigner(signer))) {
    throw new TocsinError("CONFIG_INVALID", `${path} is not the key of the log in this database`);
  }
  return signer;
}
