export { TAXII_QUERY_INVALID, taxiiQueryError } from "./taxii-query-error.js";
export { formatDateAdded, parseTimestampUs } from "./date-added.js";
export { decodePageToken, encodePageToken, queryFingerprint } from "./page-token.js";
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, parseTaxiiFilters, timestampSpellings } from "./taxii-filters.js";
export type { FilterName, TaxiiFilters, VersionMatch } from "./taxii-filters.js";
