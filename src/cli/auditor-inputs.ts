import { existsSync, readFileSync } from "node:fs";
import { parseVerifierKey, type NoteVerifier } from "../verify/index.js";
import { UsageError } from "./cli-errors.js";

/*
 * What the auditor's commands (audit, checkpoint verify, proof verify-inclusion, report --from-bundle)
 * read from outside: keys given on the command line and files (or stdin). Anything malformed is bad
 * input — a one-line message and exit 2 — never a verdict on what is being verified.
 */

/** `--log-key VKEY` as the auditor commands share it. */
export const LOG_KEY_OPTION = {
  type: "string",
  value: "VKEY",
  help: "the log operator's published verifier key to pin (`tocsin log key` prints it)",
} as const;

/** `--witness VKEY`, repeatable. */
export const WITNESS_OPTION = { type: "string", value: "VKEY", multiple: true, help: "a witness's verifier key: its cosignature must verify" } as const;

/** A verifier key from the command line (C2SP note vkey); a malformed one names the option. */
export function verifierKeyArg(value: string, flag: string): NoteVerifier {
  try {
    return parseVerifierKey(value.trim());
  } catch (e) {
    throw new UsageError(`bad ${flag}: ${(e as Error).message}`);
  }
}

/** A file's text, or stdin's for `-`; a missing file is bad input. */
export function readInputText(file: string): string {
  if (file === "-") return readFileSync(0, "utf8");
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return readFileSync(file, "utf8");
}

/** A JSON file (or stdin for `-`); what is not JSON is bad input, named with its option. */
export function readJsonFile(file: string, flag: string): unknown {
  const text = readInputText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: not JSON: ${(e as Error).message}`);
  }
}
