import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatSignerKey, generateNoteSigner, parseSignerKey } from "../core/note/index.js";
import { formatMlDsaSignerKey, generateMlDsaCosigner, parseMlDsaSignerKey } from "../core/note/ml-dsa-cosignature.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import type { WitnessKeys } from "../exchange/witness-service.js";
import { createFileOnce } from "./create-file-once.js";
import { LOG_KEY_FILE } from "./log-key.js";

/** The witness's Ed25519 cosignature/v1 key, beside the log key in the data directory. */
export const WITNESS_KEY_FILE = "witness.key";
/** Its ML-DSA-44 key (tlog-cosignature §ML-DSA-44), created only when the operator enables it. */
export const WITNESS_ML_DSA_KEY_FILE = "witness-ml-dsa.key";

/**
 * The witness keys live in files in the data directory (mode 0600), never in the database, like the
 * log key: a copy of the database cannot cosign. Created on first use; the cosigner name is the log's
 * origin with "/witness" appended (a schema-less URL-like name, tlog-cosignature §Format), or a random
 * one on a directory without a log yet. Both keys carry the same name: the key ID's type byte tells them apart.
 */
export function loadOrCreateWitnessKeys(dataDir: string, options: { readonly mlDsa: boolean }): WitnessKeys {
  const edPath = join(dataDir, WITNESS_KEY_FILE);
  let ed25519 = existsSync(edPath) ? parseSignerKey(readFileSync(edPath, "utf8").trim()) : undefined;
  if (ed25519 === undefined) {
    const fresh = generateNoteSigner(defaultWitnessName(dataDir), "cosignature/v1");
    ed25519 = createFileOnce(edPath, formatSignerKey(fresh) + "\n") ? fresh : parseSignerKey(readFileSync(edPath, "utf8").trim());
  }
  if (ed25519.type !== "cosignature/v1") throw new TocsinError("CONFIG_INVALID", `${edPath} is not a cosignature/v1 (type 0x04) key`);
  const mlPath = join(dataDir, WITNESS_ML_DSA_KEY_FILE);
  if (!options.mlDsa) return existsSync(mlPath) ? { ed25519, mlDsa: parseMlDsaSignerKey(readFileSync(mlPath, "utf8").trim()) } : { ed25519 };
  let mlDsa = existsSync(mlPath) ? parseMlDsaSignerKey(readFileSync(mlPath, "utf8").trim()) : undefined;
  if (mlDsa === undefined) {
    const fresh = generateMlDsaCosigner(ed25519.name);
    mlDsa = createFileOnce(mlPath, formatMlDsaSignerKey(fresh) + "\n") ? fresh : parseMlDsaSignerKey(readFileSync(mlPath, "utf8").trim());
  }
  return { ed25519, mlDsa };
}

function defaultWitnessName(dataDir: string): string {
  const logKey = join(dataDir, LOG_KEY_FILE);
  if (existsSync(logKey)) return `${parseSignerKey(readFileSync(logKey, "utf8").trim()).name}/witness`;
  return `localhost/tocsin-witness/${randomBytes(4).toString("hex")}`;
}
