import { toHex } from "../core/crypto/index.js";
import type { Reader } from "../core/tlp/index.js";
import type { LogReader } from "../log/log-reader.js";
import type { OutboxRow, Store } from "../store/store.js";
import { federationNodeDocument } from "./federation-discovery.js";
import type { FederationReceiver } from "./federation-receiver.js";
import type { PartyDirectory } from "./party-directory.js";
import type { FederationNodeDocument, PeerDirectory } from "./peer-directory.js";
import type { RecordReader } from "./record-reader.js";

/** One delivery as the API and `tocsin deliveries` show it. */
export interface DeliveryView {
  readonly recordId: string;
  readonly digest: string;
  readonly kind: string;
  readonly warningId: string | undefined;
  /** The peer's origin, and the inbox there. */
  readonly peer: string;
  readonly inbox: string;
  readonly state: OutboxRow["state"];
  readonly attempts: number;
  readonly lastError: string | undefined;
  /** When a queued or failed delivery is tried next (RFC 3339). */
  readonly nextAttempt: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function deliveryView(r: OutboxRow): DeliveryView {
  return {
    recordId: r.recordId,
    digest: toHex(r.digest),
    kind: r.kind,
    warningId: r.warningRef,
    peer: r.peer,
    inbox: r.inbox,
    state: r.state,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttempt: r.state === "queued" || r.state === "failed" ? new Date(r.nextAttemptMs).toISOString() : undefined,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** Federation as the HTTP API reaches it: discovery, receiving from peers, delivery states. */
export class FederationService {
  constructor(
    private readonly d: {
      readonly store: Store;
      readonly parties: PartyDirectory;
      readonly log: LogReader;
      readonly records: RecordReader;
      readonly peers: PeerDirectory;
      readonly receiver: FederationReceiver;
    },
  ) {}

  /** GET /federation/v1/node. */
  node(): Promise<FederationNodeDocument> {
    return federationNodeDocument(this.d);
  }

  /** A delivery from a peer (TAXII POST with X-Tocsin-Origin): verified, then admitted; the status resource. */
  receive(origin: string, objects: readonly unknown[], proofs: unknown): Promise<string> {
    return this.d.receiver.receive(origin, objects, proofs);
  }

  /** The deliveries of a warning's thread to peer nodes, if `reader` may read the warning (else RECORD_NOT_FOUND). */
  async deliveries(reader: Reader, warningId: string): Promise<DeliveryView[]> {
    await this.d.records.get(reader, warningId);
    return (await this.d.store.deliveries({ warningId, limit: 1000 })).map(deliveryView);
  }
}
