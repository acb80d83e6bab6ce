import { rfc3339, type Clock } from "../core/clock.js";
import type { Sequencer } from "../log/sequencer.js";
import type { PartyRow, Store } from "../store/store.js";
import { Admission, type AdmissionDeps } from "./admission.js";
import type { BoardRules } from "./board-rules.js";
import { DutyAdmissionRules } from "./duty-admission-rules.js";
import type { PartyDirectory } from "./party-directory.js";
import type { RecordCheckPool } from "./record-check-pool.js";
import { stixValidator } from "./stix-validator.js";

export interface AdmissionParts {
  readonly store: Store;
  /** The sequencer, or on a shared database whatever hands the entries to the process that sequences. */
  readonly appender: Pick<Sequencer, "appendEntries">;
  readonly parties: PartyDirectory;
  readonly boards: BoardRules;
  readonly clock: Clock;
  /** The node's own party (the author of escalations, the registrar of parties). */
  readonly node: PartyRow;
  readonly checks?: RecordCheckPool | undefined;
  /** Locks spanning the processes of a shared database; without them, in-process locks. */
  readonly locks?: AdmissionDeps["locks"] | undefined;
}

/**
 * The node's one admission, with the rules every record obeys however it arrives (the records API,
 * TAXII, boards, escalations, the operator's party commands): one place, so a server and a command
 * writing to the same log can never admit under different rules.
 */
export function buildAdmission(p: AdmissionParts): Admission {
  const duty = new DutyAdmissionRules(p.store, p.node.id);
  return new Admission({
    store: p.store,
    sequencer: p.appender,
    parties: p.parties,
    clock: p.clock,
    // Compiled on first inline use only: with check workers the main thread never validates.
    validate: (o) => stixValidator().assertValidStix(o),
    nodeIdentity: p.node.id,
    checks: p.checks,
    kindRules: async (obj, kind) => {
      // Key records (registrations, key changes, token events) must fit the logged key history.
      await p.parties.ledger.checkRecord(obj, () => rfc3339(p.clock.now()));
      // Board records obey the board rules (rights, version chain).
      await p.boards.check(obj, kind);
      // Duty-to-warn records obey the duty rules (ICD 191: decisions, approvals, escalations, reveals).
      await duty.check(obj, kind, p.clock.now());
    },
    // A logged key event updates the party_key cache at once.
    afterAppend: (kinds) => p.parties.afterAppend(kinds),
    ...(p.locks ? { locks: p.locks } : {}),
  });
}
