import { buildWarning, type Author } from "../src/client/record-builders.js";
import type { StixObject } from "../src/core/record/index.js";

const DAY = 86_400_000;

/**
 * The warning every admission benchmark posts (≈1.2 KB of signed STIX): journey 1's shape, so the
 * figures are for the records the node exists for. Numbered so that each is a distinct record.
 */
export function benchWarning(author: Author, recipientId: string, i: number, now: number): StixObject {
  return buildWarning(author, {
    at: now,
    name: `Benchmark warning ${i}`,
    description: "An attack on a large public venue is likely within the window.",
    recipients: [recipientId],
    windowStart: now,
    windowEnd: now + 14 * DAY,
    probability: 0.7,
    deadlines: { receipt: now + 3_600_000, assessment: now + DAY, action: now + 3 * DAY },
    requestedActions: ["protect large venues"],
    tlp: "AMBER",
  });
}
