import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ClientError } from "../client/client-error.js";
import { sealEvidence, type SealedEvidence } from "../client/record-builders.js";
import { fromBase64, toBase64 } from "../core/crypto/bytes.js";
import { tocsinHome } from "./party-profile.js";

/*
 * Sealed evidence between `tocsin warn --evidence FILE` and `tocsin reveal`: the salt and a copy of the
 * evidence are kept in TOCSIN_HOME/seals/<warning id>.json (mode 0600), so the reveal opens exactly
 * what was sealed even if the file has changed since. Lose it and the commitment cannot be opened.
 */

export function sealsPath(warningId: string): string {
  return join(tocsinHome(), "seals", `${warningId}.json`);
}

/** Seals each evidence file; commitment ids come from the file names (unique within the warning). */
export function sealFiles(files: readonly string[], taken: readonly string[] = []): SealedEvidence[] {
  const ids = new Set(taken);
  return files.map((file) => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new ClientError("CLIENT_FILE_UNREADABLE", `--evidence: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
    const stem = basename(file).replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 56) || "evidence";
    let id = stem;
    for (let n = 2; ids.has(id); n++) id = `${stem}-${n}`;
    ids.add(id);
    return sealEvidence(bytes, { id, description: `sealed evidence ${basename(file)}` });
  });
}

interface SealsFile {
  readonly warning: string;
  readonly commitments: { id: string; description?: string; salt: string; evidence: string }[];
}

export function loadSeals(warningId: string): SealedEvidence[] {
  const path = sealsPath(warningId);
  let parsed: SealsFile;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as SealsFile;
  } catch (e) {
    throw new ClientError("CLIENT_FILE_UNREADABLE", `no sealed evidence of ${warningId} at ${path} (${(e as NodeJS.ErrnoException).code ?? "not JSON"})`, { cause: e });
  }
  if (!Array.isArray(parsed?.commitments)) throw new ClientError("CLIENT_FILE_UNREADABLE", `${path} is not a sealed-evidence file`);
  return parsed.commitments.map((c) => {
    const salt = fromBase64(c.salt);
    const evidence = fromBase64(c.evidence);
    if (!salt || !evidence || typeof c.id !== "string") throw new ClientError("CLIENT_FILE_UNREADABLE", `${path} is not a sealed-evidence file`);
    return { id: c.id, salt, evidence, ...(c.description ? { description: c.description } : {}) };
  });
}

/** Adds seals to the warning's file (created mode 0600); returns its path. */
export function saveSeals(warningId: string, seals: readonly SealedEvidence[]): string {
  const path = sealsPath(warningId);
  let existing: SealedEvidence[] = [];
  try {
    existing = loadSeals(warningId);
  } catch {
    existing = [];
  }
  mkdirSync(join(tocsinHome(), "seals"), { recursive: true, mode: 0o700 });
  const body: SealsFile = {
    warning: warningId,
    commitments: [...existing, ...seals].map((s) => ({ id: s.id, ...(s.description ? { description: s.description } : {}), salt: toBase64(s.salt), evidence: toBase64(s.evidence) })),
  };
  writeFileSync(path, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
