import { TlpError } from "./tlp-errors.js";

/** A STIX identity id (`identity--<uuid>`) naming a party: an organisation, a unit of one, or a person. */
export type PartyId = string;

/**
 * The parties' relations as plain data, as the storage layer holds them. Every field is optional;
 * a party that appears nowhere is its own organisation, with no clients and no community.
 *
 * - `organisations`: unit → its parent (an organisation, or a larger unit). Chains are followed to the
 *   top, so `organisationOf` answers the outermost organisation. A party mapped to itself is a root.
 *   A cycle is refused (TLP_RELATIONS_CYCLE).
 * - `clients`: organisation → the parties that are its clients (TLP 2.0: "those people or entities that
 *   receive cybersecurity services from an organization"). Clients declared under a unit are clients of
 *   that unit's organisation, since TLP:AMBER speaks of the organisation's clients.
 * - `communities`: community name → member parties. A member's units belong too (an organisation's
 *   membership is its units' membership).
 */
export interface PartyRelationsData {
  readonly organisations?: Readonly<Record<PartyId, PartyId>>;
  readonly clients?: Readonly<Record<PartyId, readonly PartyId[]>>;
  readonly communities?: Readonly<Record<string, readonly PartyId[]>>;
}

/** The indexed, read-only view of PartyRelationsData that access decisions use. All lookups are pure. */
export interface PartyRelations {
  /** The outermost organisation a party belongs to; the party itself when it has no parent. */
  organisationOf(party: PartyId): PartyId;
  /** The clients of the organisation `party` belongs to (declared under it or any of its units). */
  clientsOf(organisation: PartyId): readonly PartyId[];
  /** The communities a party belongs to, directly or through any organisation or unit above it. */
  communitiesOf(party: PartyId): readonly string[];
  /** True when `party`, or any unit or organisation above it, is a client of `organisation`'s organisation. */
  isClientOf(party: PartyId, organisation: PartyId): boolean;
  /** True when the two parties have at least one community in common. */
  sharesCommunity(a: PartyId, b: PartyId): boolean;
}

const NONE: readonly never[] = Object.freeze([]);

class PartyRelationsIndex implements PartyRelations {
  /** party → [party, parent, …, organisation], for every party the data mentions. */
  readonly #lineage = new Map<PartyId, readonly PartyId[]>();
  /** organisation → its clients, as a list (for clientsOf) and a set (for isClientOf). */
  readonly #clientList = new Map<PartyId, readonly PartyId[]>();
  readonly #clientSet = new Map<PartyId, ReadonlySet<PartyId>>();
  /** party → communities, inherited ones included, for every party the data mentions. */
  readonly #communities = new Map<PartyId, readonly string[]>();

  constructor(data: PartyRelationsData) {
    const parent = new Map<PartyId, PartyId>();
    for (const [unit, org] of Object.entries(data.organisations ?? {})) {
      if (unit !== org) parent.set(unit, org);
    }

    const mentioned = new Set<PartyId>();
    for (const [unit, org] of parent) mentioned.add(unit).add(org);
    for (const [org, list] of Object.entries(data.clients ?? {})) {
      mentioned.add(org);
      for (const c of list) mentioned.add(c);
    }
    const direct = new Map<PartyId, Set<string>>();
    for (const [community, members] of Object.entries(data.communities ?? {})) {
      for (const m of members) {
        mentioned.add(m);
        let set = direct.get(m);
        if (set === undefined) direct.set(m, (set = new Set()));
        set.add(community);
      }
    }

    for (const party of mentioned) this.#lineage.set(party, Object.freeze(lineageOf(party, parent)));

    const clients = new Map<PartyId, Set<PartyId>>();
    for (const [org, list] of Object.entries(data.clients ?? {})) {
      const root = this.organisationOf(org);
      let set = clients.get(root);
      if (set === undefined) clients.set(root, (set = new Set()));
      for (const c of list) set.add(c);
    }
    for (const [root, set] of clients) {
      this.#clientSet.set(root, set);
      this.#clientList.set(root, Object.freeze([...set]));
    }

    for (const party of mentioned) {
      const all = new Set<string>();
      for (const p of this.#lineageOf(party)) for (const c of direct.get(p) ?? NONE) all.add(c);
      if (all.size > 0) this.#communities.set(party, Object.freeze([...all].sort()));
    }
  }

  #lineageOf(party: PartyId): readonly PartyId[] {
    return this.#lineage.get(party) ?? [party];
  }

  organisationOf(party: PartyId): PartyId {
    const lineage = this.#lineageOf(party);
    return lineage[lineage.length - 1] ?? party;
  }

  clientsOf(organisation: PartyId): readonly PartyId[] {
    return this.#clientList.get(this.organisationOf(organisation)) ?? NONE;
  }

  communitiesOf(party: PartyId): readonly string[] {
    return this.#communities.get(party) ?? NONE;
  }

  isClientOf(party: PartyId, organisation: PartyId): boolean {
    const clients = this.#clientSet.get(this.organisationOf(organisation));
    if (clients === undefined) return false;
    return this.#lineageOf(party).some((p) => clients.has(p));
  }

  sharesCommunity(a: PartyId, b: PartyId): boolean {
    const ca = this.communitiesOf(a);
    if (ca.length === 0) return false;
    const cb = this.communitiesOf(b);
    return cb.some((c) => ca.includes(c));
  }
}

function lineageOf(party: PartyId, parent: ReadonlyMap<PartyId, PartyId>): PartyId[] {
  const chain = [party];
  const seen = new Set(chain);
  for (let p = parent.get(party); p !== undefined; p = parent.get(p)) {
    if (seen.has(p)) {
      throw new TlpError("TLP_RELATIONS_CYCLE", `the organisation map has a cycle through ${p}`, {
        details: { party, cycleAt: p },
      });
    }
    seen.add(p);
    chain.push(p);
  }
  return chain;
}

/**
 * Index the parties' relations once (O(size of the data)); afterwards every lookup is O(1) map
 * access, or O(depth of the unit chain) for isClientOf. The result is immutable. Throws
 * TLP_RELATIONS_CYCLE when the organisation map has a cycle.
 */
export function buildPartyRelations(data: PartyRelationsData = {}): PartyRelations {
  return Object.freeze(new PartyRelationsIndex(data));
}

/** No relations at all: every party is its own organisation, with no clients and no community. */
export const NO_PARTY_RELATIONS: PartyRelations = buildPartyRelations({});
