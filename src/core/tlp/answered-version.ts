/*
 * Audiences are fixed when written. A warning's audience can change between versions (a recipient
 * added, one dropped, the marking changed), but what a record about the warning said was said to the
 * audience of the version it answered, and stays readable by that audience only:
 *
 *   - a receipt answers the version it names (`warning_modified`);
 *   - every other record about the warning (assessment, action, resolution, reveal, escalation)
 *     answers the latest version logged before it;
 *   - each version of the warning is read under its own audience (its own recipients and marking).
 *
 * So a recipient added by version 2 reads version 2 and what answered it, never version 1 nor the
 * receipts and assessments other recipients wrote about version 1; a recipient dropped by version 2
 * keeps version 1 and what answered it, and reads nothing written after. Pure: the caller supplies the
 * versions (with their log positions) and the record's facts.
 */
import { audienceForRelatedRecord, type RecordAudience } from "./access.js";
import { tlpMarkingId } from "./markings.js";
import type { PartyId } from "./relations.js";

/** One version of a warning: its `modified`, where the log put it, and its own audience. */
export interface WarningVersionAudience {
  readonly modified: string;
  readonly logIndex: number;
  readonly audience: RecordAudience;
}

/** What the rule needs of a record about a warning. */
export interface RecordAboutFacts {
  readonly author: PartyId;
  readonly markingRefs: readonly string[];
  readonly logIndex: number;
  /** A receipt's `warning_modified`: the version it says it received. Absent for other kinds. */
  readonly answers?: string | undefined;
}

/**
 * The version a record about the warning answered: for a receipt the version it names, otherwise the
 * latest version logged before the record. Undefined when none qualifies (the lifecycle rules admit no
 * such record; callers fail closed). Versions may come in any order.
 */
export function answeredVersion(versions: readonly WarningVersionAudience[], record: RecordAboutFacts): WarningVersionAudience | undefined {
  if (record.answers !== undefined) {
    // Compare instants, not spellings: "…00Z" and "…00.000Z" name the same version.
    const at = Date.parse(record.answers);
    const named = versions.find((v) => v.logIndex < record.logIndex && Date.parse(v.modified) === at);
    if (named) return named;
  }
  let best: WarningVersionAudience | undefined;
  for (const v of versions) if (v.logIndex < record.logIndex && (best === undefined || v.logIndex > best.logIndex)) best = v;
  return best;
}

/**
 * The audience TLP judges a record about a warning by: the answered version's recipients plus the
 * warning's author, under the stricter of the two markings (audienceForRelatedRecord). With no answered
 * version, only the record's own author and the warning's author may read it, as TLP:RED.
 */
export function audienceOfRecordAbout(versions: readonly WarningVersionAudience[], record: RecordAboutFacts): RecordAudience {
  const version = answeredVersion(versions, record);
  if (version === undefined) {
    const warningAuthor = versions[0]?.audience.author;
    return { author: record.author, recipients: warningAuthor === undefined ? [] : [warningAuthor], markingRefs: [tlpMarkingId("RED")] };
  }
  return audienceForRelatedRecord(version.audience, { author: record.author, markingRefs: record.markingRefs });
}
