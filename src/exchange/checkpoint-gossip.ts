import { fromHex } from "../core/crypto/index.js";
import { PeriodicTask } from "./periodic-task.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { verifyConsistency } from "../core/merkle/index.js";
import { openCheckpoint, parseCheckpoint, parseNote, parseVerifierKey, type Checkpoint, type NoteVerifier } from "../core/note/index.js";
import { splitViewOf, WitnessError, type SplitViewEvidence } from "../core/witness/index.js";
import type { Store } from "../store/store.js";
import type { Logger } from "./logger.js";
import type { WitnessAlarms } from "./witness-alarms.js";
import { RunsByKey } from "./runs-by-key.js";

/** At most this many notes per gossip request (and per push). */
export const MAX_GOSSIP_NOTES = 64;

/**
 * The nodes this node gossips with, by base URL. An interface, not a list: `serve --gossip URL` gives a
 * fixed one; the peers recorded by `tocsin peer add` can be served through the same door.
 */
export interface GossipPeers {
  urls(): Promise<readonly string[]>;
}

/** A fixed list of gossip peers (`serve --gossip URL`, repeatable). */
export class StaticGossipPeers implements GossipPeers {
  readonly #urls: readonly string[];
  constructor(urls: readonly string[]) {
    this.#urls = urls.map((u) => u.replace(/\/+$/, ""));
  }
  async urls(): Promise<readonly string[]> {
    return this.#urls;
  }
}

/**
 * The gossip peers of a running node: the `serve --gossip` URLs and every peer node pinned with
 * `tocsin peer add` (federation), read at each round so a peer added while the node runs is gossiped
 * with from the next round on.
 */
export class PinnedGossipPeers implements GossipPeers {
  readonly #configured: StaticGossipPeers;
  constructor(
    private readonly store: { peers(): Promise<readonly { readonly url: string }[]> },
    configured: readonly string[],
  ) {
    this.#configured = new StaticGossipPeers(configured);
  }
  async urls(): Promise<readonly string[]> {
    const pinned = (await this.store.peers()).map((p) => p.url.replace(/\/+$/, ""));
    return [...new Set([...(await this.#configured.urls()), ...pinned])];
  }
}

/** What the node concluded about one gossiped checkpoint. */
export type GossipVerdict =
  /** Consistent with what this node holds of that log (same tree, or a proof shows one extends the other). */
  | "consistent"
  /** It and a checkpoint this node holds prove a split view: an alarm is logged. */
  | "split-view"
  /** This node does not witness that origin. */
  | "unknown-log"
  /** No signature by the log key this node trusts for the origin verifies. */
  | "untrusted"
  /** Nothing to compare yet (never cosigned that log), or no proof could be had from the log to decide. */
  | "unchecked";

interface Held {
  readonly verifier: NoteVerifier;
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

/**
 * Gossip of checkpoints between nodes, so that a fork shown to one node is caught by the others. Each
 * node checks what it is told against what it holds of that log (the checkpoint it last cosigned as a
 * witness): the same size with another root is a split view at once; other sizes are decided with a
 * consistency proof fetched from the log (at the URL its witness operator gave, or the one a peer's own
 * /log/checkpoint revealed), and when that
 * proof is about another tree, against the log's latest checkpoint too. A split view becomes a witness
 * alarm (logged, offline-verifiable). Each round (a Leadership task on a shared database, like the
 * witness collector) exchanges with every peer: pulls its own checkpoint, then pushes to it what this
 * node holds — its cosigned checkpoints and both sides of every alarm.
 *
 * Each peer's exchange runs on its own: a round starts one with every peer that has none under way and
 * does not wait for them. Over a cut link nothing answers until the request's timeout (5 s), and a
 * round that waited for every peer held up the exchanges with all the others that long (in the
 * network-namespace test, no gossip between the two connected nodes while the third was cut off).
 */
export class CheckpointGossip {
  // One round at a time (a round only starts exchanges); its exchanges' failures are logged in them, anything else here.
  readonly #task = new PeriodicTask(
    () => this.#startRound(),
    (e) => this.d.logger.warn({ error: (e as Error).message }, "gossip: round failed; retrying at the next"),
  );
  /** Each peer's exchange under way, by URL: a round leaves that peer out until it has ended. */
  readonly #exchanges = new RunsByKey();
  /** Where each origin's log answers (learned from peers' /log/checkpoint): proofs are fetched there. */
  readonly #logUrls = new Map<string, string>();

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly alarms: WitnessAlarms;
      readonly peers: GossipPeers;
      readonly logger: Logger;
      readonly timeoutMs?: number;
    },
  ) {}

  /** Checks gossiped notes; a body that is not well-formed notes is GOSSIP_BAD_REQUEST, all or nothing. */
  async receive(notes: readonly string[], source?: string): Promise<{ origin: string; size: number; verdict: GossipVerdict }[]> {
    if (notes.length === 0 || notes.length > MAX_GOSSIP_NOTES) throw new WitnessError("GOSSIP_BAD_REQUEST", `between 1 and ${MAX_GOSSIP_NOTES} checkpoints per request`);
    const parsed = notes.map((note, i) => {
      try {
        return { note, checkpoint: parseCheckpoint(parseNote(note).text) };
      } catch (e) {
        if (isTocsinError(e)) throw new WitnessError("GOSSIP_BAD_REQUEST", `checkpoint ${i} is not a signed checkpoint note`, { details: { index: i }, cause: e });
        throw e;
      }
    });
    const out: { origin: string; size: number; verdict: GossipVerdict }[] = [];
    for (const p of parsed) out.push({ origin: p.checkpoint.origin, size: p.checkpoint.size, verdict: await this.#check(p.note, p.checkpoint.origin, source) });
    return out;
  }

  async start(intervalMs: number): Promise<void> {
    // Rounds run even with no peer yet: a peer pinned later joins at the next round, and an alarm a
    // crash left unlogged is logged at every round.
    await this.#task.start(intervalMs, "background");
  }

  stop(): void {
    this.#task.stop();
  }

  /**
   * One round on demand: resolves once every peer's exchange has ended — the ones this round started and
   * any still under way from an earlier round.
   */
  async tick(): Promise<void> {
    await this.#task.tick();
    await this.#exchanges.settled();
  }

  async #startRound(): Promise<void> {
    await this.d.alarms.logPending();
    for (const url of await this.d.peers.urls()) this.#exchanges.start(url, () => this.#exchange(url));
  }

  /** Pulls the peer's checkpoint, then pushes what this node holds (both after the pull's verdict). Never throws. */
  async #exchange(url: string): Promise<void> {
    const timeout = () => AbortSignal.timeout(this.d.timeoutMs ?? 5_000);
    try {
      const res = await fetch(`${url}/log/checkpoint`, { signal: timeout() });
      if (res.status !== 200) throw new Error(`GET /log/checkpoint answered ${res.status}`);
      const note = await res.text();
      const origin = parseCheckpoint(parseNote(note).text).origin;
      this.#logUrls.set(origin, url);
      await this.#check(note, origin, url);
    } catch (e) {
      this.d.logger.warn({ peer: url, error: (e as Error).message }, "gossip: could not pull the peer's checkpoint");
    }
    try {
      const notes = await this.#heldNotes();
      if (notes.length === 0) return;
      const res = await fetch(`${url}/gossip/checkpoints`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ checkpoints: notes }),
        signal: timeout(),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`POST /gossip/checkpoints answered ${res.status}`);
    } catch (e) {
      this.d.logger.warn({ peer: url, error: (e as Error).message }, "gossip: could not push checkpoints to the peer");
    }
  }

  /** What this node tells its peers: both sides of every alarm first (the news), then its cosigned checkpoints. */
  async #heldNotes(): Promise<string[]> {
    const out: string[] = [];
    for (const a of await this.d.store.witnessAlarms()) out.push(...((JSON.parse(a.body) as { checkpoints: string[] }).checkpoints ?? []));
    for (const l of await this.d.store.witnessedLogs()) if (l.note !== undefined) out.push(l.note);
    return [...new Set(out)].slice(0, MAX_GOSSIP_NOTES);
  }

  async #held(origin: string): Promise<Held | "unknown-log" | "unchecked"> {
    const row = await this.d.store.witnessedLog(origin);
    if (!row) return "unknown-log";
    if (row.note === undefined) return "unchecked";
    const verifier = parseVerifierKey(row.vkey);
    return { verifier, note: row.note, checkpoint: openCheckpoint(row.note, verifier, origin).checkpoint };
  }

  async #check(note: string, origin: string, source: string | undefined): Promise<GossipVerdict> {
    const held = await this.#held(origin);
    if (typeof held === "string") return held;
    let other: { note: string; checkpoint: Checkpoint };
    try {
      other = { note, checkpoint: openCheckpoint(note, held.verifier, origin).checkpoint };
    } catch {
      return "untrusted";
    }
    const first = await this.#compare(held, held, other);
    if (first !== "unproven") return this.#conclude(first, source);
    // The log's proof was about another tree than the gossiped one: decide against the log's latest checkpoint.
    const latest = await this.#latest(held);
    if (!latest) return "unchecked";
    const second = await this.#compare(held, latest, other);
    if (second !== "unproven") return this.#conclude(second, source);
    return this.#conclude(await this.#compare(held, held, latest), (await this.#logUrlsOf(origin))[0]);
  }

  /**
   * Where an origin's log answers: the URL its operator gave this witness (`tocsin witness add-log
   * --url`), then the one a peer's /log/checkpoint revealed. What is fetched there needs no trust — a
   * proof decides only if it leads to roots the log key signed — so each is tried in turn.
   */
  async #logUrlsOf(origin: string): Promise<string[]> {
    const configured = await this.d.store.witnessedLogUrl(origin);
    return [...new Set([configured, this.#logUrls.get(origin)].filter((u): u is string => u !== undefined))];
  }

  async #conclude(result: SplitViewEvidence | "consistent" | "unproven", source: string | undefined): Promise<GossipVerdict> {
    if (result === "consistent") return "consistent";
    if (result === "unproven") return "unchecked";
    await this.d.alarms.raise(result, { detectedBy: "gossip", source });
    return "split-view";
  }

  /** Two checkpoints of one log: consistent, evidence of a split view, or not decidable with the proof the log gives. */
  async #compare(held: Held, a: { note: string; checkpoint: Checkpoint }, b: { note: string; checkpoint: Checkpoint }): Promise<SplitViewEvidence | "consistent" | "unproven"> {
    const [small, large] = a.checkpoint.size <= b.checkpoint.size ? [a, b] : [b, a];
    if (small.checkpoint.size === large.checkpoint.size || small.checkpoint.size === 0) return splitViewOf(held.verifier, a, b) ?? "consistent";
    const proof = await this.#proof(held.checkpoint.origin, small.checkpoint.size, large.checkpoint.size);
    if (!proof) return "unproven";
    const evidence = splitViewOf(held.verifier, small, large, proof);
    if (evidence) return evidence;
    // Consistent only if the proof leads to both roots; otherwise it proves nothing about these two.
    return leadsToBoth(small.checkpoint, large.checkpoint, proof) ? "consistent" : "unproven";
  }

  async #proof(origin: string, from: number, to: number): Promise<Uint8Array[] | undefined> {
    for (const url of await this.#logUrlsOf(origin)) {
      const proof = await this.#proofAt(url, from, to);
      if (proof) return proof;
    }
    return undefined;
  }

  async #proofAt(url: string, from: number, to: number): Promise<Uint8Array[] | undefined> {
    try {
      const res = await fetch(`${url}/log/proof/consistency?from=${from}&to=${to}`, { signal: AbortSignal.timeout(this.d.timeoutMs ?? 5_000) });
      if (res.status !== 200) return undefined;
      const body = (await res.json()) as { hashes?: unknown };
      if (!Array.isArray(body.hashes) || !body.hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))) return undefined;
      return (body.hashes as string[]).map((h) => fromHex(h)!);
    } catch {
      return undefined;
    }
  }

  async #latest(held: Held): Promise<{ note: string; checkpoint: Checkpoint } | undefined> {
    for (const url of await this.#logUrlsOf(held.checkpoint.origin)) {
      try {
        const res = await fetch(`${url}/log/checkpoint`, { signal: AbortSignal.timeout(this.d.timeoutMs ?? 5_000) });
        const note = await res.text();
        return { note, checkpoint: openCheckpoint(note, held.verifier, held.checkpoint.origin).checkpoint };
      } catch {
        // the next URL, if any
      }
    }
    return undefined;
  }
}

function leadsToBoth(small: Checkpoint, large: Checkpoint, proof: readonly Uint8Array[]): boolean {
  try {
    verifyConsistency(small.size, large.size, small.rootHash, large.rootHash, proof);
    return true;
  } catch {
    return false;
  }
}
