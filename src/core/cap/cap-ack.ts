import type { CapAlert, CapStatus } from "./cap-message.js";
import { addressList } from "./cap-mapping.js";
import { formatReference, type CapReference } from "./cap-references.js";
import { capTime } from "./cap-time.js";

/**
 * The `source_name` of the STIX external reference a receipt made from a CAP Ack carries: its
 * `external_id` is the Ack's sender,identifier,sent and its SHA-256 the Ack's bytes as received.
 */
export const CAP_ACK_SOURCE = "oasis-cap-1.2-ack";

/** The Ack a receipt was made from (its sender,identifier,sent), if it was made from one. */
export function capAckOfReceipt(receipt: { readonly external_references?: unknown }): string | undefined {
  const refs = Array.isArray(receipt.external_references) ? (receipt.external_references as { source_name?: unknown; external_id?: unknown }[]) : [];
  const ref = refs.find((r) => r?.source_name === CAP_ACK_SOURCE && typeof r.external_id === "string");
  return ref?.external_id as string | undefined;
}

/**
 * A CAP Ack acknowledging alerts (CAP-v1.2-os §3.2.1: msgType "Ack – Acknowledges receipt and acceptance
 * of the message(s) identified in <references>"), addressed privately to their senders, as an alerting
 * system answers. What the demo's venue sends and the tests post; the import reads any Ack that is
 * valid against the schema, not only these.
 */
export function capAckOf(acked: readonly CapReference[], ack: { readonly sender: string; readonly identifier: string; readonly at: number; readonly status?: CapStatus; readonly note?: string }): CapAlert {
  return {
    identifier: ack.identifier,
    sender: ack.sender,
    sent: capTime(ack.at),
    status: ack.status ?? "Actual",
    msgType: "Ack",
    scope: "Private",
    addresses: addressList([...new Set(acked.map((r) => r.sender))]),
    ...(ack.note !== undefined ? { note: ack.note } : {}),
    references: acked.map(formatReference).join(" "),
    infos: [],
  };
}
