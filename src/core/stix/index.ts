/** STIX 2.1 object validation (official OASIS schemas + the spec's MUST rules) and the TLP marking definitions. */
export { StixError, stixErrorFromProblems } from "./stix-errors.js";
export type { StixErrorCode, StixProblem } from "./stix-errors.js";
export { createStixValidator } from "./stix-validator.js";
export type { StixExtensionSchema, StixJsonSchema, StixObject, StixValidator, StixValidatorOptions } from "./stix-validator.js";
export { isRfc4122Uuid, isStixTypeName, parseStixId } from "./stix-id.js";
export type { StixIdParts } from "./stix-id.js";
export { compareStixTimestamps, isStixTimestamp } from "./stix-timestamp.js";
export {
  STIX_META_TYPES,
  STIX_OFFICIAL_TYPES,
  STIX_PREDEFINED_EXTENSIONS,
  STIX_SCHEMA_BASE,
  STIX_SCO_TYPES,
  STIX_SDO_TYPES,
  STIX_SRO_TYPES,
  officialSchemaId,
} from "./stix-types.js";
export { stixRefRulesFor } from "./stix-refs.js";
export type { StixRefRule, StixRefTarget } from "./stix-refs.js";
export {
  TLP_1_0_IDS,
  TLP_1_0_MARKINGS,
  TLP_2_0_EXTENSION_ID,
  TLP_2_0_IDS,
  TLP_2_0_MARKINGS,
  tlp2LabelOf,
  tlpMarkingById,
} from "./tlp-markings.js";
export type { Tlp1Label, Tlp2Label, TlpMarkingDefinition } from "./tlp-markings.js";
