/*
 * The closed list of grounds on which a duty to warn may be waived: Intelligence Community Directive 191,
 * "Duty to Warn" (21 July 2015), its justifications for waiving the duty. docs/duty-to-warn.md cites the
 * source and gives each ground in the directive's words; here each has a stable code (part of the wire
 * format of x-tocsin-duty-decision and x-tocsin-duty-approval: never rename one) and a short label.
 *
 * The list is closed on purpose: a waiver that cites anything else is refused (DUTY_UNKNOWN_GROUND), so
 * "we decided not to warn" can never be recorded without one of the reasons the directive allows.
 */

export interface WaiverGround {
  /** The code carried in records. */
  readonly code: string;
  /** A short label for reports. */
  readonly label: string;
  /** Whether the ground protects sources and methods (a waiver on it is usually sealed). */
  readonly sourceProtection: boolean;
}

export const WAIVER_GROUNDS: readonly WaiverGround[] = [
  { code: "victim-already-aware", label: "the intended victim is already aware of the specific threat", sourceProtection: false },
  { code: "armed-conflict", label: "the intended victim is at risk only through its participation in an insurgency, insurrection or other armed conflict", sourceProtection: false },
  { code: "victim-violent-actor", label: "reasonable basis to believe the intended victim is a terrorist, a direct supporter of terrorists, an assassin, a drug trafficker, or involved in violent crimes", sourceProtection: false },
  { code: "endangers-sources-methods", label: "warning would unduly endanger personnel, sources, methods, intelligence operations or defense operations", sourceProtection: true },
  { code: "no-reasonable-way", label: "there is no reasonable way to warn the intended victim", sourceProtection: false },
  { code: "foreign-liaison", label: "the information came from a foreign government with a formal agreement or liaison relationship, and warning would unduly endanger its personnel, sources, methods or operations", sourceProtection: true },
];

/** The codes of the closed list, in the directive's order. */
export const WAIVER_GROUND_CODES: readonly string[] = WAIVER_GROUNDS.map((g) => g.code);

/** The ground with this code, or undefined when it is not on the list. */
export function waiverGround(code: string): WaiverGround | undefined {
  return WAIVER_GROUNDS.find((g) => g.code === code);
}
