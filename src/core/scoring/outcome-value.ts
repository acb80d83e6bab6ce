import type { Outcome } from "../lifecycle/index.js";

/**
 * The binary event a warning's probability forecast is scored against (docs/decisions.md, "Outcome
 * mapping"):
 * - materialized → 1: the event the warning forecast happened;
 * - prevented → 1: the threat was real and was stopped because someone acted; scoring it 0 would punish
 *   a source exactly when its warning worked, and would reward a source for warnings nobody heeded;
 * - did-not-materialize → 0;
 * - unknown → not scored: there is no outcome to score against; such warnings are counted apart.
 */
export function outcomeValue(outcome: Outcome): 0 | 1 | undefined {
  switch (outcome) {
    case "materialized":
    case "prevented":
      return 1;
    case "did-not-materialize":
      return 0;
    case "unknown":
      return undefined;
  }
}
