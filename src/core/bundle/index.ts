/** The accountability bundle, a pure core: its format and the offline audit. */
export { BundleError } from "./bundle-errors.js";
export type { BundleErrorCode } from "./bundle-errors.js";
export { BUNDLE_FORMAT, BUNDLE_VERSION, parseBundle } from "./bundle-format.js";
export type { AccountabilityBundle, BundleRecord, BundleInclusionProof, BundleConsistencyProof } from "./bundle-format.js";
export { auditBundle } from "./audit-bundle.js";
export type { AuditCheck, AuditProblem, AuditedEntry, BundleAudit, AuditOptions } from "./audit-bundle.js";
