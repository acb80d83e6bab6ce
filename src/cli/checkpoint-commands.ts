import { formatVerifierKey, isTocsinError, openCheckpoint, parseNote, toBase64, toHex, type NoteVerifier, type OpenedCheckpoint } from "../verify/index.js";
import { LOG_KEY_OPTION, readInputText, verifierKeyArg, WITNESS_OPTION } from "./auditor-inputs.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand } from "./command-line.js";

/** The outcome of checking a checkpoint note: opened, or why it does not verify. */
export type CheckpointVerdict = { readonly ok: true; readonly opened: OpenedCheckpoint } | { readonly ok: false; readonly reason: string };

/**
 * Checks a signed checkpoint note against the log key and requires a verified cosignature from every
 * witness given. Text that is not a signed note at all is bad input (UsageError); a note that does not
 * verify is a verdict. Shared by `checkpoint verify` and `proof verify-inclusion --checkpoint`.
 */
export function checkCheckpointNote(note: string, what: string, logKey: NoteVerifier, witnesses: readonly NoteVerifier[] = []): CheckpointVerdict {
  try {
    parseNote(note);
  } catch (e) {
    throw new UsageError(`${what} is not a signed note: ${(e as Error).message}`);
  }
  let opened: OpenedCheckpoint;
  try {
    opened = openCheckpoint(note, logKey, undefined, witnesses);
  } catch (e) {
    if (isTocsinError(e) && e.code === "CHECKPOINT_MALFORMED") throw new UsageError(`${what} is a signed note but not a checkpoint: ${e.message}`);
    return { ok: false, reason: isTocsinError(e) ? `${e.code}: ${e.message}` : String(e) };
  }
  for (const w of witnesses) {
    if (w.name === logKey.name && w.keyId === logKey.keyId) continue;
    if (!opened.cosignatures.some((c) => c.name === w.name && c.keyId === w.keyId)) {
      return { ok: false, reason: `no cosignature from witness ${w.name} (${formatVerifierKey(w)})` };
    }
  }
  return { ok: true, opened };
}

/**
 * `tocsin checkpoint verify [FILE|-] --log-key VKEY [--witness VKEY]… [--json]`: checks a signed
 * checkpoint note (a file, or stdin) offline against the log's key and the witnesses' keys, and prints
 * what it says — origin, size, root hash in hex (what `proof verify-inclusion --root` takes) and base64.
 */
export const checkpointVerifyCommand = defineCommand(
  {
    name: "checkpoint verify",
    summary: "Check a signed checkpoint (C2SP note) against the log's key and witnesses' cosignatures, offline.",
    positionals: "[FILE|-]",
    description:
      "Reads the note from FILE, or stdin when FILE is - or absent. Exit 0 verified, 1 does not verify (wrong key, altered note, a witness's cosignature missing or bad), 2 bad input (no such file, not a signed note, a malformed key).",
    options: {
      "log-key": { ...LOG_KEY_OPTION, required: true },
      witness: WITNESS_OPTION,
      json: { type: "boolean", help: "print the verdict as JSON" },
    },
  },
  ({ values, positionals }, out) => {
    if (positionals.length > 1) throw new UsageError("checkpoint verify takes one note file");
    const file = positionals[0] ?? "-";
    if (file === "-" && process.stdin.isTTY) throw new UsageError("give the note as FILE, or on stdin");
    const logKey = verifierKeyArg(values["log-key"], "--log-key");
    const witnesses = values.witness.map((w) => verifierKeyArg(w, "--witness"));
    const verdict = checkCheckpointNote(readInputText(file), file === "-" ? "stdin" : file, logKey, witnesses);
    if (!verdict.ok) {
      out(values.json ? JSON.stringify({ ok: false, reason: verdict.reason }, null, 2) + "\n" : `NOT VERIFIED: ${verdict.reason}\n`);
      return 1;
    }
    const c = verdict.opened.checkpoint;
    const cosignatures = verdict.opened.cosignatures.map((x) => ({ name: x.name, time: new Date(x.timestamp * 1000).toISOString() }));
    if (values.json) {
      out(JSON.stringify({ ok: true, origin: c.origin, size: c.size, rootHash: toHex(c.rootHash), rootHashBase64: toBase64(c.rootHash), cosignatures }, null, 2) + "\n");
    } else {
      out(`origin: ${c.origin}\nsize: ${c.size}\nroot hash: ${toHex(c.rootHash)} (base64 ${toBase64(c.rootHash)})\n`);
      for (const x of cosignatures) out(`cosigned by ${x.name} at ${x.time}\n`);
      out("VERIFIED\n");
    }
    return 0;
  },
);
