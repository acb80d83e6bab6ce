import { fromBase64, toBase64 } from "../crypto/index.js";
import { WitnessError } from "./witness-errors.js";

/** tlog-witness §add-checkpoint: "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_CONSISTENCY_PROOF_LINES = 63;

/** The body of `POST <submission prefix>/add-checkpoint` (C2SP tlog-witness). */
export interface AddCheckpointRequest {
  /** The size of the checkpoint the client believes the witness last cosigned (0 when none). */
  readonly oldSize: number;
  /** An RFC 6962 §2.1.2 consistency proof from oldSize to the checkpoint's size (empty from 0). */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, as sent. */
  readonly checkpoint: string;
}

const OLD_LINE = /^old (0|[1-9][0-9]{0,15})$/;

function bad(message: string, details?: Record<string, unknown>): WitnessError {
  return new WitnessError("WITNESS_BAD_REQUEST", message, details === undefined ? {} : { details });
}

/**
 * Parses an add-checkpoint body: an `old <size>` line, up to 63 base64 hash lines, an empty line, then
 * the checkpoint note. Every line ends in "\n". Anything else is WITNESS_BAD_REQUEST (400).
 */
export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  const blank = body.indexOf("\n\n");
  if (blank < 0) throw bad("the request needs an old size line, proof lines, an empty line and a checkpoint");
  const head = body.slice(0, blank).split("\n");
  const checkpoint = body.slice(blank + 2);
  const old = OLD_LINE.exec(head[0]!);
  if (old === null) throw bad("the first line must be `old <size>` in canonical decimal");
  const oldSize = Number(old[1]);
  if (!Number.isSafeInteger(oldSize)) throw bad("old size beyond 2^53 − 1");
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_CONSISTENCY_PROOF_LINES) throw bad("more than 63 consistency proof lines", { lines: proofLines.length });
  const proof = proofLines.map((line, i) => {
    const hash = fromBase64(line);
    if (hash === undefined || hash.length !== 32) throw bad("a consistency proof line is not base64 of a 32-byte hash", { line: i + 1 });
    return hash;
  });
  if (checkpoint.length === 0) throw bad("the checkpoint is missing");
  return { oldSize, proof, checkpoint };
}

/** Serialises a request as tlog-witness defines it (the client's side). */
export function formatAddCheckpointRequest(r: AddCheckpointRequest): string {
  return `old ${String(r.oldSize)}\n${r.proof.map((h) => `${toBase64(h)}\n`).join("")}\n${r.checkpoint}`;
}

/** The body of a 409 answer, `text/x.tlog.size`: the latest cosigned size and a newline. */
export function formatTlogSize(size: number): string {
  return `${String(size)}\n`;
}

/** Reads a `text/x.tlog.size` body; undefined when it is not one decimal size and a newline. */
export function parseTlogSize(body: string): number | undefined {
  const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(body);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
