import { ed25519IsValidPublicKey, fromBase64, sha256, toHex } from "../crypto/index.js";
import type { ErrorCodeOf } from "../errors/error-codes.js";
import { TocsinError } from "../errors/tocsin-error.js";
import {
  PARTY_EXT,
  isPlainObject,
  keyIdOf,
  readSignatureExtension,
  recordKindOf,
  verifyRecordSignature,
} from "../record/index.js";

/*
 * Key transparency (docs/formats.md §2.11): every key a party signs with, and every API token it is
 * given or loses, is a record in the log. A party's history is the fold of its key records in log order:
 *
 *   registration  the party's STIX identity with the party extension and exactly one key, signed by the
 *                 node's own party (the operator's word: it says which key belongs to which party); the
 *                 node registers itself first, signed by the key it registers;
 *   rotation      an x-tocsin-key-event signed by the party itself (or by its organisation) with a key its
 *                 history has active at that point: the party endorses its next key;
 *   reset         an x-tocsin-key-event signed by the node: the operator replaced the key without the
 *                 party. Allowed (keys get lost), but the new key, and every key later endorsed by it,
 *                 rests on the operator's word, and audits say so;
 *   token-issued / token-revoked  an x-tocsin-key-event signed by the node, naming the token by id.
 *
 * Pure: the caller supplies records with their log index and log time; signatures are checked here,
 * against the history itself, so a key record cannot be endorsed by a key the log does not show.
 */

export type KeyHistoryErrorCode = ErrorCodeOf<"keys">;

export class KeyHistoryError extends TocsinError<KeyHistoryErrorCode> {}

export type KeyOrigin = "registration" | "rotation" | "reset";

/** An operator reset a key descends from: the reset itself, or a rotation endorsed by a reset key. */
export interface ResetOrigin {
  /** Log index of the reset record. */
  readonly index: number;
  /** The key the operator set. */
  readonly keyId: string;
}

export interface LoggedKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  /** Log index and log time of the record that introduced the key. */
  readonly since: number;
  readonly sinceAt: string;
  /** The STIX id of the record that introduced it (the registration identity, or the key event). */
  readonly recordId: string;
  readonly origin: KeyOrigin;
  /** The party and key whose signature introduced it. */
  readonly endorsedBy: { readonly party: string; readonly keyId: string };
  /** Set when the key rests on an operator reset (its own, or one up its chain of endorsements). */
  readonly reset: ResetOrigin | undefined;
  /** Log index and time of the record that replaced it; absent while active. */
  retired?: { readonly index: number; readonly at: string };
}

export interface TokenEvent {
  readonly issued?: number;
  readonly revoked?: number;
}

export interface PartyHistory {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly custodial: boolean;
  readonly organisationId: string | undefined;
  /** Log index of the registration record (signed by `registeredBy`, the node's party). */
  readonly registeredAt: number;
  readonly registeredBy: string;
  readonly keys: LoggedKey[];
  readonly tokens: Map<string, TokenEvent>;
}

/** One logged key record: the signed STIX object, where and when the log holds it. */
export interface KeyRecordEntry {
  readonly index: number;
  readonly loggedAt: string;
  readonly record: Record<string, unknown>;
}

/** What a key record did, once applied. */
export type KeyChange =
  | { readonly change: "registration"; readonly party: string; readonly keyId: string }
  | { readonly change: "rotation" | "reset"; readonly party: string; readonly keyId: string; readonly signer: string }
  | { readonly change: "token-issued" | "token-revoked"; readonly party: string; readonly tokenId: string };

/** True for the records a key history is folded from: party registrations and key events. */
export function isKeyRecord(record: unknown): boolean {
  const kind = safeKind(record);
  if (kind === "key-event") return true;
  return kind === "identity" && isPlainObject((record as Record<string, unknown>).extensions) && isPlainObject(((record as Record<string, any>).extensions)[PARTY_EXT]);
}

/** A token's public id: the first 8 bytes of SHA-256 of the token's SHA-256 (the node stores only that hash). */
export function tokenIdOf(tokenHash: Uint8Array): string {
  return toHex(sha256(tokenHash).subarray(0, 8));
}

const invalid = (message: string, details?: Record<string, unknown>): KeyHistoryError =>
  new KeyHistoryError("KEY_CHANGE_INVALID", message, details ? { details } : {});
const unauthorised = (message: string): KeyHistoryError => new KeyHistoryError("KEY_CHANGE_UNAUTHORISED", message);

/** The verdict on one signature: which logged key made it, and whether the log shows it active then. */
export type KeyVerdict =
  | { readonly ok: true; readonly key: LoggedKey }
  | { readonly ok: false; readonly reason: "unregistered" | "unknown-key" | "not-yet" | "retired"; readonly message: string };

/**
 * Every party's key history, folded from key records in log order. `nodeId` is the node's own party:
 * the only signer of registrations, resets and token events.
 */
export class KeyHistories {
  readonly #parties = new Map<string, PartyHistory>();
  #last = -1;

  constructor(readonly nodeId: string) {}

  get(partyId: string): PartyHistory | undefined {
    return this.#parties.get(partyId);
  }

  all(): PartyHistory[] {
    return [...this.#parties.values()];
  }

  /** Index of the last record applied (-1 when none). */
  get lastIndex(): number {
    return this.#last;
  }

  /** The keys a party may sign with now (after every record applied so far). */
  activeKeys(partyId: string): LoggedKey[] {
    return (this.#parties.get(partyId)?.keys ?? []).filter((k) => k.retired === undefined);
  }

  /**
   * Which logged key of `partyId` signed with `keyId` at log position `index`, and whether the history
   * had it active there: introduced before `index`, not retired at or before it.
   */
  keyAt(partyId: string, keyId: string, index: number): KeyVerdict {
    const party = this.#parties.get(partyId);
    if (!party) return { ok: false, reason: "unregistered", message: `${partyId} has no registration in the log` };
    const key = party.keys.find((k) => k.keyId === keyId);
    if (!key) return { ok: false, reason: "unknown-key", message: `key ${keyId} is not in ${party.slug}'s logged key history` };
    if (key.since >= index) return { ok: false, reason: "not-yet", message: `key ${keyId} of ${party.slug} was logged at index ${key.since}, not before index ${index}` };
    if (key.retired && key.retired.index < index) {
      return { ok: false, reason: "retired", message: `key ${keyId} of ${party.slug} was retired at log index ${key.retired.index}, before index ${index}` };
    }
    return { ok: true, key };
  }

  /**
   * Checks a key record against the history and the rules of its kind, without applying it (admission
   * uses this before logging). Throws KEY_CHANGE_UNAUTHORISED or KEY_CHANGE_INVALID.
   */
  check(entry: KeyRecordEntry): KeyChange {
    return this.#fold(entry, false);
  }

  /** Checks a key record (as {@link check}) and applies it; records must come in ascending log order. */
  apply(entry: KeyRecordEntry): KeyChange {
    if (entry.index <= this.#last) throw invalid(`key record at index ${entry.index} is not after index ${this.#last}`);
    const change = this.#fold(entry, true);
    this.#last = entry.index;
    return change;
  }

  #fold(entry: KeyRecordEntry, write: boolean): KeyChange {
    const obj = entry.record as Record<string, any>;
    const kind = safeKind(obj);
    let sig;
    try {
      sig = readSignatureExtension(obj);
    } catch (e) {
      throw invalid(`a key record must be signed: ${(e as Error).message}`);
    }
    if (kind === "identity") return this.#registration(entry, obj, sig.signer_ref, sig.key_id, write);
    if (kind !== "key-event") throw invalid("not a key record");
    const partyId = obj.party_ref as string;
    const party = this.#parties.get(partyId);
    if (!party) throw invalid(`${partyId} is not registered in the log`, { party: partyId });
    const signer = sig.signer_ref;
    const change = obj.change as string;
    if (change === "rotation") {
      if (signer !== partyId && signer !== party.organisationId) {
        throw unauthorised(`a rotation of ${party.slug}'s key must be signed by ${party.slug} or its organisation`);
      }
    } else if (signer !== this.nodeId) {
      throw unauthorised(`a ${change} of ${party.slug} is signed by the node's own party`);
    }
    const signingKey = this.#verify(entry, signer, sig.key_id);
    if (change === "token-issued" || change === "token-revoked") {
      const tokenId = obj.token_id as string;
      if (write) {
        const t = party.tokens.get(tokenId) ?? {};
        party.tokens.set(tokenId, change === "token-issued" ? { ...t, issued: entry.index } : { ...t, revoked: entry.index });
      }
      return { change, party: partyId, tokenId };
    }
    if (change !== "rotation" && change !== "reset") throw invalid(`unknown key change ${String(change)}`);
    const publicKey = publicKeyOf(obj.public_key, obj.key_id);
    if (party.keys.some((k) => k.keyId === obj.key_id)) throw invalid(`key ${obj.key_id} was already ${party.slug}'s: a key is registered once`);
    const reset: ResetOrigin | undefined =
      change === "reset" ? { index: entry.index, keyId: obj.key_id } : signingKey.reset;
    if (write) {
      for (const k of party.keys) if (k.retired === undefined) k.retired = { index: entry.index, at: entry.loggedAt };
      party.keys.push({
        keyId: obj.key_id,
        publicKey,
        since: entry.index,
        sinceAt: entry.loggedAt,
        recordId: obj.id as string,
        origin: change,
        endorsedBy: { party: signer, keyId: signingKey.keyId },
        reset,
      });
    }
    return { change, party: partyId, keyId: obj.key_id, signer };
  }

  #registration(entry: KeyRecordEntry, obj: Record<string, any>, signer: string, keyId: string, write: boolean): KeyChange {
    const partyId = obj.id as string;
    if (signer !== this.nodeId) throw unauthorised("a party is registered by the node's own party");
    if (this.#parties.has(partyId)) throw invalid(`${partyId} is already registered: its keys change by key events`, { party: partyId });
    const ext = obj.extensions[PARTY_EXT] as Record<string, any>;
    const keys = ext.keys as unknown[];
    if (!Array.isArray(keys) || keys.length !== 1 || !isPlainObject(keys[0]) || (keys[0] as Record<string, unknown>).valid_until !== undefined) {
      throw invalid("a registration lists exactly the party's first key, active");
    }
    const first = keys[0] as Record<string, unknown>;
    const publicKey = publicKeyOf(first.public_key, first.key_id);
    let endorsedBy: { party: string; keyId: string };
    if (partyId === this.nodeId) {
      // The node's own registration is the root: signed by the key it registers.
      if (keyId !== first.key_id) throw unauthorised("the node registers itself with the key it signs with");
      try {
        verifyRecordSignature(obj, (s, k) => (s === partyId && k === first.key_id ? publicKey : undefined));
      } catch (e) {
        throw unauthorised(`the node's registration does not verify: ${(e as Error).message}`);
      }
      endorsedBy = { party: partyId, keyId };
    } else {
      endorsedBy = { party: signer, keyId: this.#verify(entry, signer, keyId).keyId };
    }
    const organisationId = typeof ext.organisation_ref === "string" ? (ext.organisation_ref as string) : undefined;
    if (organisationId !== undefined && !this.#parties.has(organisationId)) throw invalid(`organisation ${organisationId} is not registered in the log`);
    if (write) {
      this.#parties.set(partyId, {
        id: partyId,
        slug: String(ext.slug),
        name: String(obj.name),
        custodial: ext.custodial === true,
        organisationId,
        registeredAt: entry.index,
        registeredBy: signer,
        keys: [{ keyId: first.key_id as string, publicKey, since: entry.index, sinceAt: entry.loggedAt, recordId: partyId, origin: "registration", endorsedBy, reset: undefined }],
        tokens: new Map(),
      });
    }
    return { change: "registration", party: partyId, keyId: first.key_id as string };
  }

  /** Verifies a key record's signature with the signer's key active at this point; returns that key. */
  #verify(entry: KeyRecordEntry, signer: string, keyId: string): LoggedKey {
    const verdict = this.keyAt(signer, keyId, entry.index);
    if (!verdict.ok) throw unauthorised(`signed with a key its signer does not hold: ${verdict.message}`);
    try {
      verifyRecordSignature(entry.record, (s, k) => (s === signer && k === keyId ? verdict.key.publicKey : undefined));
    } catch (e) {
      throw unauthorised(`the key record's signature does not verify: ${(e as Error).message}`);
    }
    return verdict.key;
  }
}

function publicKeyOf(b64: unknown, keyId: unknown): Uint8Array {
  const pub = typeof b64 === "string" ? fromBase64(b64) : undefined;
  if (!pub || pub.length !== 32 || keyIdOf(pub) !== keyId) throw invalid("the public key does not match its key id");
  // A small-order key signs nothing anyone can check (see ed25519IsValidPublicKey): refused at the door,
  // so that no party's key history ever lists a key under which its records could be forged or denied.
  if (!ed25519IsValidPublicKey(pub)) throw invalid("the public key is not a valid Ed25519 key (a point of small order or outside the prime-order group)");
  return pub;
}

function safeKind(obj: unknown): string {
  try {
    return recordKindOf(obj);
  } catch {
    return "other";
  }
}

/** "KEY RESET BY THE OPERATOR: …" — the plain words every timeline, audit and report uses. */
export function resetNotice(party: PartyHistory, key: LoggedKey): string {
  const r = key.reset!;
  const direct = r.keyId === key.keyId;
  return (
    `KEY RESET BY THE OPERATOR: ${party.name} (${party.slug})'s key ${r.keyId} was set by the node's operator at log index ${r.index}, ` +
    `without ${party.slug}'s signature; records signed with key ${key.keyId}` +
    (direct ? "" : ` (endorsed through that reset key)`) +
    ` after index ${key.since} rest on the operator's word, not the party's`
  );
}
