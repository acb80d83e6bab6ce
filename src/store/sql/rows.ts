import type { LeaseState } from "../lease-rule.js";
import type { Lease, PartyKeyRow, PartyRelationRow, PartyRow, PartyTokenRow, StoredCheckpoint, StoredNotice, WebhookDeliveryRow, WebhookRow, StoredCosignature, StoredRecord, RecordBody, RecordHead, StoredTombstone, TaxiiStatusRow, WitnessedLogRow, WitnessAlarmRow, PeerRow, OutboxRow, DeliveryState, ForeignRecordRow } from "../store.js";

/** A row as either driver returns it: column name → value. */
export type Row = Record<string, unknown>;

/** A flag column: SQLite returns 0/1, PostgreSQL a boolean. */
const flag = (v: unknown): boolean => v === true || v === 1;
const bytes = (v: unknown): Uint8Array => v as Uint8Array;
const optional = (v: unknown): string | undefined => (v as string | null) ?? undefined;

export function toParty(r: Row): PartyRow {
  return {
    id: r.id as string,
    slug: r.slug as string,
    name: r.name as string,
    custodial: flag(r.custodial),
    organisationId: optional(r.organisation_id),
    createdAt: r.created_at as string,
  };
}

export function toPartyKey(r: Row): PartyKeyRow {
  return { partyId: r.party_id as string, keyId: r.key_id as string, publicKey: bytes(r.public_key), createdAt: r.created_at as string, retiredAt: optional(r.retired_at) };
}

export function toPartyToken(r: Row): PartyTokenRow {
  return { tokenHash: bytes(r.token_hash), createdAt: r.created_at as string, revokedAt: optional(r.revoked_at) };
}

export function toPartyRelation(r: Row): PartyRelationRow {
  return { kind: r.kind as PartyRelationRow["kind"], partyId: r.party_id as string, target: r.target as string };
}

export function toRecord(r: Row): StoredRecord {
  return {
    digest: bytes(r.digest),
    id: r.id as string,
    modified: r.modified as string,
    type: r.type as string,
    kind: r.kind as string,
    author: r.author as string,
    warningRef: optional(r.warning_ref),
    loggedAt: r.logged_at as string,
    custodial: flag(r.custodial),
    body: r.body as string,
    logIndex: r.log_index as number,
    addedUs: r.added_us as number,
  };
}

/** The record columns the bulk record reads select, in this order (toRecordArray reads them so). */
export const RECORD_COLUMNS = ["digest", "id", "modified", "type", "kind", "author", "warning_ref", "logged_at", "custodial", "body", "log_index", "added_us"] as const;

/** A record row read as an array of RECORD_COLUMNS (no object per row: TAXII pages read thousands). */
export function toRecordArray(a: readonly unknown[]): StoredRecord {
  return {
    digest: bytes(a[0]),
    id: a[1] as string,
    modified: a[2] as string,
    type: a[3] as string,
    kind: a[4] as string,
    author: a[5] as string,
    warningRef: optional(a[6]),
    loggedAt: a[7] as string,
    custodial: flag(a[8]),
    body: a[9] as string,
    logIndex: a[10] as number,
    addedUs: a[11] as number,
  };
}

/** The record columns of a page read ({@link RecordHead}), in this order (toRecordHead reads them so). */
export const RECORD_HEAD_COLUMNS = ["id", "modified", "type", "kind", "author", "warning_ref", "body", "log_index", "added_us"] as const;

export function toRecordHead(a: readonly unknown[]): RecordHead {
  return {
    id: a[0] as string,
    modified: a[1] as string,
    type: a[2] as string,
    kind: a[3] as string,
    author: a[4] as string,
    warningRef: optional(a[5]),
    body: a[6] as string,
    logIndex: a[7] as number,
    addedUs: a[8] as number,
  };
}

/** The record columns of an objects page read ({@link RecordBody}), in this order. */
export const RECORD_BODY_COLUMNS = ["log_index", "added_us", "kind", "author", "warning_ref", "body"] as const;

export function toRecordBody(a: readonly unknown[]): RecordBody {
  return { logIndex: a[0] as number, addedUs: a[1] as number, kind: a[2] as string, author: a[3] as string, warningRef: optional(a[4]), body: a[5] as string };
}

export function toCheckpoint(r: Row): StoredCheckpoint {
  return { size: r.size as number, root: bytes(r.root), note: r.note as string, createdAt: r.created_at as string };
}

export function toTombstone(r: Row): StoredTombstone {
  return { digest: bytes(r.digest), logIndex: r.log_index as number };
}

export function toTaxiiStatus(r: Row): TaxiiStatusRow {
  return { id: r.id as string, owner: r.owner as string, createdAtMs: r.created_ms as number, body: r.body as string };
}

/** The lease columns of the `log_head` row; undefined when nobody holds it. */
export function toLease(head: Row): Lease | undefined {
  if (head.lease_holder === null) return undefined;
  return { holder: head.lease_holder as string, epoch: head.lease_epoch as number, expiresAt: head.lease_expires_at as number };
}

export function toLeaseState(head: Row): LeaseState {
  return { holder: head.lease_holder as string | null, epoch: head.lease_epoch as number, expiresAt: head.lease_expires_at as number };
}

export function toWitnessedLog(r: Row): WitnessedLogRow {
  return { origin: r.origin as string, vkey: r.vkey as string, size: r.size as number, root: bytes(r.root), note: optional(r.note), updatedAt: r.updated_at as string };
}

export function toCosignature(r: Row): StoredCosignature {
  return { size: r.size as number, witness: r.witness as string, line: r.line as string, createdAt: r.created_at as string };
}

export function toPeer(r: Row): PeerRow {
  return {
    origin: r.origin as string,
    url: r.url as string,
    vkey: r.vkey as string,
    nodeParty: r.node_party as string,
    keyHistory: r.key_history as string,
    checkpoint: r.checkpoint as string,
    addedAt: r.added_at as string,
    updatedAt: r.updated_at as string,
  };
}

export function toOutbox(r: Row): OutboxRow {
  return {
    digest: bytes(r.digest),
    peer: r.peer as string,
    recordId: r.record_id as string,
    warningRef: optional(r.warning_ref),
    kind: r.kind as string,
    inbox: r.inbox as string,
    state: r.state as DeliveryState,
    attempts: Number(r.attempts),
    nextAttemptMs: Number(r.next_attempt_ms),
    lastError: optional(r.last_error),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

export function toForeignRecord(r: Row): ForeignRecordRow {
  const hashes = r.hashes as string;
  return {
    digest: bytes(r.digest),
    origin: r.origin as string,
    originIndex: Number(r.origin_index),
    originLeaf: bytes(r.origin_leaf),
    size: Number(r.size),
    hashes: hashes === "" ? [] : hashes.split(","),
    checkpoint: r.checkpoint as string,
    receivedAt: r.received_at as string,
  };
}

export function toNotice(r: Row): StoredNotice {
  return {
    seq: r.seq as number,
    key: r.key as string,
    partyId: r.party_id as string,
    type: r.type as string,
    at: r.at as string,
    warningId: optional(r.warning_id),
    recordId: optional(r.record_id),
    summary: r.summary as string,
  };
}

export function toWebhook(r: Row): WebhookRow {
  return {
    id: r.id as string,
    partyId: r.party_id as string,
    url: r.url as string,
    events: JSON.parse(r.events as string) as string[],
    secret: r.secret as string,
    createdAt: r.created_at as string,
    cursor: r.cursor as string,
  };
}

export function toDelivery(r: Row): WebhookDeliveryRow {
  return {
    id: r.id as string,
    webhookId: r.webhook_id as string,
    eventId: r.event_id as string,
    type: r.type as string,
    payload: r.payload as string,
    state: r.state as WebhookDeliveryRow["state"],
    attempts: r.attempts as number,
    nextMs: r.next_ms as number,
    lastStatus: (r.last_status as number | null) ?? undefined,
    lastError: optional(r.last_error),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

export function toWitnessAlarm(r: Row): WitnessAlarmRow {
  return {
    forkKey: r.fork_key as string,
    origin: r.origin as string,
    recordId: r.record_id as string,
    body: r.body as string,
    logIndex: r.log_index === null || r.log_index === undefined ? undefined : Number(r.log_index),
    detectedAt: r.detected_at as string,
  };
}
