import { rfc3339, type Clock } from "../core/clock.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { cosignCheckpoint, formatVerifierKey, parseCheckpointNote, parseVerifierKey, type NoteSigner, type NoteVerifier, type ParsedCheckpointNote } from "../core/note/index.js";
import { cosignCheckpointMlDsa, formatMlDsaVerifierKey, type MlDsaCosigner } from "../core/note/ml-dsa-cosignature.js";
import { bytesEqual } from "../core/crypto/index.js";
import { checkAddCheckpoint, parseAddCheckpointRequest, splitViewOf, WitnessError, type AddCheckpointRequest, type WitnessCheck, type WitnessedLogState } from "../core/witness/index.js";
import { openCheckpoint } from "../core/note/index.js";
import type { WitnessedLogRow, WitnessStore } from "../store/store.js";
import type { SplitViewSink } from "./witness-alarms.js";
import { WitnessStateBatcher } from "./witness-state-batcher.js";

/** The answer to an add-checkpoint that passed: the cosignature lines (200), or the latest cosigned size (409). */
export type AddCheckpointAnswer =
  | { readonly kind: "cosigned"; readonly lines: readonly string[] }
  | { readonly kind: "conflict"; readonly size: number };

/** The witness's keys: Ed25519 cosignature/v1 always, ML-DSA-44 when the operator enabled it. */
export interface WitnessKeys {
  readonly ed25519: NoteSigner;
  readonly mlDsa?: MlDsaCosigner | undefined;
}

/** What this process last read or wrote of a witnessed log: the row, and its log key parsed once. */
interface KnownLog {
  readonly row: WitnessedLogRow;
  readonly verifier: NoteVerifier;
}

/**
 * A C2SP tlog-witness: checks each add-checkpoint against the state it keeps per log, persists the new
 * state with a compare-and-swap BEFORE it signs (tlog-witness §add-checkpoint: check and update must
 * be atomic, or two requests could roll the log back), then cosigns. A swap that loses to a concurrent
 * request is re-checked against the state that won, so of two conflicting roots for one size exactly
 * one is ever cosigned — across processes and restarts, since the state lives in the store.
 *
 * The state of each log is also kept in memory, as a hint that spares a store read (and a key parse)
 * per request. It is never the authority: a request checked against it is cosigned only if the
 * compare-and-swap from that very state (size, root and log key) succeeds in the store, and any other
 * answer — 409, 422, 403, a refusal that may raise an alarm — is given only after a check against the
 * state read from the store. So another process sharing the database (or `tocsin witness add-log`
 * replacing the key) can move a log at any time: this one then loses a swap or re-reads, and answers as
 * if it had read the store each time.
 */
export class WitnessService {
  readonly #states: WitnessStateBatcher;
  /** By origin; only logs the store knows, so at most one entry per witnessed log. */
  readonly #known = new Map<string, KnownLog>();

  constructor(
    private readonly d: {
      readonly store: WitnessStore;
      readonly keys: WitnessKeys;
      readonly clock: Clock;
      /** Where a split view goes when a request proves one (a logged witness alarm); absent: only refused. */
      readonly alarms?: SplitViewSink;
    },
  ) {
    this.#states = new WitnessStateBatcher(d.store);
  }

  /** The cosigner keys' vkeys (Ed25519 first). */
  verifierKeys(): string[] {
    return witnessVerifierKeys(this.d.keys);
  }

  /**
   * Starts witnessing a log: ORIGIN must be the name of its Ed25519 note key (Tocsin's checkpoint rule).
   * `url`, where the log answers, is where gossip fetches proofs for checkpoints of other sizes.
   */
  async addLog(origin: string, vkey: string, url?: string): Promise<NoteVerifier> {
    let verifier: NoteVerifier;
    try {
      verifier = parseVerifierKey(vkey);
    } catch (e) {
      throw new WitnessError("WITNESS_BAD_REQUEST", `not a log verifier key: ${(e as Error).message}`);
    }
    if (verifier.type !== "ed25519") throw new WitnessError("WITNESS_BAD_REQUEST", "a log key is an Ed25519 note key (type 0x01)");
    if (verifier.name !== origin) throw new WitnessError("WITNESS_BAD_REQUEST", "the log key's name must be the origin", { details: { origin, name: verifier.name } });
    if (url !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url)) throw new WitnessError("WITNESS_BAD_REQUEST", "the log's URL is an http(s) URL without query or fragment", { details: { url } });
    await this.d.store.addWitnessedLog(origin, vkey, rfc3339(this.d.clock.now()));
    if (url !== undefined) await this.d.store.setWitnessedLogUrl(origin, url.replace(/\/+$/, ""), rfc3339(this.d.clock.now()));
    // The next request reads the new key (a swap checked against the old one would fail anyway).
    this.#known.delete(origin);
    return verifier;
  }

  /** Handles one `POST /add-checkpoint` body; refusals throw WitnessError (400, 403, 404, 422). */
  async addCheckpoint(body: string): Promise<AddCheckpointAnswer> {
    const request = parseAddCheckpointRequest(body);
    const note = readCheckpointNote(request.checkpoint);
    const origin = note.checkpoint.origin;
    let known = this.#known.get(origin);
    let fresh = false;
    for (;;) {
      if (known === undefined) {
        known = await this.#read(origin);
        fresh = true;
      }
      let check: WitnessCheck | WitnessError;
      try {
        check = checkAddCheckpoint(stateOf(known), request, note);
      } catch (e) {
        if (!(e instanceof WitnessError)) throw e;
        check = e;
      }
      if (check instanceof WitnessError || check.kind === "conflict") {
        // A refusal is answered only against the store's state (a size moved on, a key replaced elsewhere):
        // re-read, and check again only if it differs from what this verdict was reached against.
        if (!fresh) {
          const now = await this.#read(origin);
          fresh = true;
          if (!sameState(now.row, known.row)) {
            known = now;
            continue;
          }
          known = now;
        }
        if (check instanceof WitnessError) {
          if (check.code === "WITNESS_BAD_PROOF") await this.#lookForSplitView(known.row, request);
          throw check;
        }
        await this.#lookForSplitView(known.row, request);
        return check;
      }
      const { row, verifier } = known;
      const to = { size: check.checkpoint.size, root: check.checkpoint.rootHash, note: request.checkpoint };
      const nowMs = this.d.clock.now();
      const at = rfc3339(nowMs);
      // Signed before the state moves (so nothing can fail between the two), released only after it moved.
      const lines = cosignWith(this.d.keys, check.body, Math.floor(nowMs / 1000));
      if (!(await this.#states.advance({ origin, from: { size: row.size, root: row.root, vkey: row.vkey }, to, at }))) {
        // Another request (here or in another process) moved the log first: check against what won.
        known = undefined;
        continue;
      }
      this.#known.set(origin, { row: { ...row, size: to.size, root: to.root, note: to.note, updatedAt: at }, verifier });
      return { kind: "cosigned", lines };
    }
  }

  /** The log's state as the store has it now (404 when the store does not witness that origin). */
  async #read(origin: string): Promise<KnownLog> {
    const row = await this.d.store.witnessedLog(origin);
    if (row === undefined) {
      this.#known.delete(origin);
      throw new WitnessError("WITNESS_UNKNOWN_LOG", "this witness does not witness that log", { details: { origin } });
    }
    const known = { row, verifier: parseVerifierKey(row.vkey) };
    this.#known.set(origin, known);
    return known;
  }

  /**
   * A refused request may prove that the log forked: a checkpoint signed by the log key with the size
   * this witness cosigned and another root, or a proof from that size leading to the new checkpoint's
   * root but not to the cosigned one. Then the two notes (and the path) go to the alarms, before the
   * answer. Anything that proves nothing (unsigned, a garbled proof) stays a plain refusal.
   */
  async #lookForSplitView(row: WitnessedLogRow, request: AddCheckpointRequest): Promise<void> {
    if (!this.d.alarms || row.note === undefined) return;
    const verifier = parseVerifierKey(row.vkey);
    let held, other;
    try {
      held = { note: row.note, checkpoint: openCheckpoint(row.note, verifier, row.origin).checkpoint };
      other = { note: request.checkpoint, checkpoint: openCheckpoint(request.checkpoint, verifier, row.origin).checkpoint };
    } catch {
      return;
    }
    const proof = request.oldSize === row.size && other.checkpoint.size > row.size ? request.proof : [];
    const evidence = splitViewOf(verifier, held, other, proof);
    if (evidence) await this.d.alarms.raise(evidence, { detectedBy: "witness" });
  }
}

/** The state checkAddCheckpoint reads, from a log's row. */
function stateOf(known: KnownLog): WitnessedLogState {
  const { row, verifier } = known;
  return { origin: row.origin, verifier, size: row.size, root: row.root.length === 0 ? undefined : row.root };
}

/** Whether two rows of one log hold the same state a check depends on: key, size and root. */
function sameState(a: WitnessedLogRow, b: WitnessedLogRow): boolean {
  return a.vkey === b.vkey && a.size === b.size && bytesEqual(a.root, b.root);
}

/** The cosignature lines of a checkpoint body; a body the keys cannot sign (an ML-DSA origin over 255 bytes) is a bad request. */
function cosignWith(keys: WitnessKeys, body: string, t: number): string[] {
  try {
    const lines = [cosignCheckpoint(body, keys.ed25519, t)];
    if (keys.mlDsa) lines.push(cosignCheckpointMlDsa(body, keys.mlDsa, t));
    return lines;
  } catch (e) {
    if (isTocsinError(e)) throw new WitnessError("WITNESS_BAD_REQUEST", "this witness cannot cosign that checkpoint", { cause: e });
    throw e;
  }
}

/** A witness's vkeys: cosignature/v1 (type 0x04), then ML-DSA-44 (type 0x06) when it has that key. */
export function witnessVerifierKeys(keys: WitnessKeys): string[] {
  const out = [formatVerifierKey(keys.ed25519)];
  if (keys.mlDsa) out.push(formatMlDsaVerifierKey(keys.mlDsa));
  return out;
}

/** A checkpoint note read before any key is known (its origin names the key); malformed is 400. */
function readCheckpointNote(note: string): ParsedCheckpointNote {
  try {
    return parseCheckpointNote(note);
  } catch (e) {
    if (isTocsinError(e)) throw new WitnessError("WITNESS_BAD_REQUEST", "the checkpoint is not a well-formed signed checkpoint", { cause: e });
    throw e;
  }
}
