/*
 * Who may read a record, under TLP 2.0 — the one decision every read path (records API, TAXII
 * collections, timelines, bundles) makes through this module. Pure: no I/O, no clock, no state.
 *
 * The decision depends on the reader, the record's audience (its author, the recipients it is
 * addressed to, its marking refs) and the parties' relations (organisations, clients, communities).
 *
 *   reader ↓ · governing level →                        CLEAR  GREEN  AMBER  AMBER+STRICT  RED
 *   the node itself (log, escalations)                    ✓      ✓      ✓         ✓          ✓
 *   the author                                            ✓      ✓      ✓         ✓          ✓
 *   a named recipient                                     ✓      ✓      ✓         ✓          ✓
 *   same organisation as the author or a recipient        ✓      ✓      ✓         ✓          ·
 *   client of the author's or a recipient's organisation  ✓      ✓      ✓         ·          ·
 *   shares a community with the author or a recipient     ✓      ✓      ·         ·          ·
 *   any other party                                       ✓      ·      ·         ·          ·
 *   anonymous                                             ✓      ·      ·         ·          ·
 *
 *   - No TLP marking: AMBER+STRICT. Several TLP markings: the most restrictive (see markings.ts).
 *     TLP 1.0 ids count as their TLP 2.0 level (WHITE = CLEAR). Non-TLP markings are ignored.
 *   - "Organisation" is the outermost organisation (relations.ts): units of one organisation are the
 *     same organisation. A client or community member that is an organisation brings its units.
 *   - Each row grants at its own level and every level to its left, so the readers of a level are
 *     always a subset of the readers of any less restrictive level (tested as a property).
 *
 * Rules, in the order explainAccess applies them (the first that decides gives the reason):
 *   node                 the node reads everything.
 *   author               the author reads what it wrote, whatever the marking.
 *   clear-public         CLEAR: everyone, anonymous included (FIRST: "no limit on disclosure").
 *   anonymous-clear-only an anonymous reader reads CLEAR only.
 *   recipient            a named recipient reads at every level, RED included.
 *   red-named-only       RED: the author and the named recipients only — not even their organisations
 *                        (FIRST: "for the eyes and ears of individual recipients only").
 *   same-organisation    AMBER+STRICT and below: parties of the same organisation as a recipient, or as
 *                        the author (the author's own organisation may read what it sent).
 *   amber-strict-organisation-only   AMBER+STRICT stops there: no clients.
 *   client-of-organisation           AMBER and below: clients of those organisations (FIRST: "their
 *                        organization and its clients", need-to-know).
 *   amber-organisation-and-clients-only   AMBER stops there.
 *   shared-community     GREEN: a party sharing a named community with the author or any recipient
 *                        (FIRST: "peers and partner organizations within their community").
 *   green-community-only GREEN stops there: never public, never anonymous.
 *   unknown-reader       not a Reader (a caller outside the type system): refused, fail closed.
 *
 * Records ABOUT a warning (receipt, assessment, action, resolution) have no recipients of their own:
 * the caller builds their audience with audienceForRelatedRecord, i.e. the recipients of the warning
 * version the record answered (answered-version.ts: audiences are fixed when written) plus the
 * warning's author, under the stricter of the two records' markings.
 */
import { tlpLevelOf, tlpMarkingId, stricterTlp } from "./markings.js";
import type { TlpLevel } from "./markings.js";
import type { PartyId, PartyRelations } from "./relations.js";

/** Who is reading: nobody authenticated, an authenticated party, or the node itself. */
export type Reader =
  | { readonly kind: "anonymous" }
  | { readonly kind: "party"; readonly id: PartyId }
  | { readonly kind: "node" };

export const ANONYMOUS_READER: Reader = Object.freeze({ kind: "anonymous" });
export const NODE_READER: Reader = Object.freeze({ kind: "node" });
export function partyReader(id: PartyId): Reader {
  return { kind: "party", id };
}

/**
 * The audience of a record: its author, the parties it is addressed to, and its marking refs
 * (`object_marking_refs`, plus the `marking_ref` of every granular marking the read path does not
 * redact). For a record about a warning, use audienceForRelatedRecord.
 */
export interface RecordAudience {
  readonly author: PartyId;
  readonly recipients: readonly PartyId[];
  readonly markingRefs: readonly string[];
}

/** The rule that decided; for tests, logs and metrics. Never send it to the reader. */
export type AccessReason =
  | "node"
  | "author"
  | "clear-public"
  | "anonymous-clear-only"
  | "recipient"
  | "red-named-only"
  | "same-organisation"
  | "amber-strict-organisation-only"
  | "client-of-organisation"
  | "amber-organisation-and-clients-only"
  | "shared-community"
  | "green-community-only"
  | "unknown-reader";

export interface AccessDecision {
  readonly allowed: boolean;
  /** The governing TLP level of the record. */
  readonly level: TlpLevel;
  /** False when the record carries no TLP marking (and `level` is therefore AMBER+STRICT). */
  readonly explicit: boolean;
  readonly reason: AccessReason;
}

/**
 * Decide and explain. The HTTP layer answers 404 for every `allowed: false`, whatever the reason —
 * a distinct status (403) for a record the reader may not see would tell them it exists. The reason is
 * for the node's own logs and for tests.
 */
export function explainAccess(reader: Reader, audience: RecordAudience, relations: PartyRelations): AccessDecision {
  const { level, explicit } = tlpLevelOf(audience.markingRefs);
  const decide = (allowed: boolean, reason: AccessReason): AccessDecision => ({ allowed, level, explicit, reason });

  switch (reader?.kind) {
    case "node":
      return decide(true, "node");
    case "anonymous":
      return level === "CLEAR" ? decide(true, "clear-public") : decide(false, "anonymous-clear-only");
    case "party":
      if (typeof reader.id !== "string") return decide(false, "unknown-reader");
      break;
    default:
      // Not a Reader at all (a caller outside the type system): fail closed.
      return decide(false, "unknown-reader");
  }

  const me = reader.id;
  if (me === audience.author) return decide(true, "author");
  if (level === "CLEAR") return decide(true, "clear-public");
  if (audience.recipients.includes(me)) return decide(true, "recipient");
  if (level === "RED") return decide(false, "red-named-only");

  // The author counts with the recipients from here on: its organisation, that organisation's
  // clients and its communities are as entitled as a recipient's.
  const named = [audience.author, ...audience.recipients];

  const myOrganisation = relations.organisationOf(me);
  if (named.some((p) => relations.organisationOf(p) === myOrganisation)) return decide(true, "same-organisation");
  if (level === "AMBER+STRICT") return decide(false, "amber-strict-organisation-only");

  if (named.some((p) => relations.isClientOf(me, p))) return decide(true, "client-of-organisation");
  if (level === "AMBER") return decide(false, "amber-organisation-and-clients-only");

  if (named.some((p) => relations.sharesCommunity(me, p))) return decide(true, "shared-community");
  return decide(false, "green-community-only");
}

/** May `reader` read a record with this audience? Same decision as explainAccess(…).allowed. */
export function canRead(reader: Reader, audience: RecordAudience, relations: PartyRelations): boolean {
  return explainAccess(reader, audience, relations).allowed;
}

/** The items `reader` may read, in their original order. */
export function filterReadable<T>(
  reader: Reader,
  items: readonly T[],
  audienceOf: (item: T) => RecordAudience,
  relations: PartyRelations,
): T[] {
  return items.filter((item) => canRead(reader, audienceOf(item), relations));
}

/**
 * The audience of a record about a warning (receipt, assessment, action, resolution), which the
 * caller must use instead of the record's own, recipient-less audience:
 * - author: the related record's author (who can therefore always read it). Normally one of the
 *   warning's parties; a related record by anyone else would also open it to that author's
 *   organisation, clients and communities as the level allows, so write paths should accept related
 *   records only from the warning's author and recipients;
 * - recipients: the warning's recipients plus the warning's author (the sender learns how its
 *   warning was received and handled), without duplicates;
 * - markingRefs: the stricter of the two records' governing levels — an unmarked side counting as
 *   AMBER+STRICT — as a single TLP 2.0 marking, or none when neither record is marked (which still
 *   means AMBER+STRICT). A GREEN receipt of a RED warning is thus RED, and a CLEAR assessment of an
 *   unmarked warning is AMBER+STRICT.
 */
export function audienceForRelatedRecord(
  warningAudience: RecordAudience,
  record: { readonly author: PartyId; readonly markingRefs: readonly string[] },
): RecordAudience {
  const warning = tlpLevelOf(warningAudience.markingRefs);
  const own = tlpLevelOf(record.markingRefs);
  const level = stricterTlp(warning.level, own.level);
  return {
    author: record.author,
    recipients: [...new Set([...warningAudience.recipients, warningAudience.author])],
    markingRefs: warning.explicit || own.explicit ? [tlpMarkingId(level)] : [],
  };
}
