import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TocsinError } from "../core/errors/tocsin-error.js";
import {
  formatSignerKey,
  formatVerifierKey,
  generateNoteSigner,
  parseSignerKey,
  verifierFromSigner,
  type NoteSigner,
} from "../core/note/index.js";
import type { Store } from "../store/store.js";
import { createFileOnce } from "./create-file-once.js";

export const LOG_KEY_FILE = "log.key";

/**
 * The log's signing key lives in a file beside the database (mode 0600), never in the database: a
 * copy of the database alone cannot forge checkpoints. The database records the public verifier key
 * and origin on first start, and every later start checks that the key file still matches them —
 * a node started on the wrong key fails fast instead of forking its own log.
 */
export async function loadOrCreateLogKey(dataDir: string, store: Store, origin?: string): Promise<NoteSigner> {
  const path = join(dataDir, LOG_KEY_FILE);
  const read = (): NoteSigner | undefined => (existsSync(path) ? parseSignerKey(readFileSync(path, "utf8").trim()) : undefined);
  let signer = read();
  if (signer === undefined) {
    const storedOrigin = await store.getMeta("log.origin");
    // A process sharing this directory records the origin only after its key file is in place: if it
    // did so while we looked, the file is there now (processes on one PostgreSQL database started together).
    signer = read();
    if (signer === undefined) {
      if (storedOrigin !== undefined) {
        throw new TocsinError("CONFIG_INVALID", `the database belongs to log ${storedOrigin} but ${path} is missing`);
      }
      signer = generateNoteSigner(origin ?? `localhost/tocsin/${randomBytes(4).toString("hex")}`);
      // Another process sharing this directory may place its key first: then use that one, so both sign the same log.
      if (!createFileOnce(path, formatSignerKey(signer) + "\n")) signer = read()!;
    }
  }
  if (origin !== undefined && origin !== signer.name) {
    throw new TocsinError("CONFIG_INVALID", `configured origin ${origin} differs from the key's name ${signer.name}`);
  }
  const vkey = formatVerifierKey(verifierFromSigner(signer));
  const storedOrigin = await store.initMeta("log.origin", signer.name);
  const storedKey = await store.initMeta("log.vkey", vkey);
  if (storedOrigin !== signer.name || storedKey !== vkey) {
    throw new TocsinError("CONFIG_INVALID", `${path} does not match the log recorded in the database (${storedOrigin})`);
  }
  return signer;
}
