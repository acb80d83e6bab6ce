/*
 * The TLP 2.0 core: who may read a record. Every read path imports from here. The access table and
 * its rules are at the top of access.ts; the marking ids at the top of markings.ts.
 */
export {
  TLP_LEVELS,
  UNMARKED_TLP_LEVEL,
  isTlpLevel,
  isTlpMarking,
  stricterTlp,
  tlpLevelOf,
  tlpMarkingId,
  tlpRank,
} from "./markings.js";
export type { TlpLevel } from "./markings.js";
export { NO_PARTY_RELATIONS, buildPartyRelations } from "./relations.js";
export type { PartyId, PartyRelations, PartyRelationsData } from "./relations.js";
export {
  ANONYMOUS_READER,
  NODE_READER,
  audienceForRelatedRecord,
  canRead,
  explainAccess,
  filterReadable,
  partyReader,
} from "./access.js";
export type { AccessDecision, AccessReason, Reader, RecordAudience } from "./access.js";
export { answeredVersion, audienceOfRecordAbout } from "./answered-version.js";
export type { RecordAboutFacts, WarningVersionAudience } from "./answered-version.js";
export { TlpError } from "./tlp-errors.js";
export type { TlpErrorCode } from "./tlp-errors.js";
