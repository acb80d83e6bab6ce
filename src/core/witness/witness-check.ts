import { bytesEqual } from "../crypto/index.js";
import { verifyConsistency } from "../merkle/index.js";
import { isTocsinError } from "../errors/tocsin-error.js";
import { openCheckpoint, openParsedCheckpoint, type Checkpoint, type NoteVerifier, type ParsedCheckpointNote } from "../note/index.js";
import type { AddCheckpointRequest } from "./add-checkpoint-request.js";
import { WitnessError } from "./witness-errors.js";

/** What a witness holds for one log: its key, and the latest checkpoint it cosigned (size 0, no root, if none). */
export interface WitnessedLogState {
  readonly origin: string;
  readonly verifier: NoteVerifier;
  readonly size: number;
  /** The root it cosigned at `size`; undefined while it never cosigned. */
  readonly root: Uint8Array | undefined;
}

/** The verdict on a request that passed every check but the stored state: cosign this, or answer 409. */
export type WitnessCheck =
  | { readonly kind: "cosign"; readonly checkpoint: Checkpoint; readonly body: string }
  | { readonly kind: "conflict"; readonly size: number };

/**
 * The checks of C2SP tlog-witness §add-checkpoint, in the spec's order, against the state a witness
 * holds (the caller has already answered 404 for an unknown origin):
 * a trusted signature must verify (403); old size ≤ checkpoint size (400); old size = the cosigned
 * size (409 with that size); the consistency proof from old size must verify (422), empty from 0;
 * at the same size the root must be the cosigned one (409). Pure: the caller persists the new state
 * atomically (compare-and-swap from `state`) before it cosigns. `note`, when given, must be
 * parseCheckpointNote(request.checkpoint).
 */
export function checkAddCheckpoint(state: WitnessedLogState, request: AddCheckpointRequest, note?: ParsedCheckpointNote): WitnessCheck {
  let checkpoint: Checkpoint;
  let body: string;
  try {
    // `note`: request.checkpoint as the caller already read it (for its origin), so it is parsed once.
    const opened = note === undefined ? openCheckpoint(request.checkpoint, state.verifier, state.origin) : openParsedCheckpoint(note, state.verifier, state.origin);
    checkpoint = opened.checkpoint;
    body = opened.text;
  } catch (e) {
    if (isTocsinError(e) && (e.code === "CHECKPOINT_MALFORMED" || e.code === "NOTE_MALFORMED")) {
      throw new WitnessError("WITNESS_BAD_REQUEST", "the checkpoint is not a well-formed signed checkpoint", { cause: e });
    }
    throw new WitnessError("WITNESS_UNTRUSTED_CHECKPOINT", "no signature from the log's trusted key verifies", { cause: e });
  }
  if (request.oldSize > checkpoint.size) {
    throw new WitnessError("WITNESS_BAD_REQUEST", "old size exceeds the checkpoint size", {
      details: { old: request.oldSize, size: checkpoint.size },
    });
  }
  if (request.oldSize !== state.size) return { kind: "conflict", size: state.size };
  if (request.oldSize === 0 || request.oldSize === checkpoint.size) {
    if (request.proof.length !== 0) throw new WitnessError("WITNESS_BAD_PROOF", "the consistency proof must be empty here");
  } else {
    try {
      verifyConsistency(request.oldSize, checkpoint.size, state.root!, checkpoint.rootHash, request.proof);
    } catch (e) {
      throw new WitnessError("WITNESS_BAD_PROOF", "the consistency proof does not verify", { cause: e });
    }
  }
  if (request.oldSize === checkpoint.size && state.root !== undefined && !bytesEqual(state.root, checkpoint.rootHash)) {
    return { kind: "conflict", size: state.size };
  }
  return { kind: "cosign", checkpoint, body };
}
