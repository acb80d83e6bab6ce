import { rfc3339, type Clock } from "../core/clock.js";
import { PeriodicTask } from "./periodic-task.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { addSignatures, collectCosignatures, parseSignatureLines, parseVerifierKey, type NoteVerifier } from "../core/note/index.js";
import { collectMlDsaCosignatures, parseMlDsaVerifierKey, type MlDsaCosignerKey } from "../core/note/ml-dsa-cosignature.js";
import { formatAddCheckpointRequest, parseTlogSize } from "../core/witness/index.js";
import type { LogReader } from "../log/log-reader.js";
import type { Store, StoredCheckpoint } from "../store/store.js";
import type { Logger } from "./logger.js";
import { RunsByKey } from "./runs-by-key.js";

/** A witness of this log as the collector knows it: its vkey (the store's key for its cosignatures) and key. */
export interface LogWitness {
  readonly vkey: string;
  readonly url: string;
  readonly key: { readonly kind: "ed25519"; readonly verifier: NoteVerifier } | { readonly kind: "ml-dsa-44"; readonly verifier: MlDsaCosignerKey };
}

/** Parses a configured witness: a cosignature/v1 (0x04) or ML-DSA-44 (0x06) vkey and its submission prefix. */
export function logWitness(vkey: string, url: string): LogWitness {
  return { vkey, url: url.replace(/\/+$/, ""), key: witnessKeyOf(vkey) };
}

function witnessKeyOf(vkey: string): LogWitness["key"] {
  try {
    const v = parseVerifierKey(vkey);
    if (v.type === "cosignature/v1") return { kind: "ed25519", verifier: v };
  } catch {
    // Not a signed-note key of the Ed25519 types: perhaps ML-DSA-44.
  }
  try {
    return { kind: "ml-dsa-44", verifier: parseMlDsaVerifierKey(vkey) };
  } catch {
    throw new TocsinError("CONFIG_INVALID", `witness key ${vkey.slice(0, 80)} is not a cosigner vkey (type 0x04 or 0x06)`, { details: { field: "witnesses" } });
  }
}

/**
 * The line of `witness` in a witness's answer to `checkpointNote`, once it verifies under the configured
 * key; undefined when the answer holds none (lines of other keys are ignored, tlog-witness §add-checkpoint).
 */
export function witnessLine(checkpointNote: string, answer: string, witness: LogWitness): string | undefined {
  const note = addSignatures(checkpointNote, answer);
  const v = witness.key.verifier;
  const verified = witness.key.kind === "ed25519" ? collectCosignatures(note, [witness.key.verifier]) : collectMlDsaCosignatures(note, [witness.key.verifier]);
  if (verified.length === 0) return undefined;
  return answer
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => `${l}\n`)
    .find((l) => parseSignatureLines(l).some((x) => x.name === v.name && x.keyId === v.keyId));
}

/**
 * A witnessed log's collector (C2SP tlog-witness, the client side). Runs where the log is sequenced
 * (a leader task on a shared database): every tick it takes the latest checkpoint and, for each witness
 * that has not cosigned it, submits it with the consistency proof from the size that witness last
 * cosigned — read from the stored cosignatures, or learned from a 409 (then it re-syncs at once) — and
 * stores the verified cosignature. A witness that is down or refuses is retried next tick; its refusal
 * is logged. /log/checkpoint then serves the checkpoint with the collected cosignatures appended.
 *
 * Each witness's submission runs on its own: a round starts one for every witness that has none under
 * way and does not wait for them. Over a cut link a witness answers nothing until the request's
 * timeout (10 s), and a round that waited for every witness held up the others' cosignatures — under a
 * K-of-N policy, the publication of every new checkpoint — that long.
 */
export class WitnessCollector {
  // One round at a time (a round only starts submissions); a witness that fails is logged in its submission, anything else here.
  readonly #task = new PeriodicTask(
    () => this.#startRound(),
    (e) => this.d.logger.warn({ error: (e as Error).message }, "witness submissions: round failed; retrying at the next"),
  );
  /** Each witness's submission under way, by its key: a round leaves that witness out until it has ended. */
  readonly #submissions = new RunsByKey();
  /** What each witness last said it cosigned (from a 409 or a 200), ahead of the store after a re-sync. */
  readonly #known = new Map<string, number>();

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly reader: LogReader;
      readonly witnesses: readonly LogWitness[];
      readonly clock: Clock;
      readonly logger: Logger;
      readonly timeoutMs?: number;
    },
  ) {}

  async start(intervalMs: number): Promise<void> {
    this.stop();
    if (this.d.witnesses.length === 0) return;
    this.#known.clear();
    // The first round in the background: a witness that is slow to answer must not hold up the node's start.
    await this.#task.start(intervalMs, "background");
  }

  stop(): void {
    this.#task.stop();
  }

  /**
   * One round on demand: every witness that lacks the latest checkpoint is asked for it. Resolves once
   * every submission has ended — the ones this round started and any still under way from an earlier one.
   */
  async tick(): Promise<void> {
    await this.#task.tick();
    await this.#submissions.settled();
  }

  async #startRound(): Promise<void> {
    const latest = await this.d.store.latestCheckpoint();
    if (!latest) return;
    for (const w of this.d.witnesses) {
      this.#submissions.start(w.vkey, () =>
        this.#submit(w, latest).catch((e: unknown) => {
          // One line per witness and round, no stack: a witness that is down is an expected state.
          this.d.logger.warn({ witness: w.url, error: (e as Error).message }, "witness submission failed");
        }),
      );
    }
  }

  async #submit(w: LogWitness, checkpoint: StoredCheckpoint): Promise<void> {
    const cosigned = await this.d.store.lastCosignedSize(w.vkey);
    if (cosigned === checkpoint.size) return;
    let old = this.#known.get(w.vkey) ?? cosigned;
    // One re-sync per round: a 409 names the size the witness holds; a second 409 waits for the next tick.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (old > checkpoint.size) {
        this.d.logger.error({ witness: w.url, witnessSize: old, size: checkpoint.size }, "witness holds a larger checkpoint of this log than the log has");
        return;
      }
      const proof = old === 0 || old === checkpoint.size ? [] : (await this.d.reader.consistencyProof(old, checkpoint.size)).hashes;
      const res = await fetch(`${w.url}/add-checkpoint`, {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: formatAddCheckpointRequest({ oldSize: old, proof, checkpoint: checkpoint.note }),
        signal: AbortSignal.timeout(this.d.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      if (res.status === 409) {
        const size = parseTlogSize(text);
        if (size === undefined) throw new Error(`witness answered 409 without a size`);
        old = size;
        this.#known.set(w.vkey, size);
        continue;
      }
      if (res.status !== 200) throw new Error(`witness answered ${res.status}: ${text.slice(0, 300)}`);
      // Only what verifies under the configured key is kept (tlog-witness: ignore unknown keys).
      const line = witnessLine(checkpoint.note, text, w);
      if (line === undefined) throw new Error("the witness's answer holds no cosignature from its configured key");
      await this.d.store.addCosignature({ size: checkpoint.size, witness: w.vkey, line, createdAt: rfc3339(this.d.clock.now()) });
      this.#known.set(w.vkey, checkpoint.size);
      return;
    }
  }
}
