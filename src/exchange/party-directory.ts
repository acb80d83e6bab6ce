import { ed25519PublicKey } from "../core/crypto/ed25519.js";
import { toBase64 } from "../core/crypto/index.js";
import type { KeyHistories, LoggedKey } from "../core/keys/index.js";
import { foldPeerKeyHistory } from "../core/federation/index.js";
import { PARTY_EXT } from "../core/record/index.js";
import { buildPartyRelations, type PartyRelations, type PartyRelationsData } from "../core/tlp/index.js";
import type { PartyKeyRow, PartyRow, Store } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import { KeyLedger } from "./key-ledger.js";
import type { PartyKeyFiles } from "./party-key-files.js";
import { hashToken, looksLikeToken } from "./party-tokens.js";

export interface PartyKeyMaterial {
  readonly keyId: string;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * The parties as the node knows them: identities, their logged keys (the key ledger; the store's
 * party_key rows are a cache of it), API tokens (hashes only), the relations TLP needs, and the private
 * keys the node holds for custodial parties. Everything here reads; changes to parties are the
 * PartyRegistrar's, which logs each through the admission (which reads parties through this).
 */
export class PartyDirectory {
  readonly #custodialKeys = new Map<string, PartyKeyMaterial>();
  /** The logged key history; the store's party_key rows are a cache of it. */
  readonly ledger: KeyLedger;
  /** Pinned peers' key histories, folded once per peer update. */
  readonly #peerHistories = new Map<string, { updatedAt: string; histories: KeyHistories }>();

  constructor(
    private readonly store: Store,
    private readonly keyFiles: PartyKeyFiles,
  ) {
    this.ledger = new KeyLedger(store);
  }

  /**
   * The ledger up to date; when this refresh applied key changes (a rotation posted over the API, say),
   * the party_key cache follows at once, so it never disagrees with the log for `log audit` to report.
   */
  async #current(): Promise<KeyHistories | undefined> {
    const changes = await this.ledger.refresh();
    const h = this.ledger.known;
    if (changes.some((c) => c.change === "rotation" || c.change === "reset")) await this.#syncKeyCache(h);
    return h;
  }

  /**
   * The admission's after-append hook: a logged key event refreshes the histories (and the stored keys'
   * cache) at once. Best effort: a failure here leaves the next read to refresh them.
   */
  async afterAppend(kinds: readonly string[]): Promise<void> {
    if (kinds.includes("key-event")) await this.histories().catch(() => undefined);
  }

  /** The key histories as logged, up to date with the store (undefined before the node's party exists). */
  async histories(): Promise<KeyHistories | undefined> {
    const h = await this.ledger.current();
    await this.#syncKeyCache(h);
    return h;
  }

  /** How many parties have no registration in the log. */
  async unregistered(): Promise<number> {
    const h = await this.ledger.current();
    return (await this.store.listParties()).filter((p) => !h?.get(p.id)).length;
  }

  /** Brings the party_key rows (a cache) up to the logged history: adds logged keys they lack. */
  async #syncKeyCache(h: KeyHistories | undefined): Promise<void> {
    if (!h) return;
    for (const party of h.all()) {
      const active = party.keys.find((k) => k.retired === undefined);
      if (!active) continue;
      const rows = await this.store.partyKeys(party.id);
      if (rows.length === 0 || rows.some((r) => r.keyId === active.keyId)) continue;
      try {
        await this.store.rotatePartyKey({ partyId: party.id, keyId: active.keyId, publicKey: active.publicKey, createdAt: active.sinceAt });
      } catch {
        // Another process added it first.
      }
    }
  }

  async authenticate(token: string): Promise<PartyRow | undefined> {
    if (!looksLikeToken(token)) return undefined;
    return this.store.partyForToken(hashToken(token));
  }

  async get(idOrSlug: string): Promise<PartyRow | undefined> {
    return this.store.getParty(idOrSlug);
  }

  async require(idOrSlug: string): Promise<PartyRow> {
    const p = await this.store.getParty(idOrSlug);
    if (!p) throw new ExchangeError("PARTY_NOT_FOUND", `no party ${idOrSlug}`);
    return p;
  }

  /**
   * The party's keys as its logged history has them (what admission verifies against), or none when
   * it is not registered in the log. The store's rows are only a cache of this.
   */
  async keys(partyId: string): Promise<PartyKeyRow[]> {
    const history = (await this.#current())?.get(partyId);
    if (!history) return this.#peerKeys(partyId);
    return (history?.keys ?? []).map((k) => keyRow(partyId, k));
  }

  /**
   * The keys of a party hosted on a peer node, from the peer's pinned key history (`tocsin peer add`),
   * none marked retired: which key was active at the record's position in its origin log is the
   * federation receiver's check, and the bundle audit's. Only the receiver admits such parties' records.
   */
  async #peerKeys(partyId: string): Promise<PartyKeyRow[]> {
    const origin = await this.store.peerOfParty(partyId);
    const peer = origin === undefined ? undefined : await this.store.peer(origin);
    if (!peer) return [];
    let cached = this.#peerHistories.get(peer.origin);
    if (!cached || cached.updatedAt !== peer.updatedAt) {
      cached = { updatedAt: peer.updatedAt, histories: foldPeerKeyHistory(peer.nodeParty, JSON.parse(peer.keyHistory) as unknown[]) };
      this.#peerHistories.set(peer.origin, cached);
    }
    return (cached.histories.get(partyId)?.keys ?? []).map((k) => ({ partyId, keyId: k.keyId, publicKey: k.publicKey, createdAt: k.sinceAt }));
  }

  /** The private key the node holds for a custodial party's active key. */
  async custodialKey(partyId: string): Promise<PartyKeyMaterial> {
    const party = await this.require(partyId);
    // The logged history decides which key is active; before the party's registration is logged (the
    // node signing its own), the cache row.
    const logged = (await this.keys(party.id)).find((k) => k.retiredAt === undefined);
    const active = logged ?? (await this.store.partyKeys(party.id)).find((k) => k.retiredAt === undefined);
    // Key files are written once per key id and never change: parsed once, not per record signed.
    const known = active && this.#custodialKeys.get(`${party.id} ${active.keyId}`);
    if (party.custodial && known) return known;
    const seed = party.custodial && active ? this.keyFiles.read(party.slug, active.keyId) : undefined;
    if (!active || !seed) {
      throw new ExchangeError("PARTY_NOT_CUSTODIAL", `the node holds no signing key for ${party.slug}`);
    }
    const material = { keyId: active.keyId, seed, publicKey: ed25519PublicKey(seed) };
    this.#custodialKeys.set(`${party.id} ${active.keyId}`, material);
    return material;
  }

  /** The relations TLP decides with, from the registry. */
  async relations(): Promise<PartyRelations> {
    const organisations: Record<string, string> = {};
    const clients: Record<string, string[]> = {};
    const communities: Record<string, string[]> = {};
    for (const p of await this.store.listParties()) if (p.organisationId) organisations[p.id] = p.organisationId;
    for (const r of await this.store.listPartyRelations()) {
      if (r.kind === "client-of") (clients[r.target] ??= []).push(r.partyId);
      else (communities[r.target] ??= []).push(r.partyId);
    }
    const data: PartyRelationsData = { organisations, clients, communities };
    return buildPartyRelations(data);
  }

  /** The party as a STIX identity, with its keys in Tocsin's party extension. */
  async identity(idOrSlug: string): Promise<Record<string, unknown>> {
    const p = await this.require(idOrSlug);
    const logged = await this.keys(p.id);
    const keys = logged.length > 0 ? logged : await this.store.partyKeys(p.id);
    return {
      type: "identity",
      spec_version: "2.1",
      id: p.id,
      created: p.createdAt,
      modified: keys.reduce((m, k) => (k.createdAt > m ? k.createdAt : m), p.createdAt),
      name: p.name,
      identity_class: "organization",
      extensions: {
        [PARTY_EXT]: {
          extension_type: "property-extension",
          slug: p.slug,
          custodial: p.custodial,
          ...(p.organisationId ? { organisation_ref: p.organisationId } : {}),
          keys: keys.map((k) => ({
            key_id: k.keyId,
            algorithm: "ed25519",
            public_key: toBase64(k.publicKey),
            valid_from: k.createdAt,
            ...(k.retiredAt ? { valid_until: k.retiredAt } : {}),
          })),
        },
      },
    };
  }
}

function keyRow(partyId: string, k: LoggedKey): PartyKeyRow {
  return { partyId, keyId: k.keyId, publicKey: k.publicKey, createdAt: k.sinceAt, ...(k.retired ? { retiredAt: k.retired.at } : {}) };
}
