import { capAckOf, capAlertXml, versionReference } from "../core/cap/index.js";
import type { StixObject } from "../core/record/index.js";
import type { DemoNode } from "./demo-node.js";

/**
 * A custodial recipient acknowledges a warning "also as a CAP Ack", as its alerting system would: a CAP
 * 1.2 Ack referencing the alert Tocsin exports for that version (`tocsin cap export`), imported through
 * the node's services like `POST /api/v1/cap/acks`, so it becomes the party's receipt, signed by the
 * node. Returns how many records were admitted. The Ack's identifier is the party's own.
 */
export async function acknowledgeAsCapAck(node: Pick<DemoNode, "parties" | "services">, recipientId: string, warning: StixObject, at: number): Promise<number> {
  const recipient = await node.parties.require(recipientId);
  const alert = versionReference(String(warning.created_by_ref), String(warning.id), String(warning.modified));
  const xml = capAlertXml(capAckOf([alert], { sender: recipient.slug, identifier: `${recipient.slug}-ack-${at}`, at }));
  const imported = await node.services.importCapAck(recipient, xml);
  return imported.receipts.filter((r) => !r.duplicate).length;
}
