import { RELAYABLE_KINDS, type RecordKind, type StixObject } from "../core/record/index.js";
import type { NewRecord, PartyRow, StoredRecord } from "../store/store.js";
import { ExchangeError } from "./exchange-errors.js";

/*
 * Who may put a record under an id (issue 10, "Versions belong to their creator").
 *
 * Every read path keys on the STIX id: GET /api/v1/records/<id> serves its latest version, TLP judges a
 * record about a warning by that warning's latest version, TAXII lists versions by id. So whoever may add
 * a version to an id decides what everyone reads under it. STIX 2.1 §3.6 says only an object's creator
 * may version it; here the creator is the party that logged the id's first version — the signer of its
 * first leaf, which for a relayed object is the relaying party, not its (absent or foreign)
 * created_by_ref. The id of a registered party belongs to that party before anything is logged under it.
 *
 * Checked under the admission's per-id lock (`id:<stix id>`, which spans processes on PostgreSQL),
 * against the stored versions and those earlier in the same batch, so two racing first versions by
 * different parties cannot both get in.
 */

/** How a poster stands to the object it posts: its own record, or a third party's object it relays. */
export type Authorship = "own" | "relayed";

/**
 * May `poster` post `obj` (of `kind`)? Its own records always; a third party's object only of a relayable
 * kind, and never one whose created_by_ref names another party of this node (that would be speaking in
 * its name). `isParty` tells whether an identity id is a registered party.
 */
export async function authorshipOf(obj: StixObject, kind: RecordKind, poster: PartyRow, isParty: (id: string) => Promise<boolean>): Promise<Authorship> {
  const author = obj.created_by_ref;
  if (author === poster.id) return "own";
  if (!RELAYABLE_KINDS.has(kind)) {
    if (typeof author !== "string") throw new ExchangeError("RECORD_AUTHOR_MISMATCH", `a ${kind} must name its author, the poster, in created_by_ref`, { details: { property: "created_by_ref" } });
    throw new ExchangeError("RECORD_AUTHOR_MISMATCH", `record authored by ${author} posted by ${poster.id}`, { details: { property: "created_by_ref" } });
  }
  if (typeof author === "string" && (await isParty(author))) {
    throw new ExchangeError("RECORD_AUTHOR_MISMATCH", `record authored by party ${author} posted by ${poster.id}: only it speaks in its name`, {
      details: { property: "created_by_ref" },
    });
  }
  return "relayed";
}

/** What a later version is compared with: the id's versions logged so far, stored ones with their log index. */
type Earlier = Pick<NewRecord, "author" | "kind" | "warningRef"> & Partial<Pick<StoredRecord, "logIndex">>;

/**
 * Refuses a new version of an id unless it comes from the id's creator (RECORD_VERSION_NOT_AUTHOR, 403)
 * and keeps the first version's kind and the warning it is about (RECORD_VERSION_KIND_CHANGED, 409):
 * read paths decide audience and meaning by the id, so a warning re-versioned as a plain report would
 * stop being a warning for everyone. `earlier` are the stored versions followed by those admitted
 * earlier in the batch; `party`, for the identity id of a registered party: the party (its owner) and the
 * node's party (`registrar`), which logs the party's registration as the id's first version (key
 * transparency, formats §2.11) and may log nothing under it after that.
 */
export function checkVersionOwnership(
  next: Pick<NewRecord, "id" | "author" | "kind" | "warningRef">,
  earlier: readonly Earlier[],
  party?: { readonly owner: string; readonly registrar: string },
): void {
  const first = firstLogged(earlier);
  const allowed = party ? (first === undefined ? [party.owner, party.registrar] : [party.owner]) : first ? [first.author] : [];
  if (allowed.length > 0 && !allowed.includes(next.author)) {
    const creator = party?.owner ?? first!.author;
    throw new ExchangeError("RECORD_VERSION_NOT_AUTHOR", `${next.id} was created by ${creator}: only its creator may version it`, {
      details: { property: "id", creator },
    });
  }
  if (first !== undefined && (first.kind !== next.kind || (first.warningRef ?? undefined) !== (next.warningRef ?? undefined))) {
    const what = first.kind !== next.kind ? `a ${first.kind}, not a ${next.kind}` : `about ${first.warningRef ?? "no warning"}, not ${next.warningRef ?? "no warning"}`;
    throw new ExchangeError("RECORD_VERSION_KIND_CHANGED", `${next.id} is ${what}: a later version keeps the kind of the first`, {
      details: { property: "id", kind: first.kind, ...(first.warningRef ? { warning_ref: first.warningRef } : {}) },
    });
  }
}

/** The first logged of the versions: the lowest log index among stored ones, else the batch's first. */
function firstLogged(earlier: readonly Earlier[]): Earlier | undefined {
  let first: Earlier | undefined;
  for (const v of earlier) {
    if (v.logIndex === undefined) return first ?? v; // batch versions follow every stored one
    if (first === undefined || v.logIndex < first.logIndex!) first = v;
  }
  return first;
}
