import type { TlpLevel } from "../tlp/index.js";
import type { CapCertainty, CapScope, CapSeverity, CapUrgency } from "./cap-message.js";

/*
 * How a warning's facts become CAP's three qualifiers and its scope. The table, with the reasons, is in
 * docs/cap.md; each function is a table test in cap-mapping.test.ts. CAP's own definitions are from
 * CAP-v1.2-os §3.2.2 (urgency, severity, certainty) and §3.2.1 (scope).
 */

/** "Expected – Responsive action SHOULD be taken soon (within next hour)". */
export const EXPECTED_WITHIN_MS = 3_600_000;

/**
 * Urgency from the warning's window, judged at the alert's `sent` time (the version's `modified`), so an
 * export says the same whenever it is made: the window already closed → Past; already open → Immediate;
 * opening within the hour → Expected; later → Future.
 */
export function urgencyOf(window: { readonly start: number; readonly end: number }, sent: number): CapUrgency {
  if (!(Number.isFinite(window.start) && Number.isFinite(window.end))) return "Unknown";
  if (window.end <= sent) return "Past";
  if (window.start <= sent) return "Immediate";
  if (window.start - sent <= EXPECTED_WITHIN_MS) return "Expected";
  return "Future";
}

/** Tocsin's four severities on CAP's four; a warning without one (none today: the builder defaults to high) is Unknown. */
export function severityOf(severity: string | undefined): CapSeverity {
  switch (severity) {
    case "critical":
      return "Extreme";
    case "high":
      return "Severe";
    case "medium":
      return "Moderate";
    case "low":
      return "Minor";
    default:
      return "Unknown";
  }
}

/** At or below this probability a warning is "Unlikely – Not expected to occur (p ~ 0)". */
export const UNLIKELY_AT_MOST = 0.05;

/**
 * Certainty from the warning's probability: "Likely (p > ~50%)", "Possible but not likely
 * (p <= ~50%)", "Not expected to occur (p ~ 0)". Never Observed: a warning forecasts an attack; an
 * attack that happened is a resolution (materialized), not a version of the warning.
 */
export function certaintyOf(probability: number | undefined): CapCertainty {
  if (probability === undefined || !Number.isFinite(probability) || probability < 0 || probability > 1) return "Unknown";
  if (probability > 0.5) return "Likely";
  if (probability > UNLIKELY_AT_MOST) return "Possible";
  return "Unlikely";
}

/** What CAP's scope says about who may receive the alert. */
export interface CapScopeFacts {
  readonly scope: CapScope;
  /** Required with Restricted (CAP-v1.2-os §3.2.1: "the rule for limiting distribution"). */
  readonly restriction?: string;
}

/**
 * Scope from the governing TLP level (the same level the node's access rules apply, src/core/tlp):
 * RED is for the named recipients only → Private (the `addresses` list them); AMBER+STRICT, AMBER and
 * GREEN limit dissemination by a rule, not a list → Restricted, the rule in `restriction`; CLEAR has
 * no limit on disclosure → Public. Every scope also carries `addresses` (the recipients): CAP makes
 * them optional outside Private, and an alerting system routes by them.
 */
export function scopeOf(tlp: TlpLevel): CapScopeFacts {
  switch (tlp) {
    case "RED":
      return { scope: "Private" };
    case "AMBER+STRICT":
      return { scope: "Restricted", restriction: "TLP:AMBER+STRICT: the addressed recipients and their own organisations only; no clients, no further" };
    case "AMBER":
      return { scope: "Restricted", restriction: "TLP:AMBER: the addressed recipients, their organisations and their clients, on a need-to-know basis only" };
    case "GREEN":
      return { scope: "Restricted", restriction: "TLP:GREEN: the addressed recipients and their community only; not for public channels" };
    case "CLEAR":
      return { scope: "Public" };
  }
}

/**
 * CAP's `addresses`: space-separated, an address containing whitespace enclosed in double quotes
 * (CAP-v1.2-os §3.2.1). Tocsin addresses are STIX identity ids, which hold none; quoting is a guard.
 */
export function addressList(addresses: readonly string[]): string {
  return addresses.map((a) => (/\s/.test(a) ? `"${a.replace(/"/g, "")}"` : a)).join(" ");
}
