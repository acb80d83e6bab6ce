/** The human "who knew what, when" report, a pure core: HTML with an inline SVG reliability diagram. */
export { escapeHtml } from "./html-escape.js";
export { reliabilitySvg } from "./reliability-svg.js";
export { humanDuration, warningReportHtml } from "./report-html.js";
export type { WarningReportInput } from "./report-html.js";
