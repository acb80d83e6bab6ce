import { TlpError } from "./tlp-errors.js";

/*
 * TLP 2.0 (FIRST, "Traffic Light Protocol (TLP) Standard Definitions and Usage Guidance, Version 2.0")
 * as STIX 2.1 marking-definition ids, plus the four TLP 1.0 ids that STIX 2.1 predefines (§7.2.1.4),
 * which are accepted and mapped to their TLP 2.0 equivalent.
 *
 *   level          TLP 2.0 id (what we emit)                                   TLP 1.0 id (accepted)
 *   CLEAR          marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487    613f2e26-407d-48c7-9eca-b8e91df99dc9 (WHITE)
 *   GREEN          marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb    34098fce-860f-48ae-8e50-ebd3cc5e41da
 *   AMBER          marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421    f88d31f6-486f-44da-b317-01333bde0b82
 *   AMBER+STRICT   marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003    (none: new in 2.0)
 *   RED            marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1    5e57c739-391a-4eb3-b6be-7d15ca92d5ed
 *
 * Any other marking (statements, PAP, ids of other products' home-made "AMBER+STRICT" markings, …)
 * is not a TLP marking for this module and is ignored. A record with no TLP marking is treated as
 * TLP:AMBER+STRICT.
 */

/** The TLP 2.0 levels, from least to most restrictive; the index is the restrictiveness rank. */
export const TLP_LEVELS = Object.freeze(["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"] as const);

export type TlpLevel = (typeof TLP_LEVELS)[number];

/** The level of a record that carries no TLP marking. */
export const UNMARKED_TLP_LEVEL: TlpLevel = "AMBER+STRICT";

const TLP2_IDS: Readonly<Record<TlpLevel, string>> = Object.freeze({
  CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
});

const TLP1_IDS: ReadonlyArray<readonly [string, TlpLevel]> = [
  ["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "CLEAR"], // TLP 1.0 WHITE
  ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "GREEN"],
  ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "AMBER"],
  ["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "RED"],
];

/** Every accepted TLP id (lower case) → its TLP 2.0 level. */
const LEVEL_BY_ID: ReadonlyMap<string, TlpLevel> = new Map<string, TlpLevel>([
  ...TLP_LEVELS.map((level) => [TLP2_IDS[level], level] as const),
  ...TLP1_IDS,
]);

const RANK: ReadonlyMap<string, number> = new Map(TLP_LEVELS.map((level, i) => [level, i]));

/** True when `value` is one of TLP_LEVELS (for values that come from outside the type system). */
export function isTlpLevel(value: unknown): value is TlpLevel {
  return typeof value === "string" && RANK.has(value);
}

/** The restrictiveness rank of a level: CLEAR 0 … RED 4. Throws TLP_UNKNOWN_LEVEL for anything else. */
export function tlpRank(level: TlpLevel): number {
  const rank = RANK.get(level);
  if (rank === undefined) throw new TlpError("TLP_UNKNOWN_LEVEL", `not a TLP level: ${String(level)}`);
  return rank;
}

/** The more restrictive of two levels. */
export function stricterTlp(a: TlpLevel, b: TlpLevel): TlpLevel {
  return tlpRank(a) >= tlpRank(b) ? a : b;
}

/** The TLP 2.0 marking-definition id to emit for a level. */
export function tlpMarkingId(level: TlpLevel): string {
  tlpRank(level); // throws on a non-level
  return TLP2_IDS[level];
}

/*
 * STIX ids are lower case when well formed, but a UUID compares case-insensitively; an upper-case
 * TLP:RED id must not fall through to "unmarked" (AMBER+STRICT, which is weaker), so ids are
 * compared lower-cased.
 */
function levelOfId(id: string): TlpLevel | undefined {
  return typeof id === "string" ? LEVEL_BY_ID.get(id.toLowerCase()) : undefined;
}

/** True for the five TLP 2.0 ids and the four TLP 1.0 ids (case-insensitively); false for any other marking. */
export function isTlpMarking(id: string): boolean {
  return levelOfId(id) !== undefined;
}

/**
 * The TLP level governing a record from its marking refs (`object_marking_refs`, plus the
 * `marking_ref` of any granular marking the read path does not redact).
 *
 * - Non-TLP markings are ignored.
 * - No TLP marking: AMBER+STRICT, `explicit: false`.
 * - Several TLP markings (possibly mixing 1.0 and 2.0): the MOST RESTRICTIVE applies
 *   (RED > AMBER+STRICT > AMBER > GREEN > CLEAR). A record marked both GREEN and RED was
 *   meant, by at least one of its markers, for named recipients only; honouring the weaker marking
 *   would disclose it beyond that, honouring the stronger one only withholds it.
 */
export function tlpLevelOf(markingRefs: readonly string[]): { level: TlpLevel; explicit: boolean } {
  let best: TlpLevel | undefined;
  for (const ref of markingRefs) {
    const level = levelOfId(ref);
    if (level !== undefined && (best === undefined || tlpRank(level) > tlpRank(best))) best = level;
  }
  return best === undefined ? { level: UNMARKED_TLP_LEVEL, explicit: false } : { level: best, explicit: true };
}
