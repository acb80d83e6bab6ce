import { randomBytes, randomUUID } from "node:crypto";
import { partyKeyPem, readPartyKey } from "../client/party-key.js";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rfc3339, type Clock } from "../core/clock.js";
import { fromBase64, sha256, toBase64, toHex } from "../core/crypto/index.js";
import { ed25519PublicKey, generateEd25519 } from "../core/crypto/ed25519.js";
import { KEY_EVENT_EXT, KEY_EVENT_TYPE, keyIdOf, signRecord, type StixObject } from "../core/record/index.js";
import { isKeyRecord, tokenIdOf, type KeyHistories, type LoggedKey } from "../core/keys/index.js";
import { KeyLedger, NODE_PARTY_SLUG } from "./key-ledger.js";
import { tlpMarkingId } from "../core/tlp/markings.js";
import { buildPartyRelations, type PartyRelations, type PartyRelationsData } from "../core/tlp/index.js";
import type { PartyKeyRow, PartyRow, Store } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";
import { PARTY_EXT } from "../core/record/index.js";

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** Tokens are 32 random bytes; the prefix makes a leaked one easy to spot in logs and scanners. */
const TOKEN_PREFIX = "tocsin_";

export interface CreatePartyInput {
  readonly slug: string;
  readonly name: string;
  /** The node keeps the private key and signs for the party. */
  readonly custodial?: boolean;
  /** The party brings its own public key (32 bytes); otherwise the node generates a key pair. */
  readonly publicKey?: Uint8Array;
  /** Slug or id of the organisation this party is a unit of. */
  readonly organisation?: string;
  /** Slugs or ids of organisations this party is a client of (TLP:AMBER reaches clients). */
  readonly clientOf?: readonly string[];
  /** Communities the party belongs to (TLP:GREEN reaches them). */
  readonly communities?: readonly string[];
}

export interface CreatedParty {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly custodial: boolean;
  /** The API token, shown once: only its hash is stored. */
  readonly token: string;
  /** The token's public id (a short hash of its hash), as logged; `party revoke-token` takes it. */
  readonly tokenId: string;
  readonly keyId: string;
  readonly publicKey: string;
  /** Where the private key is, when the node generated it (custodial: the node keeps it there). */
  readonly keyFile?: string;
}

/** How a key change is authorised (`rotateKey`). */
export interface KeyChangeInput {
  /** The new public key; without it the node generates the pair and writes the private key to a file. */
  readonly publicKey?: Uint8Array | undefined;
  /** A self-signing party's current private key (seed): the change is signed by the party. */
  readonly signedBy?: Uint8Array | undefined;
  /** The operator replaces the key without the party: logged as a key reset, which every audit shows. */
  readonly reset?: boolean | undefined;
}

/** Admits records as a party (the node's admission); set by the composition root. */
export type RecordAdmitter = (poster: PartyRow, records: readonly StixObject[]) => Promise<unknown>;

export interface PartyKeyMaterial {
  readonly keyId: string;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * The registry of parties: identities, signing keys (with rotation), API tokens (hashes only), and the
 * relations TLP needs. Private keys the node generates are written as PKCS#8 PEM files (mode 0600)
 * under `<data>/keys/`: a custodial party's stays there for the node to sign with; a self-signing
 * party's is handed over and should be removed from the node.
 */
export class PartyService {
  readonly #custodialKeys = new Map<string, PartyKeyMaterial>();
  /** The logged key history; the store's party_key rows are a cache of it. */
  readonly ledger: KeyLedger;
  #admit: RecordAdmitter | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keyDir: string,
  ) {
    this.ledger = new KeyLedger(store);
  }

  /**
   * Connects the registry to the log: from now on registrations, key changes and token events are
   * admitted as records (the admission needs the node's party first, hence a setter, not a constructor argument).
   */
  useAdmission(admit: RecordAdmitter): void {
    this.#admit = admit;
  }

  /**
   * The ledger up to date; when this refresh applied key changes (a rotation posted over the API, say),
   * the party_key cache follows at once, so it never disagrees with the log for `log audit` to report.
   */
  async #current(): Promise<KeyHistories | undefined> {
    const changes = await this.ledger.refresh();
    const h = await this.ledger.current();
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

  async create(input: CreatePartyInput): Promise<CreatedParty> {
    if (!SLUG.test(input.slug)) throw new ExchangeError("PARTY_SLUG_INVALID", "slug must be 2–63 characters of a-z, 0-9 and -");
    if (input.name.trim() === "") throw new ExchangeError("PARTY_SLUG_INVALID", "name must not be empty");
    const custodial = input.custodial ?? false;
    const organisation = input.organisation === undefined ? undefined : await this.require(input.organisation);
    const clientOf = await Promise.all((input.clientOf ?? []).map((s) => this.require(s)));
    const now = rfc3339(this.clock.now());
    let publicKey = input.publicKey;
    let seed: Uint8Array | undefined;
    if (publicKey === undefined) ({ seed, publicKey } = generateEd25519());
    else if (custodial) throw new ExchangeError("PARTY_KEY_INVALID", "a custodial party's key is generated by the node");
    if (publicKey.length !== 32) throw new ExchangeError("PARTY_KEY_INVALID", "an Ed25519 public key is 32 bytes");
    const keyId = keyIdOf(publicKey);
    const party: PartyRow = {
      id: `identity--${randomUUID()}`,
      slug: input.slug,
      name: input.name,
      custodial,
      organisationId: organisation?.id,
      createdAt: now,
    };
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    await this.store.insertParty(party, { partyId: party.id, keyId, publicKey, createdAt: now }, hashToken(token));
    for (const org of clientOf) await this.store.addPartyRelation({ kind: "client-of", partyId: party.id, target: org.id });
    for (const c of input.communities ?? []) await this.store.addPartyRelation({ kind: "community", partyId: party.id, target: c });
    const keyFile = seed ? this.#writeKey(party.slug, keyId, seed) : undefined;
    // Logged once the rows exist: a party whose registration failed to log has no logged key, so
    // nothing it signs is admitted until `ensureRegistered` (every node start) logs it.
    if (this.#admit) {
      await this.ensureRegistered(party.id);
      await this.#logTokenEvent(party, "token-issued", hashToken(token));
    }
    return { id: party.id, slug: party.slug, name: party.name, custodial, token, tokenId: tokenIdOf(hashToken(token)), keyId, publicKey: toBase64(publicKey), ...(keyFile ? { keyFile } : {}) };
  }

  /** How many parties have no registration in the log. */
  async unregistered(): Promise<number> {
    const h = await this.ledger.current();
    return (await this.store.listParties()).filter((p) => !h?.get(p.id)).length;
  }

  /**
   * Logs the registration of every party (or of `only`) the log does not yet hold, node first: its
   * STIX identity with its active key, signed by the node's own party. Deterministic (the party's and
   * key's creation times), so processes racing to register one party log it once (admission dedups by
   * digest). The registration is the operator's word on which key is the party's.
   */
  async ensureRegistered(only?: string): Promise<number> {
    const admit = this.#requireAdmission();
    const node = await this.require(NODE_PARTY_SLUG);
    let logged = 0;
    const wanted = only === undefined ? await this.store.listParties() : [await this.require(only)];
    const pending = [node, ...wanted.filter((p) => p.id !== node.id)];
    // Organisations before their units: a registration may only name a registered organisation.
    for (let progress = true; pending.length > 0 && progress; ) {
      progress = false;
      for (const p of [...pending]) {
        const h = await this.ledger.current();
        if (p.organisationId && p.id !== node.id && !h?.get(p.organisationId) && pending.some((q) => q.id === p.organisationId)) continue;
        pending.splice(pending.indexOf(p), 1);
        progress = true;
        if (h?.get(p.id)) continue;
        const active = (await this.store.partyKeys(p.id)).find((k) => k.retiredAt === undefined);
        if (!active) continue;
        try {
          await admit(node, [registrationRecord(p, node.id, active)]);
          logged++;
        } catch (e) {
          // Another process logged it first: then the ledger has it now.
          if (!(await this.ledger.current())?.get(p.id)) throw e;
        }
      }
    }
    return logged;
  }

  /**
   * A new signing key; the previous ones are retired (what they signed stays valid). Logged as a key
   * event: a custodial party's rotation is signed by the node with the party's current key (marked
   * custodial); a self-signing party's by the party (`signedBy`, its current private key); without
   * the party's signature only as an operator reset (`reset`), which every audit names.
   */
  async rotateKey(idOrSlug: string, input: KeyChangeInput = {}): Promise<{ keyId: string; keyFile?: string; change: "rotation" | "reset"; index: number }> {
    const admit = this.#requireAdmission();
    const party = await this.require(idOrSlug);
    const node = await this.require(NODE_PARTY_SLUG);
    if (!party.custodial && input.signedBy === undefined && !input.reset) {
      throw new ExchangeError("PARTY_KEY_CHANGE_UNSIGNED", `${party.slug} signs for itself: sign the change with its current key (--signed-by), or reset it as the operator (--reset, logged as such)`);
    }
    let publicKey = input.publicKey;
    let seed: Uint8Array | undefined;
    if (publicKey === undefined) ({ seed, publicKey } = generateEd25519());
    else if (party.custodial) throw new ExchangeError("PARTY_KEY_INVALID", "a custodial party's key is generated by the node");
    const keyId = keyIdOf(publicKey);
    const now = rfc3339(this.clock.now());
    const change = input.reset ? "reset" : "rotation";
    const event: StixObject = {
      ...keyEventBase(now, input.reset ? node.id : party.id),
      party_ref: party.id,
      change,
      key_id: keyId,
      public_key: toBase64(publicKey),
    };
    // A custodial party's new key file exists before the change is logged: the node must be able to sign with it at once.
    const keyFile = seed ? this.#writeKey(party.slug, keyId, seed) : undefined;
    let record = event;
    if (input.signedBy !== undefined && !input.reset) {
      const signer = ed25519PublicKey(input.signedBy);
      record = signRecord(event, { signerRef: party.id, seed: input.signedBy, publicKey: signer });
    }
    const admitted = (await admit(input.reset ? node : party, [record])) as { index: number }[];
    await this.histories(); // brings the party_key cache up to date
    return { keyId, change, index: admitted[0]!.index, ...(keyFile ? { keyFile } : {}) };
  }

  /** A new API token for a party (tokens are only ever stored hashed); its issue is logged by its id. */
  async issueToken(idOrSlug: string): Promise<{ token: string; tokenId: string }> {
    this.#requireAdmission();
    const party = await this.require(idOrSlug);
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    await this.store.addPartyToken(party.id, hashToken(token), rfc3339(this.clock.now()));
    await this.#logTokenEvent(party, "token-issued", hashToken(token));
    return { token, tokenId: tokenIdOf(hashToken(token)) };
  }

  /** Revokes a party's token by its id: refused by authentication at once, then the revocation is logged. */
  async revokeToken(idOrSlug: string, tokenId: string): Promise<{ tokenId: string; index: number }> {
    this.#requireAdmission();
    const party = await this.require(idOrSlug);
    const row = (await this.store.partyTokens(party.id)).find((t) => t.revokedAt === undefined && tokenIdOf(t.tokenHash) === tokenId);
    if (!row || !(await this.store.revokePartyToken(party.id, row.tokenHash, rfc3339(this.clock.now())))) {
      throw new ExchangeError("PARTY_TOKEN_NOT_FOUND", `${party.slug} has no live token ${tokenId}`);
    }
    const index = await this.#logTokenEvent(party, "token-revoked", row.tokenHash);
    return { tokenId, index };
  }

  async #logTokenEvent(party: PartyRow, change: "token-issued" | "token-revoked", tokenHash: Uint8Array): Promise<number> {
    const node = await this.require(NODE_PARTY_SLUG);
    const event = { ...keyEventBase(rfc3339(this.clock.now()), node.id), party_ref: party.id, change, token_id: tokenIdOf(tokenHash) };
    const admitted = (await this.#requireAdmission()(node, [event])) as { index: number }[];
    return admitted[0]!.index;
  }

  /**
   * Admission's rule for key records however they arrive (registrations, rotations, resets, token
   * events): they must fit the logged history — signed by whom their kind requires, with a key active
   * now. Other records pass.
   */
  async checkKeyRecord(obj: StixObject): Promise<void> {
    if (!isKeyRecord(obj)) return;
    const h = await this.ledger.current();
    if (!h) {
      // The node's own registration comes first of all.
      throw new ExchangeError("PARTY_NOT_FOUND", "the node's own party is not registered yet");
    }
    h.check({ index: Number.MAX_SAFE_INTEGER, loggedAt: rfc3339(this.clock.now()), record: obj });
  }

  #requireAdmission(): RecordAdmitter {
    if (!this.#admit) throw new Error("party changes are logged: this PartyService is not connected to the log");
    return this.#admit;
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
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
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
    return (history?.keys ?? []).map((k) => keyRow(partyId, k));
  }

  /** The private key the node holds for a custodial party's active key. */
  async custodialKey(partyId: string): Promise<PartyKeyMaterial> {
    const party = await this.require(partyId);
    // The logged history decides which key is active; before the party's registration is logged (the
    // node signing its own), the cache row.
    const logged = (await this.keys(party.id)).find((k) => k.retiredAt === undefined);
    const active = logged ?? (await this.store.partyKeys(party.id)).find((k) => k.retiredAt === undefined);
    const file = active && this.#keyPath(party.slug, active.keyId);
    // Key files are written once per key id and never change: parsed once, not per record signed.
    const known = active && this.#custodialKeys.get(`${party.id} ${active.keyId}`);
    if (party.custodial && known) return known;
    if (!party.custodial || !active || !file || !existsSync(file)) {
      throw new ExchangeError("PARTY_NOT_CUSTODIAL", `the node holds no signing key for ${party.slug}`);
    }
    const seed = readSeed(file);
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

  #keyPath(slug: string, keyId: string): string {
    return join(this.keyDir, `${slug}-${keyId.slice(0, 8)}.pem`);
  }

  #writeKey(slug: string, keyId: string, seed: Uint8Array): string {
    mkdirSync(this.keyDir, { recursive: true, mode: 0o700 });
    const path = this.#keyPath(slug, keyId);
    const pem = partyKeyPem(seed);
    writeFileSync(path, pem, { mode: 0o600, flag: "wx" });
    chmodSync(path, 0o600);
    return path;
  }
}

/** The seed of an Ed25519 PKCS#8 PEM key file (as written by the node, `tocsin key generate` or `openssl genpkey -algorithm ed25519`). */
export function readSeed(path: string): Uint8Array {
  return readPartyKey(path).seed;
}

function keyRow(partyId: string, k: LoggedKey): PartyKeyRow {
  return { partyId, keyId: k.keyId, publicKey: k.publicKey, createdAt: k.sinceAt, ...(k.retired ? { retiredAt: k.retired.at } : {}) };
}

/** The common members of a key event (the author signs or, custodial, the node signs for it). */
function keyEventBase(now: string, author: string): StixObject {
  return {
    type: KEY_EVENT_TYPE,
    spec_version: "2.1",
    id: `${KEY_EVENT_TYPE}--${randomUUID()}`,
    created: now,
    modified: now,
    created_by_ref: author,
    object_marking_refs: [tlpMarkingId("CLEAR")],
    extensions: { [KEY_EVENT_EXT]: { extension_type: "new-sdo" } },
  };
}

/**
 * A party's registration: its STIX identity with the party extension and its one active key, by the
 * node's party. Built only from the stored rows' values and times, so it is the same bytes every time.
 */
export function registrationRecord(p: PartyRow, nodeId: string, key: PartyKeyRow): StixObject {
  const created = stixTime(p.createdAt);
  return {
    type: "identity",
    spec_version: "2.1",
    id: p.id,
    created,
    modified: created,
    created_by_ref: nodeId,
    name: p.name,
    identity_class: "organization",
    // Key transparency is public: anyone may replay a party's keys.
    object_marking_refs: [tlpMarkingId("CLEAR")],
    extensions: {
      [PARTY_EXT]: {
        extension_type: "property-extension",
        slug: p.slug,
        custodial: p.custodial,
        ...(p.organisationId ? { organisation_ref: p.organisationId } : {}),
        keys: [{ key_id: key.keyId, algorithm: "ed25519", public_key: toBase64(key.publicKey), valid_from: key.createdAt }],
      },
    },
  };
}

/** STIX created/modified need millisecond precision. */
function stixTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

function hashToken(token: string): Uint8Array {
  return sha256(new TextEncoder().encode(token));
}

/** Parses a public key given as base64 or hex (32 bytes). */
export function parsePublicKey(s: string): Uint8Array {
  const k = /^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, "hex") : fromBase64(s);
  if (!k || k.length !== 32) throw new ExchangeError("PARTY_KEY_INVALID", "a public key is 32 bytes, in base64 or hex");
  return new Uint8Array(k);
}


