import { OPINIONS, OUTCOMES, ACTION_STATUSES, type Opinion, type Outcome, type ActionStatus } from "../core/lifecycle/index.js";
import type { StixObject } from "../core/record/index.js";
import { TLP_LEVELS, tlpMarkingId, type TlpLevel } from "../core/tlp/index.js";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { ClientError } from "./client-error.js";
import { readPartyKey, type PartyKey } from "./party-key.js";
import {
  buildAction,
  buildAssessment,
  buildReceipt,
  buildResolution,
  buildReveal,
  buildWarning,
  reviseWarning,
  sign,
  type Author,
  type SealedEvidence,
  type WarningChanges,
  type WarningInput,
} from "./record-builders.js";
import { TocsinClient, type SavedBoardVersion, type AdmittedRecord, type PartyIdentity, type Timeline, type WarningRow } from "./tocsin-client.js";

/** A record this party wrote, as posted, and what the node said of it. */
export interface Posted {
  /** The record as logged: signed here, or (custodial) as the node signed it. */
  readonly record: StixObject;
  readonly admitted: AdmittedRecord;
}

/** A warning to issue; recipients by slug or identity id; times in ms (default: now). */
export type NewWarning = Omit<WarningInput, "at" | "recipients" | "arbiters"> & {
  readonly recipients: readonly string[];
  readonly arbiters?: readonly string[];
  readonly at?: number;
};

export interface PartySessionOptions {
  /** The node's base URL. */
  readonly url: string;
  /** The party's API token. */
  readonly token: string;
  /** The party's slug or id. */
  readonly party: string;
  /** The party's private key file (PKCS#8 PEM). Absent: a custodial party, whose records the node signs. */
  readonly keyFile?: string;
  readonly timeoutMs?: number;
}

/**
 * A party at work against a node: builds its records, signs them here with its own key (which never
 * leaves this process) or, for a custodial party, leaves them to the node to sign, and posts them.
 * Opening a session checks the key file against the key the node logged for the party, so a record is
 * never signed with a key the node would refuse.
 */
export class PartySession {
  private constructor(
    readonly client: TocsinClient,
    readonly party: PartyIdentity,
    readonly key: PartyKey | undefined,
  ) {}

  static async open(options: PartySessionOptions): Promise<PartySession> {
    const client = new TocsinClient({ url: options.url, token: options.token, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    const key = options.keyFile === undefined ? undefined : readPartyKey(options.keyFile);
    const party = await client.party(options.party);
    // The token must be this party's: a page of its inbox authenticates it (a bad token is AUTH_INVALID).
    await client.warningPage({ recipient: party.id, limit: 1 });
    checkKey(party, key);
    return new PartySession(client, party, key);
  }

  /** The builders' author: with the key, or without it for a custodial party (the node signs). */
  get author(): Author {
    return this.key ? { id: this.party.id, seed: this.key.seed, publicKey: this.key.publicKey } : { id: this.party.id };
  }

  /** Issues a warning. Sealed evidence (`commitments`) is committed to now and revealed with `reveal`. */
  async warn(w: NewWarning): Promise<Posted> {
    if (!(w.probability >= 0 && w.probability <= 1)) throw new ClientError("CLIENT_INPUT_INVALID", `a probability is between 0 and 1, not ${w.probability}`);
    if (w.tlp !== undefined && !(TLP_LEVELS as readonly string[]).includes(w.tlp)) throw new ClientError("CLIENT_INPUT_INVALID", `TLP is one of ${TLP_LEVELS.join(", ")}`);
    const recipients = await this.#partyIds(w.recipients);
    const arbiters = w.arbiters ? await this.#partyIds(w.arbiters) : undefined;
    return this.#post(buildWarning(this.author, { ...w, at: w.at ?? Date.now(), recipients, ...(arbiters ? { arbiters } : {}) }));
  }

  /** A new version of one of this party's warnings (recipients to add by slug or id). */
  async revise(warningId: string, changes: WarningChanges, at = Date.now()): Promise<Posted> {
    if (changes.probability !== undefined && !(changes.probability >= 0 && changes.probability <= 1)) throw new ClientError("CLIENT_INPUT_INVALID", `a probability is between 0 and 1, not ${changes.probability}`);
    const previous = await this.client.record(warningId);
    // Signed by anyone else, the node would refuse it (the signer is not created_by_ref): say why here.
    if (previous.created_by_ref !== this.party.id) throw new TocsinError("LIFECYCLE_VERSION_WRONG_AUTHOR", `${warningId} is ${String(previous.created_by_ref)}'s warning: only its author revises it`);
    const addRecipients = changes.addRecipients ? await this.#partyIds(changes.addRecipients) : undefined;
    return this.#post(reviseWarning(this.author, previous, at, { ...changes, ...(addRecipients ? { addRecipients } : {}) }));
  }

  /** "We received exactly this version": names the latest version the node holds and its envelope digest. */
  async receipt(warningId: string, at = Date.now()): Promise<Posted> {
    const warning = await this.client.record(warningId);
    return this.#post(buildReceipt(this.author, warning, at, tlpOf(warning)));
  }

  /** This party's opinion of the warning (STIX opinion scale); `disagree` and `strongly-disagree` count as dismissing it. */
  async assess(warningId: string, opinion: Opinion, explanation: string, at = Date.now()): Promise<Posted> {
    if (!(OPINIONS as readonly string[]).includes(opinion)) throw new ClientError("CLIENT_INPUT_INVALID", `an opinion is one of ${OPINIONS.join(", ")}`);
    const warning = await this.client.record(warningId);
    return this.#post(buildAssessment(this.author, warningId, at, opinion, explanation, tlpOf(warning)));
  }

  /** An action taken (or planned, or declined) on the warning. */
  async act(warningId: string, a: { name: string; status: ActionStatus; deadline?: number }, at = Date.now()): Promise<Posted> {
    if (!(ACTION_STATUSES as readonly string[]).includes(a.status)) throw new ClientError("CLIENT_INPUT_INVALID", `an action status is one of ${ACTION_STATUSES.join(", ")}`);
    const warning = await this.client.record(warningId);
    const tlp = tlpOf(warning);
    return this.#post(buildAction(this.author, warningId, at, { ...a, ...(tlp ? { tlp } : {}) }));
  }

  /** What happened: the warning's outcome (`materialized` needs the event's time). */
  async resolve(warningId: string, r: { outcome: Outcome; content: string; eventTime?: number }, at = Date.now()): Promise<Posted> {
    if (!(OUTCOMES as readonly string[]).includes(r.outcome)) throw new ClientError("CLIENT_INPUT_INVALID", `an outcome is one of ${OUTCOMES.join(", ")}`);
    const warning = await this.client.record(warningId);
    const tlp = tlpOf(warning);
    return this.#post(buildResolution(this.author, warningId, at, { ...r, ...(tlp ? { tlp } : {}) }));
  }

  /** Opens sealed evidence the warning committed to. */
  async reveal(warningId: string, sealed: SealedEvidence, at = Date.now()): Promise<Posted> {
    const warning = await this.client.record(warningId);
    return this.#post(buildReveal(this.author, warningId, at, sealed, tlpOf(warning)));
  }

  /** Creates an attribution board; a self-signing party's first version is signed here and posted back. */
  async createBoard(board: Readonly<Record<string, unknown>>): Promise<SavedBoardVersion> {
    return this.#signedBoardVersion(() => this.client.createBoard(board), (unsigned) => unsigned.id);
  }

  /** Edits a board (operations as in the API), saved as the next version, signed here by a self-signing party. */
  async editBoard(board: string, edit: Readonly<Record<string, unknown>>): Promise<SavedBoardVersion> {
    return this.#signedBoardVersion(() => this.client.editBoard(board, edit), () => board);
  }

  /** The node builds a board version; a party that signs its own records gets it back unsigned, signs it and posts it. */
  async #signedBoardVersion(save: () => Promise<SavedBoardVersion>, boardOf: (unsigned: StixObject) => string): Promise<SavedBoardVersion> {
    try {
      return await save();
    } catch (e) {
      const unsigned = (e as TocsinError).details?.unsigned as StixObject | undefined;
      if (!(e instanceof TocsinError) || e.code !== "ACH_SIGNATURE_REQUIRED" || !this.key || !unsigned) throw e;
      return this.client.postBoardVersion(boardOf(unsigned), sign(unsigned, this.author));
    }
  }

  /** The warnings addressed to this party, with its state and next deadline in each. */
  async inbox(): Promise<WarningRow[]> {
    return this.client.inbox(this.party.id);
  }

  /** Where a warning stands: its timeline and (when the caller may list it) each recipient's state. */
  async status(warningId: string): Promise<{ timeline: Timeline; row: WarningRow | undefined }> {
    const timeline = await this.client.timeline(warningId);
    const row = (await this.client.warnings()).find((w) => w.id === warningId);
    return { timeline, row };
  }

  /** Posts a record built by this party (the duty-to-warn builders, src/client/duty-builders.ts). */
  post(record: StixObject): Promise<Posted> {
    return this.#post(record);
  }

  /** Party references by slug or id, as identity ids. */
  partyIds(refs: readonly string[]): Promise<string[]> {
    return this.#partyIds(refs);
  }

  async #post(record: StixObject): Promise<Posted> {
    const [admitted] = await this.client.post(record);
    if (!admitted) throw new ClientError("CLIENT_ANSWER_MALFORMED", "the node admitted nothing");
    return { record: admitted.record ?? record, admitted };
  }

  async #partyIds(refs: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const r of refs) ids.push(r.startsWith("identity--") ? r : (await this.client.party(r)).id);
    return ids;
  }
}

/**
 * A self-signing party must hold its active logged key; a custodial one needs none (the node signs).
 * CLIENT_KEY_MISMATCH otherwise: the node would refuse every record signed with it.
 */
export function checkKey(party: PartyIdentity, key: PartyKey | undefined): void {
  const active = party.keys.filter((k) => k.valid_until === undefined).map((k) => k.key_id);
  if (key === undefined) {
    if (!party.custodial) throw new ClientError("CLIENT_KEY_MISMATCH", `${party.slug} signs its own records: give its private key file`);
    return;
  }
  if (!active.includes(key.keyId)) {
    throw new ClientError("CLIENT_KEY_MISMATCH", `the key file's key ${key.keyId} is not ${party.slug}'s active key (${active.join(", ") || "none"})`, { details: { keyId: key.keyId, active } });
  }
}

/** Responses keep the warning's TLP marking, so they are read by the same audience. */
function tlpOf(warning: StixObject): TlpLevel | undefined {
  const refs = Array.isArray(warning.object_marking_refs) ? (warning.object_marking_refs as string[]) : [];
  return TLP_BY_MARKING.get(refs.find((r) => TLP_BY_MARKING.has(r)) ?? "");
}

const TLP_BY_MARKING = new Map<string, TlpLevel>(TLP_LEVELS.map((l) => [tlpMarkingId(l), l]));
