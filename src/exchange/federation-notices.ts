import type { Store } from "../store/store.js";
import type { Logger } from "./logger.js";
import type { DeliveryFailedEvent, FederationEvents } from "./federation-events.js";

/**
 * Federation's events as notices (docs/notifications.md): a failed delivery to a peer becomes a
 * `delivery-failed` notice for the record's author, so the author's event stream and webhooks tell it
 * without polling `tocsin deliveries`. One notice per record, peer and attempt count (the notice key), so
 * a retried write or a second process never makes two. A refused incoming record stays in the node's log
 * (the receiver logs it): it concerns the operator, not a party's inbox.
 */
export class FederationNotices implements FederationEvents {
  constructor(private readonly d: { readonly store: Store; readonly logger: Logger }) {}

  deliveryFailed(e: DeliveryFailedEvent): void {
    // The hook must not throw nor wait: the notice is written in the background, its failure logged.
    void this.#notice(e).catch((err: unknown) => this.d.logger.warn({ err, recordId: e.recordId }, "delivery-failed notice not written"));
  }

  recordRefused(): void {}

  async #notice(e: DeliveryFailedEvent): Promise<void> {
    const versions = await this.d.store.recordVersions(e.recordId);
    const author = versions[0]?.author;
    if (author === undefined) return;
    await this.d.store.addNotice({
      key: `delivery-failed ${e.peer} ${e.recordId} ${e.attempts}`,
      partyId: author,
      type: "delivery-failed",
      at: e.at,
      warningId: e.warningId,
      recordId: e.recordId,
      summary: `delivery of ${e.recordId} to ${e.peer} failed (attempt ${e.attempts}: ${e.error.slice(0, 200)}); next try ${e.retryAt}`,
    });
  }
}
