/**
 * What federation tells the rest of the node (the event stream, docs/federation.md): a delivery to a
 * peer that failed (its record, the peer, the attempt count and the error), and a record a peer
 * delivered that failed verification and was refused. The composition root passes an implementation
 * (the notifications' event stream maps `deliveryFailed` to its `delivery-failed` event); by default
 * nothing listens. Implementations must not throw and must return quickly.
 */
export interface FederationEvents {
  deliveryFailed(e: DeliveryFailedEvent): void;
  recordRefused(e: RecordRefusedEvent): void;
}

export interface DeliveryFailedEvent {
  /** RFC 3339. */
  readonly at: string;
  /** The peer's origin. */
  readonly peer: string;
  readonly recordId: string;
  readonly warningId?: string | undefined;
  readonly attempts: number;
  readonly error: string;
  /** When it will be tried again (RFC 3339). */
  readonly retryAt: string;
}

export interface RecordRefusedEvent {
  readonly at: string;
  /** The origin the delivery claimed. */
  readonly origin: string;
  readonly recordId?: string | undefined;
  readonly warningId?: string | undefined;
  readonly code: string;
  readonly error: string;
}


