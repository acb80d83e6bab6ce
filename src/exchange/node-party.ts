import type { Clock } from "../core/clock.js";
import type { PartyRow, Store } from "../store/store.js";
import { storeNewParty } from "./new-party.js";
import type { PartyDirectory } from "./party-directory.js";
import type { PartyKeyFiles } from "./party-key-files.js";

/** The slug of the node's own party, which signs registrations, resets, token events and escalations. */
export const NODE_PARTY_SLUG = "node";

/**
 * The node's own custodial party (it signs registrations, resets, token events and escalations), created
 * on the node's first start. Stored before the admission exists — the admission names it — so its
 * registration is logged just after, by the registrar. Several processes starting on one database may
 * race to create it: the one that loses takes the winner's.
 */
export async function openNodeParty(
  d: { readonly store: Store; readonly clock: Clock; readonly parties: PartyDirectory; readonly keyFiles: PartyKeyFiles },
  origin: string,
): Promise<PartyRow> {
  const existing = await d.parties.get(NODE_PARTY_SLUG);
  if (existing) return existing;
  try {
    return await d.parties.require((await storeNewParty(d, { slug: NODE_PARTY_SLUG, name: `Tocsin node ${origin}`, custodial: true })).id);
  } catch (e) {
    const winner = await d.parties.get(NODE_PARTY_SLUG);
    if (winner) return winner;
    throw e;
  }
}
