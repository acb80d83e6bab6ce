import { rfc3339, type Clock } from "../core/clock.js";
import { fromHex, toHex } from "../core/crypto/index.js";
import { FederationError, foldPeerKeyHistory, type PeerKeyRecord } from "../core/federation/index.js";
import type { KeyHistories } from "../core/keys/index.js";
import { verifyConsistency } from "../core/merkle/index.js";
import { formatVerifierKey, openCheckpoint, parseVerifierKey } from "../core/note/index.js";
import { isPlainObject } from "../core/record/index.js";
import type { PartyRow, PeerRow, Store } from "../store/store.js";

/** What `GET /federation/v1/node` answers: what a peer needs to pin this node (docs/federation.md). */
export interface FederationNodeDocument {
  readonly origin: string;
  /** The log's verifier key (C2SP note vkey). */
  readonly log_key: string;
  /** The node's own party: the root of its key history. */
  readonly node_party: string;
  /** The latest checkpoint (signed note) the key history is proven in. */
  readonly checkpoint: string;
  /** The parties this node hosts, with the log index of their registration. */
  readonly parties: readonly { readonly id: string; readonly slug: string; readonly name: string; readonly registration: number }[];
  /** Every registration and key change, in log order, each with its leaf and inclusion proof in `checkpoint`. */
  readonly key_history: readonly PeerKeyRecord[];
}

/** A pinned peer as `tocsin peer list` shows it. */
export interface PeerSummary {
  readonly origin: string;
  readonly url: string;
  readonly logKey: string;
  readonly nodeParty: string;
  readonly parties: readonly { readonly id: string; readonly slug: string }[];
  readonly checkpointSize: number;
  readonly addedAt: string;
  readonly updatedAt: string;
}

const invalid = (message: string): FederationError => new FederationError("FEDERATION_PEER_INVALID", message);

/**
 * The peer nodes this node has pinned, and their parties' logged key histories. A peer is pinned on
 * first use (`tocsin peer add URL`): its log origin, log key and node party from its discovery document,
 * checked against its signed checkpoint, and the key history of every party it hosts, each key record
 * proven in that checkpoint. Later it changes only by extension: the same origin, key and node party,
 * the pinned key records a prefix of the new ones, the new checkpoint consistent with the pinned one,
 * and every new key record allowed by the history (a rotation signed by the key it replaces, a
 * reset by the peer's node — which audits then name).
 */
export class PeerDirectory {
  readonly #histories = new Map<string, { updatedAt: string; histories: KeyHistories }>();

  constructor(
    private readonly d: {
      readonly store: Store;
      readonly clock: Clock;
      /** This node's own origin: a node does not peer with itself. */
      readonly ownOrigin?: string | undefined;
      readonly timeoutMs?: number;
    },
  ) {}

  /** Pins the node at `url` as a peer, or brings a pinned one up to date (by extension only). */
  async add(url: string): Promise<PeerSummary> {
    const base = url.replace(/\/+$/, "");
    const doc = await this.#fetchJson(`${base}/federation/v1/node`);
    const { origin, vkey, nodeParty, checkpoint, size, root, entries } = checkDocument(doc);
    if (origin === this.d.ownOrigin) throw new FederationError("FEDERATION_PEER_CONFLICT", `${base} is this node (${origin})`);
    const histories = foldPeerKeyHistory(nodeParty, entries, { size, root });
    const pinned = await this.d.store.peer(origin);
    if (pinned) {
      if (pinned.vkey !== vkey) throw new FederationError("FEDERATION_PEER_CONFLICT", `${origin} is pinned with log key ${pinned.vkey}; ${base} presents ${vkey}`);
      if (pinned.nodeParty !== nodeParty) throw new FederationError("FEDERATION_PEER_CONFLICT", `${origin} is pinned with node party ${pinned.nodeParty}; ${base} presents ${nodeParty}`);
      await this.#checkExtends(pinned, base, entries, size, root);
    }
    const known = new Set(pinned ? await this.d.store.peerParties(origin) : []);
    const now = rfc3339(this.d.clock.now());
    const parties: PartyRow[] = histories
      .all()
      .filter((p) => p.id !== nodeParty && !known.has(p.id))
      .map((p) => ({ id: p.id, slug: p.slug, name: p.name, custodial: false, organisationId: p.organisationId, createdAt: p.keys[0]!.sinceAt }));
    for (const p of parties) {
      const local = await this.d.store.getParty(p.slug);
      if (local) throw new FederationError("FEDERATION_PEER_CONFLICT", `party slug ${p.slug} of ${origin} is taken on this node`);
    }
    const row: PeerRow = {
      origin,
      url: base,
      vkey,
      nodeParty,
      // With their inclusion proofs in `checkpoint`: bundles carry them (docs/formats.md §3.4).
      keyHistory: JSON.stringify(entries.map((e) => ({ index: e.index, leaf: e.leaf, record: e.record, hashes: e.hashes }))),
      checkpoint,
      addedAt: pinned?.addedAt ?? now,
      updatedAt: now,
    };
    try {
      await this.d.store.savePeer(row, parties);
    } catch (e) {
      if ((e as { code?: string }).code === "PARTY_EXISTS") throw new FederationError("FEDERATION_PEER_CONFLICT", (e as Error).message);
      throw e;
    }
    this.#histories.delete(origin);
    return this.#summary(row);
  }

  async list(): Promise<PeerSummary[]> {
    return Promise.all((await this.d.store.peers()).map((p) => this.#summary(p)));
  }

  async remove(origin: string): Promise<boolean> {
    this.#histories.delete(origin);
    return this.d.store.removePeer(origin);
  }

  async peer(origin: string): Promise<PeerRow | undefined> {
    return this.d.store.peer(origin);
  }

  /** The peer hosting a party (undefined for this node's own parties). */
  async hostOf(partyId: string): Promise<PeerRow | undefined> {
    const origin = await this.d.store.peerOfParty(partyId);
    return origin === undefined ? undefined : this.d.store.peer(origin);
  }

  /** A peer's key histories as pinned (folded once per update; the entries were proven when pinned). */
  async histories(peer: PeerRow): Promise<KeyHistories> {
    const cached = this.#histories.get(peer.origin);
    if (cached && cached.updatedAt === peer.updatedAt) return cached.histories;
    const histories = foldPeerKeyHistory(peer.nodeParty, JSON.parse(peer.keyHistory) as unknown[]);
    this.#histories.set(peer.origin, { updatedAt: peer.updatedAt, histories });
    return histories;
  }

  async #checkExtends(pinned: PeerRow, base: string, entries: readonly PeerKeyRecord[], size: number, root: Uint8Array): Promise<void> {
    const old = JSON.parse(pinned.keyHistory) as PeerKeyRecord[];
    old.forEach((e, i) => {
      const now = entries[i];
      if (!now || now.index !== e.index || now.leaf !== e.leaf) throw invalid(`${pinned.origin}'s key history no longer holds its pinned key record at log index ${e.index}`);
    });
    const was = openCheckpoint(pinned.checkpoint, parseVerifierKey(pinned.vkey), pinned.origin).checkpoint;
    if (was.size > size) throw invalid(`${pinned.origin} presents a checkpoint of size ${size}, smaller than the pinned ${was.size}`);
    if (was.size === size) {
      if (toHex(was.rootHash) !== toHex(root)) throw invalid(`${pinned.origin} presents another root for size ${size}: a fork`);
      return;
    }
    if (was.size === 0) return;
    const proof = await this.#fetchJson(`${base}/log/proof/consistency?from=${was.size}&to=${size}`);
    const hashes = isPlainObject(proof) && Array.isArray(proof.hashes) ? (proof.hashes as unknown[]) : undefined;
    if (!hashes || !hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))) throw invalid(`${pinned.origin} answered no consistency proof`);
    try {
      verifyConsistency(was.size, size, was.rootHash, root, hashes.map((h) => fromHex(h as string)!));
    } catch (e) {
      throw invalid(`${pinned.origin}'s checkpoint of size ${size} is not consistent with the pinned one of size ${was.size}: ${(e as Error).message}`);
    }
  }

  async #summary(p: PeerRow): Promise<PeerSummary> {
    const ids = await this.d.store.peerParties(p.origin);
    const parties = [];
    for (const id of ids) {
      const row = await this.d.store.getParty(id);
      if (row) parties.push({ id, slug: row.slug });
    }
    let checkpointSize = 0;
    try {
      checkpointSize = openCheckpoint(p.checkpoint, parseVerifierKey(p.vkey), p.origin).checkpoint.size;
    } catch {
      // Shown as 0: pinned checkpoints were verified when stored.
    }
    return { origin: p.origin, url: p.url, logKey: p.vkey, nodeParty: p.nodeParty, parties, checkpointSize, addedAt: p.addedAt, updatedAt: p.updatedAt };
  }

  async #fetchJson(url: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(this.d.timeoutMs ?? 10_000) });
    } catch (e) {
      throw invalid(`${url} did not answer: ${(e as Error).message}`);
    }
    if (res.status !== 200) throw invalid(`${url} answered ${res.status}`);
    try {
      return await res.json();
    } catch {
      throw invalid(`${url} did not answer JSON`);
    }
  }
}

/** The discovery document's shape and signature: its checkpoint must verify with the key it names. */
function checkDocument(doc: unknown): {
  origin: string;
  vkey: string;
  nodeParty: string;
  checkpoint: string;
  size: number;
  root: Uint8Array;
  entries: PeerKeyRecord[];
} {
  if (!isPlainObject(doc)) throw invalid("the discovery document is not a JSON object");
  const { origin, log_key, node_party, checkpoint, key_history } = doc;
  if (typeof origin !== "string" || typeof log_key !== "string" || typeof node_party !== "string" || typeof checkpoint !== "string" || !Array.isArray(key_history)) {
    throw invalid("the discovery document needs origin, log_key, node_party, checkpoint and key_history");
  }
  let vkey: string;
  let size: number;
  let root: Uint8Array;
  try {
    const v = parseVerifierKey(log_key);
    vkey = formatVerifierKey(v);
    const opened = openCheckpoint(checkpoint, v, origin).checkpoint;
    size = opened.size;
    root = opened.rootHash;
  } catch (e) {
    throw invalid(`the peer's checkpoint does not verify with the log key it presents: ${(e as Error).message}`);
  }
  return { origin, vkey, nodeParty: node_party, checkpoint, size, root, entries: key_history as PeerKeyRecord[] };
}
