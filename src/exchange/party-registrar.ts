import { randomUUID } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import { fromBase64, toBase64 } from "../core/crypto/index.js";
import { ed25519PublicKey, generateEd25519 } from "../core/crypto/ed25519.js";
import { tokenIdOf } from "../core/keys/index.js";
import { KEY_EVENT_EXT, KEY_EVENT_TYPE, PARTY_EXT, keyIdOf, signRecord, type StixObject } from "../core/record/index.js";
import { tlpMarkingId } from "../core/tlp/markings.js";
import type { PartyKeyRow, PartyRow, Store } from "../store/store.js";
import type { Admission } from "./admission.js";
import { ExchangeError } from "./exchange-errors.js";
import { storeNewParty, type CreatePartyInput, type CreatedParty } from "./new-party.js";
import type { PartyDirectory } from "./party-directory.js";
import type { PartyKeyFiles } from "./party-key-files.js";
import { hashToken, newToken } from "./party-tokens.js";

/** How a key change is authorised (`rotateKey`). */
export interface KeyChangeInput {
  /** The new public key; without it the node generates the pair and writes the private key to a file. */
  readonly publicKey?: Uint8Array | undefined;
  /** A self-signing party's current private key (seed): the change is signed by the party. */
  readonly signedBy?: Uint8Array | undefined;
  /** The operator replaces the key without the party: logged as a key reset, which every audit shows. */
  readonly reset?: boolean | undefined;
}

export interface PartyRegistrarDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly parties: PartyDirectory;
  readonly keyFiles: PartyKeyFiles;
  /** Every change is a logged record, admitted like any other. */
  readonly admission: Pick<Admission, "admit">;
  /** The node's own party: it signs registrations, resets and token events. */
  readonly node: PartyRow;
}

/**
 * The changes to parties, each logged as a record through the admission (key transparency): a party's
 * registration, key rotations and resets, API tokens issued and revoked. The store's rows follow (or,
 * for a token, come first: a revoked token is refused at once, then its revocation is logged).
 */
export class PartyRegistrar {
  constructor(private readonly d: PartyRegistrarDeps) {}

  /** Registers a party: its rows and key, then its registration and its first token's issue, logged. */
  async create(input: CreatePartyInput): Promise<CreatedParty> {
    const created = await storeNewParty(this.d, input);
    // Logged once the rows exist: a party whose registration failed to log has no logged key, so
    // nothing it signs is admitted until `ensureRegistered` (every node start) logs it.
    await this.ensureRegistered(created.id);
    await this.#logTokenEvent(created.id, "token-issued", hashToken(created.token));
    return created;
  }

  /**
   * Logs the registration of every party (or of `only`) the log does not yet hold, node first: its
   * STIX identity with its active key, signed by the node's own party. Deterministic (the party's and
   * key's creation times), so processes racing to register one party log it once (admission dedups by
   * digest). The registration is the operator's word on which key is the party's.
   */
  async ensureRegistered(only?: string): Promise<number> {
    const { node, parties, store } = this.d;
    let logged = 0;
    const wanted = only === undefined ? await store.listParties() : [await parties.require(only)];
    const pending = [node, ...wanted.filter((p) => p.id !== node.id)];
    // Organisations before their units: a registration may only name a registered organisation.
    for (let progress = true; pending.length > 0 && progress; ) {
      progress = false;
      for (const p of [...pending]) {
        const h = await parties.ledger.current();
        if (p.organisationId && p.id !== node.id && !h?.get(p.organisationId) && pending.some((q) => q.id === p.organisationId)) continue;
        pending.splice(pending.indexOf(p), 1);
        progress = true;
        if (h?.get(p.id)) continue;
        const active = (await store.partyKeys(p.id)).find((k) => k.retiredAt === undefined);
        if (!active) continue;
        try {
          await this.d.admission.admit(node, [registrationRecord(p, node.id, active)]);
          logged++;
        } catch (e) {
          // Another process logged it first: then the ledger has it now.
          if (!(await parties.ledger.current())?.get(p.id)) throw e;
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
    const party = await this.d.parties.require(idOrSlug);
    const node = this.d.node;
    if (!party.custodial && input.signedBy === undefined && !input.reset) {
      throw new ExchangeError("PARTY_KEY_CHANGE_UNSIGNED", `${party.slug} signs for itself: sign the change with its current key (--signed-by), or reset it as the operator (--reset, logged as such)`);
    }
    let publicKey = input.publicKey;
    let seed: Uint8Array | undefined;
    if (publicKey === undefined) ({ seed, publicKey } = generateEd25519());
    else if (party.custodial) throw new ExchangeError("PARTY_KEY_INVALID", "a custodial party's key is generated by the node");
    const keyId = keyIdOf(publicKey);
    const now = rfc3339(this.d.clock.now());
    const change = input.reset ? "reset" : "rotation";
    const event: StixObject = {
      ...keyEventBase(now, input.reset ? node.id : party.id),
      party_ref: party.id,
      change,
      key_id: keyId,
      public_key: toBase64(publicKey),
    };
    // A custodial party's new key file exists before the change is logged: the node must be able to sign with it at once.
    const keyFile = seed ? this.d.keyFiles.write(party.slug, keyId, seed) : undefined;
    let record = event;
    if (input.signedBy !== undefined && !input.reset) {
      const signer = ed25519PublicKey(input.signedBy);
      record = signRecord(event, { signerRef: party.id, seed: input.signedBy, publicKey: signer });
    }
    const admitted = await this.d.admission.admit(input.reset ? node : party, [record]);
    await this.d.parties.histories(); // brings the party_key cache up to date
    return { keyId, change, index: admitted[0]!.index, ...(keyFile ? { keyFile } : {}) };
  }

  /** A new API token for a party (tokens are only ever stored hashed); its issue is logged by its id. */
  async issueToken(idOrSlug: string): Promise<{ token: string; tokenId: string }> {
    const party = await this.d.parties.require(idOrSlug);
    const token = newToken();
    await this.d.store.addPartyToken(party.id, hashToken(token), rfc3339(this.d.clock.now()));
    await this.#logTokenEvent(party.id, "token-issued", hashToken(token));
    return { token, tokenId: tokenIdOf(hashToken(token)) };
  }

  /** Revokes a party's token by its id: refused by authentication at once, then the revocation is logged. */
  async revokeToken(idOrSlug: string, tokenId: string): Promise<{ tokenId: string; index: number }> {
    const party = await this.d.parties.require(idOrSlug);
    const row = (await this.d.store.partyTokens(party.id)).find((t) => t.revokedAt === undefined && tokenIdOf(t.tokenHash) === tokenId);
    if (!row || !(await this.d.store.revokePartyToken(party.id, row.tokenHash, rfc3339(this.d.clock.now())))) {
      throw new ExchangeError("PARTY_TOKEN_NOT_FOUND", `${party.slug} has no live token ${tokenId}`);
    }
    const index = await this.#logTokenEvent(party.id, "token-revoked", row.tokenHash);
    return { tokenId, index };
  }

  async #logTokenEvent(partyId: string, change: "token-issued" | "token-revoked", tokenHash: Uint8Array): Promise<number> {
    const node = this.d.node;
    const event = { ...keyEventBase(rfc3339(this.d.clock.now()), node.id), party_ref: partyId, change, token_id: tokenIdOf(tokenHash) };
    const admitted = await this.d.admission.admit(node, [event]);
    return admitted[0]!.index;
  }
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
function registrationRecord(p: PartyRow, nodeId: string, key: PartyKeyRow): StixObject {
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

/** Parses a public key given as base64 or hex (32 bytes). */
export function parsePublicKey(s: string): Uint8Array {
  const k = /^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, "hex") : fromBase64(s);
  if (!k || k.length !== 32) throw new ExchangeError("PARTY_KEY_INVALID", "a public key is 32 bytes, in base64 or hex");
  return new Uint8Array(k);
}
