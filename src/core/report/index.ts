/** The human "who knew what, when" report, a pure core: HTML with an inline SVG reliability diagram. */
export { escapeHtml } from "./html-escape.js";
export { reliabilitySvg } from "./reliability-svg.js";
export { humanDuration, warningReportHtml } from "./report-html.js";
export { PAPER_SIZES, reportInputFromBundle } from "./report-input.js";
export type { PaperSize, WarningReportInput } from "./report-input.js";
export { warningVersions } from "./warning-versions.js";
export type { WarningVersion } from "./warning-versions.js";
export { dutyLineFromAudit, dutySentence } from "./duty-section.js";
export type { DutyCaseLine, DutySection } from "./duty-section.js";
