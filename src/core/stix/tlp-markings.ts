/** A TLP 2.0 label (FIRST TLP 2.0, August 2022). */
export type Tlp2Label = "CLEAR" | "GREEN" | "AMBER" | "AMBER+STRICT" | "RED";

/** A TLP 1.0 label as used by the STIX 2.1 predefined TLP marking definitions (§7.2.1.4). */
export type Tlp1Label = "WHITE" | "GREEN" | "AMBER" | "RED";

/** A JSON value, deeply read-only. */
type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };

/** A marking-definition object as published (TLP 1.0 in STIX 2.1 §7.2.1.4, TLP 2.0 by the OASIS CTI TC). */
export type TlpMarkingDefinition = { readonly type: "marking-definition"; readonly id: string; readonly [k: string]: Json };

/** The id of the OASIS extension definition that carries TLP 2.0 in a marking-definition (`tlp_2_0`). */
export const TLP_2_0_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/** The marking-definition ids of TLP 2.0, published by the OASIS CTI TC (cti-stix-common-objects, tlp-2.0). */
export const TLP_2_0_IDS: { readonly [L in Tlp2Label]: string } = Object.freeze({
  CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
});

/** The marking-definition ids of TLP 1.0 predefined by STIX 2.1 §7.2.1.4. */
export const TLP_1_0_IDS: { readonly [L in Tlp1Label]: string } = Object.freeze({
  WHITE: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
  GREEN: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
  AMBER: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
  RED: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
});

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// The published TLP 2.0 objects carry no created_by_ref and no definition/definition_type: the level is the
// `tlp_2_0` value of a property-extension (lowercase label) under TLP_2_0_EXTENSION_ID.
const tlp2 = (label: Tlp2Label): TlpMarkingDefinition => ({
  type: "marking-definition",
  spec_version: "2.1",
  id: TLP_2_0_IDS[label],
  created: "2022-10-01T00:00:00.000Z",
  name: `TLP:${label}`,
  extensions: { [TLP_2_0_EXTENSION_ID]: { extension_type: "property-extension", tlp_2_0: label.toLowerCase() } },
});

// STIX 2.1 §7.2.1.4 lists these four objects verbatim.
const tlp1 = (label: Tlp1Label): TlpMarkingDefinition => ({
  type: "marking-definition",
  spec_version: "2.1",
  id: TLP_1_0_IDS[label],
  created: "2017-01-20T00:00:00.000Z",
  definition_type: "tlp",
  name: `TLP:${label}`,
  definition: { tlp: label.toLowerCase() },
});

/** The five TLP 2.0 marking-definition objects, exactly as published by OASIS. */
export const TLP_2_0_MARKINGS: { readonly [L in Tlp2Label]: TlpMarkingDefinition } = deepFreeze({
  CLEAR: tlp2("CLEAR"),
  GREEN: tlp2("GREEN"),
  AMBER: tlp2("AMBER"),
  "AMBER+STRICT": tlp2("AMBER+STRICT"),
  RED: tlp2("RED"),
});

/** The four TLP 1.0 marking-definition objects of STIX 2.1 §7.2.1.4. */
export const TLP_1_0_MARKINGS: { readonly [L in Tlp1Label]: TlpMarkingDefinition } = deepFreeze({
  WHITE: tlp1("WHITE"),
  GREEN: tlp1("GREEN"),
  AMBER: tlp1("AMBER"),
  RED: tlp1("RED"),
});

const TLP1_TO_TLP2: { readonly [L in Tlp1Label]: Tlp2Label } = { WHITE: "CLEAR", GREEN: "GREEN", AMBER: "AMBER", RED: "RED" };

const BY_ID = new Map<string, { readonly label: Tlp2Label; readonly marking: TlpMarkingDefinition }>();
for (const label of Object.keys(TLP_2_0_IDS) as Tlp2Label[]) BY_ID.set(TLP_2_0_IDS[label], { label, marking: TLP_2_0_MARKINGS[label] });
for (const label of Object.keys(TLP_1_0_IDS) as Tlp1Label[]) {
  BY_ID.set(TLP_1_0_IDS[label], { label: TLP1_TO_TLP2[label], marking: TLP_1_0_MARKINGS[label] });
}

/** The TLP 2.0 label of a TLP marking-definition id (1.0 ids map WHITE→CLEAR, others alike), else undefined. */
export function tlp2LabelOf(markingId: string): Tlp2Label | undefined {
  return BY_ID.get(markingId.toLowerCase())?.label;
}

/** The published TLP (1.0 or 2.0) marking-definition object with this id, else undefined. */
export function tlpMarkingById(markingId: string): TlpMarkingDefinition | undefined {
  return BY_ID.get(markingId.toLowerCase())?.marking;
}
