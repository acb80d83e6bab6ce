/** OASIS CAP 1.2, a pure core: a warning version as a CAP alert (mapping, XML), and the identifiers an Ack refers to. */
export { CapError } from "./cap-errors.js";
export type { CapErrorCode } from "./cap-errors.js";
export { CAP_NAMESPACE } from "./cap-message.js";
export type { CapAlert, CapArea, CapCertainty, CapHeader, CapInfo, CapMsgType, CapResponseType, CapScope, CapSeverity, CapStatus, CapUrgency, CapValuePair } from "./cap-message.js";
export { EXPECTED_WITHIN_MS, UNLIKELY_AT_MOST, addressList, certaintyOf, scopeOf, severityOf, urgencyOf } from "./cap-mapping.js";
export type { CapScopeFacts } from "./cap-mapping.js";
export { alertIdentifier, cancelIdentifier, formatReference, parseAlertIdentifier, parseReferences } from "./cap-references.js";
export type { CapReference } from "./cap-references.js";
export { capTime, parseCapTime } from "./cap-time.js";
export { capAlertXml, xmlText } from "./cap-xml.js";
export { CAP_ACK_SOURCE, capAckOf, capAckOfReceipt } from "./cap-ack.js";
export { capAlertOfWarning, capFactsOfWarning, capStatusOf, versionReference } from "./warning-to-cap.js";
export type { CapExportContext, CapWarningFacts } from "./warning-to-cap.js";
