/** The accountability bundle, a pure core: its format and the offline audit. */
export { BundleError } from "./bundle-errors.js";
export type { BundleErrorCode } from "./bundle-errors.js";
export { BUNDLE_FORMAT, BUNDLE_VERSION, parseBundle } from "./bundle-format.js";
export type { AccountabilityBundle, BundleRecord, BundleInclusionProof, BundleConsistencyProof, BundleOrigin } from "./bundle-format.js";
export { auditOrigins } from "./origins.js";
export type { OriginsAudit, OriginProblem } from "./origins.js";
export { auditBundle } from "./audit-bundle.js";
export type { AuditCheck, AuditProblem, AuditedEntry, BundleAudit, AuditOptions } from "./audit-bundle.js";
export { THREAD_STATEMENT_HEADER, formatThreadStatement, parseThreadStatement, signThreadStatement, openThreadStatement, threadDigest } from "./thread-statement.js";
export type { ThreadStatement } from "./thread-statement.js";
export { checkThread } from "./thread-completeness.js";
export type { ThreadEntry, ThreadSummary } from "./thread-completeness.js";
export { checkOmission, parseRecordProof } from "./omission-proof.js";
export type { OmissionCheck, OmissionVerdict, RecordProof } from "./omission-proof.js";
export { auditDuty } from "./duty-audit.js";
export type { DutyAudit, DutySummary } from "./duty-audit.js";
